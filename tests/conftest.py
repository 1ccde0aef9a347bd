"""Shared pytest fixtures: personas, logged-in browsers-in-a-test-client, and the rule that a
required integration is never skipped under CI."""

from __future__ import annotations

import os

import pytest
from django.test import Client as WebClient

from tests.factories import ClientFactory, ClientUserFactory, StaffUserFactory

REQUIRE_ALL = os.environ.get("HOSTWERK_REQUIRE_ALL") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip a test whose system dependency is missing; under HOSTWERK_REQUIRE_ALL=1 (CI) fail."""
    if REQUIRE_ALL:
        pytest.fail(f"HOSTWERK_REQUIRE_ALL=1 and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    settings.LANGUAGE_CODE = "en"


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
