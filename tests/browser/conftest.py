"""Playwright on Debian's Chromium against the live test server; screenshots go to var/screenshots/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import skip_or_fail

# Playwright's sync API keeps an event loop in this thread; the tests still use the ORM
# synchronously between page actions, which is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("HOSTWERK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        skip_or_fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Playwright for Python is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()


class Screenshots:
    def __init__(self, directory: Path):
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def save(self, page, name: str) -> Path:
        """Save the whole page, and fail when it is wider than the window (1366 px): a header or
        table that overflows sideways hides its last buttons behind a horizontal scroll bar."""
        path = self.directory / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name}: the page is {overflow} px wider than the window"
        return path


@pytest.fixture
def screenshots() -> Screenshots:
    return Screenshots(Path(settings.VAR_DIR) / "screenshots")


def log_in(page, path: str, email: str, password: str) -> None:
    page.goto(page.base_url + path)
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_load_state()


def switch_language(page, code: str) -> None:
    """Choose a language in the header: in the client area it sits in the account menu."""
    account = page.locator("#portal-account")
    if account.count():
        account.click()
    page.click(f"button[value={code}]")
    page.wait_for_load_state()
