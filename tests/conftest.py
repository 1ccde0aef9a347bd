"""Shared pytest fixtures: personas, logged-in browsers-in-a-test-client, and the rule that a
required integration is never skipped under CI."""

from __future__ import annotations

import os

import pytest
from django.test import Client as WebClient

from tests.factories import ClientFactory, ClientUserFactory, StaffUserFactory

REQUIRE_ALL = os.environ.get("HOSTWERK_REQUIRE_ALL") == "1"

pytest_plugins = [
    "tests.support.catalogue",
    "tests.support.plesk",
    "tests.support.epp",
    "tests.support.mollie",
]


def pytest_configure(config):
    from django.conf import settings

    # Production's Argon2 costs 0.14 s per hash; tests hash thousands of passwords.
    settings.PASSWORD_HASHERS = [
        "tests.support.hashers.QuickArgon2PasswordHasher",
        *settings.PASSWORD_HASHERS[1:],
    ]


def skip_or_fail(reason: str) -> None:
    """Skip a test whose system dependency is missing; under HOSTWERK_REQUIRE_ALL=1 (CI) fail."""
    if REQUIRE_ALL:
        pytest.fail(f"HOSTWERK_REQUIRE_ALL=1 and {reason}", pytrace=False)
    pytest.skip(reason)


def postgres_in_use() -> bool:
    """Whether this run's database is PostgreSQL (CI runs the suite on SQLite and on PostgreSQL)."""
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` are about several processes sharing one database server; on SQLite
    they do not apply (one file, one writer at a time), so they skip there, even under CI, which
    runs them in its PostgreSQL pass."""
    if postgres_in_use():
        return
    reason = "needs PostgreSQL (DATABASE_URL=postgres://...); it runs in CI's PostgreSQL pass"
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under HOSTWERK_REQUIRE_ALL=1 (CI) no test may skip, whoever called pytest.skip; except a
    PostgreSQL test in the SQLite pass, which runs in the PostgreSQL pass."""
    outcome = yield
    report = outcome.get_result()
    not_this_database = item.get_closest_marker("postgres") and not postgres_in_use()
    if REQUIRE_ALL and report.skipped and not hasattr(report, "wasxfail") and not not_this_database:
        report.outcome = "failed"
        report.longrepr = f"HOSTWERK_REQUIRE_ALL=1 and the test was skipped: {report.longrepr}"


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests start after another one flushed the seeded rows; put them back."""
    marker = request.node.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or "live_server" in request.fixturenames:
        from tests.support.reference_data import reference_data_ensure

        request.getfixturevalue("transactional_db")
        reference_data_ensure()


@pytest.fixture
def staff_user(db):
    """Sanne, a staff member who may log in as a client."""
    return StaffUserFactory(email="sanne@provider.test", name="Sanne")


@pytest.fixture
def client_a(db):
    """Client A: the one whose objects others must never see."""
    return ClientFactory(first_name="Anna", last_name="Aalbers", email="anna@example.nl")


@pytest.fixture
def client_b(db):
    """Client B: another client, who must get a 404 for everything of client A."""
    return ClientFactory(first_name="Bram", last_name="Bakker", email="bram@example.nl")


@pytest.fixture
def client_a_user(client_a):
    return ClientUserFactory(client=client_a, email="login-a@example.nl")


@pytest.fixture
def client_b_user(client_b):
    return ClientUserFactory(client=client_b, email="login-b@example.nl")


@pytest.fixture
def staff_web(staff_user) -> WebClient:
    web = WebClient()
    web.force_login(staff_user)
    return web


@pytest.fixture
def client_a_web(client_a_user) -> WebClient:
    web = WebClient()
    web.force_login(client_a_user)
    return web


@pytest.fixture
def client_b_web(client_b_user) -> WebClient:
    web = WebClient()
    web.force_login(client_b_user)
    return web


@pytest.fixture
def staff_api(staff_user):
    from tests.support.api import ApiClient, token_for

    return ApiClient(token_for(staff_user))


@pytest.fixture
def client_a_api(client_a_user):
    from tests.support.api import ApiClient, token_for

    return ApiClient(token_for(client_a_user))


@pytest.fixture
def client_b_api(client_b_user):
    from tests.support.api import ApiClient, token_for

    return ApiClient(token_for(client_b_user))
