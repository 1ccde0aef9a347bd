"""The .de name-server check against the real PowerDNS server, as in the demo and in CI."""

from __future__ import annotations

import pytest

from hostwerk.integrations.epp import EppPolicyError
from tests.sandbox.epp.support import contact_spec
from tests.support.powerdns import powerdns_client, powerdns_server  # noqa: F401

pytestmark = pytest.mark.pdns

NAMESERVERS = ["ns1.hostwerk.test", "ns2.hostwerk.test"]


@pytest.fixture
def owner(admin, sandbox, powerdns_server):  # noqa: F811
    sandbox.state.resolver = (powerdns_server.dns_host, powerdns_server.dns_port)
    admin.contact_create(contact_spec())
    return admin


def register(client, name):
    return client.domain_create(
        name=name,
        years=1,
        registrant="HW-OWNER1",
        admin_contacts=["HW-OWNER1"],
        tech_contacts=["HW-OWNER1"],
        nameservers=NAMESERVERS,
        auth_code="Domain-Secret-1",
    )


def test_a_de_domain_published_in_powerdns_passes_the_check(owner, powerdns_client):  # noqa: F811
    powerdns_client.zone_create(
        name="voorbeeld.de.", nameservers=[f"{host}." for host in NAMESERVERS]
    )

    assert register(owner, "voorbeeld.de").name == "voorbeeld.de"


def test_a_de_domain_powerdns_does_not_serve_is_refused(owner, powerdns_client, sandbox):  # noqa: F811
    with pytest.raises(EppPolicyError) as caught:
        register(owner, "onbekend.de")

    assert caught.value.code == 2306
    assert caught.value.reason.startswith("Nameserver check for onbekend.de failed:")
    assert "onbekend.de" not in sandbox.state.domains
