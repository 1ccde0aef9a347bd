"""DNS test fixtures: the forwarding server of R6, a Plesk server, actors, and PowerDNS publishing."""

from __future__ import annotations

import pytest

from hostwerk.core.audit import Actor
from tests.dns.factories import ForwardingServerFactory
from tests.factories import ServerFactory
from tests.support.powerdns import (  # noqa: F401
    powerdns_client,
    powerdns_faults,
    powerdns_faults_session,
    powerdns_server,
)


@pytest.fixture
def forwarding_server(db):
    return ForwardingServerFactory()


@pytest.fixture
def plesk_server(db):
    return ServerFactory(name="plesk2", web_ip="192.0.2.20", mail_ip="192.0.2.21")


@pytest.fixture
def staff_actor(staff_user):
    return Actor.for_user(staff_user)


@pytest.fixture
def system_actor():
    return Actor.system()


@pytest.fixture
def powerdns_publishing(settings, powerdns_server, powerdns_client):  # noqa: F811
    """Publish to the session's real PowerDNS; the zones are removed after the test."""
    settings.HOSTWERK_DNS_PUBLISHER = "powerdns"
    settings.HOSTWERK_POWERDNS_API_URL = powerdns_server.api_url
    settings.HOSTWERK_POWERDNS_API_KEY = powerdns_server.api_key
    return powerdns_client
