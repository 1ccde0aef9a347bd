"""Domain test fixtures: the simulated registry, owners with complete or incomplete contact data,
the forwarding server new zones point at, and PowerDNS publishing for the .de name-server check."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from hostwerk.core.audit import Actor
from tests.dns.factories import ForwardingServerFactory
from tests.factories import ClientFactory
from tests.support.powerdns import powerdns_client, powerdns_server  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_availability_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def registry(epp_registry, tlds):
    """The simulated registry, with .nl, .de and .com on its registrar."""
    return epp_registry


@pytest.fixture
def owner(db):
    """Anna, a private person with complete contact data (good for every TLD)."""
    return ClientFactory(
        first_name="Anna", last_name="Aalbers", email="anna@aalbers.nl", phone="+31612345678"
    )


@pytest.fixture
def forwarding_server(db):
    return ForwardingServerFactory()


@pytest.fixture
def staff_actor(staff_user):
    return Actor.for_user(staff_user)


@pytest.fixture
def powerdns_publishing(settings, powerdns_server, powerdns_client):  # noqa: F811
    """Publish zones to the session's real PowerDNS; the registry checks .de against it."""
    settings.HOSTWERK_DNS_PUBLISHER = "powerdns"
    settings.HOSTWERK_POWERDNS_API_URL = powerdns_server.api_url
    settings.HOSTWERK_POWERDNS_API_KEY = powerdns_server.api_key
    return powerdns_client
