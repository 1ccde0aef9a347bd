"""The .de policy: a create or name-server change succeeds only when the name servers really
answer authoritatively for the zone (asked over real DNS on loopback)."""

from __future__ import annotations

import pytest

from hostwerk.integrations.epp import EppMissingParameter, EppPolicyError
from tests.sandbox.epp.support import StandInDnsServer, Zone, contact_spec, stand_in_dns_server

NAMESERVERS = ["ns1.hostwerk.test", "ns2.hostwerk.test"]


@pytest.fixture
def owner(admin):
    admin.contact_create(contact_spec())
    return admin


@pytest.fixture
def dns_server(sandbox):
    with stand_in_dns_server() as (server, address):
        sandbox.state.resolver = address
        yield server


def register_de(client, nameservers=NAMESERVERS):
    return client.domain_create(
        name="voorbeeld.de",
        years=1,
        registrant="HW-OWNER1",
        admin_contacts=["HW-OWNER1"],
        tech_contacts=["HW-OWNER1"],
        nameservers=nameservers,
        auth_code="Domain-Secret-1",
    )


def test_a_de_domain_whose_zone_is_served_is_registered(owner, dns_server):
    dns_server.zones["voorbeeld.de"] = Zone(nameservers=NAMESERVERS)

    result = register_de(owner)

    assert result.name == "voorbeeld.de"
    assert ("voorbeeld.de", "SOA") in dns_server.queries
    assert ("voorbeeld.de", "NS") in dns_server.queries


def test_a_de_domain_is_refused_when_no_name_server_answers(owner, sandbox):
    with stand_in_dns_server(StandInDnsServer(silent=True)) as (_server, address):
        sandbox.state.resolver = address

        with pytest.raises(EppPolicyError) as caught:
            register_de(owner)

    assert caught.value.code == 2306
    assert caught.value.reason == (
        "Nameserver check for voorbeeld.de failed: "
        "no name server answered the SOA query (timed out)"
    )
    assert "voorbeeld.de" not in sandbox.state.domains


def test_a_de_domain_is_refused_when_the_zone_is_not_served(owner, dns_server, sandbox):
    with pytest.raises(EppPolicyError, match="answered REFUSED to the SOA query"):
        register_de(owner)
    assert "voorbeeld.de" not in sandbox.state.domains


def test_a_de_domain_is_refused_when_the_zone_lists_other_name_servers(owner, dns_server):
    dns_server.zones["voorbeeld.de"] = Zone(nameservers=["ns1.elders.net", "ns2.hostwerk.test"])

    with pytest.raises(EppPolicyError) as caught:
        register_de(owner)

    assert "the zone's NS records do not list ns1.hostwerk.test" in caught.value.reason
    assert "were not given: ns1.elders.net" in caught.value.reason


def test_a_de_domain_is_refused_when_the_soa_timers_are_out_of_range(owner, dns_server):
    dns_server.zones["voorbeeld.de"] = Zone(nameservers=NAMESERVERS, refresh=300)

    with pytest.raises(EppPolicyError, match="SOA refresh 300 is outside 10000-86400"):
        register_de(owner)


def test_a_de_domain_needs_name_servers(owner, dns_server):
    with pytest.raises(EppMissingParameter, match="need name servers"):
        register_de(owner, nameservers=[])


def test_without_a_resolver_the_simulator_says_how_to_configure_one(owner):
    with pytest.raises(EppPolicyError, match="start it with --resolver HOST:PORT"):
        register_de(owner)


def test_changing_de_name_servers_is_checked_too(owner, dns_server):
    dns_server.zones["voorbeeld.de"] = Zone(nameservers=NAMESERVERS)
    register_de(owner)

    with pytest.raises(EppPolicyError, match=r"do not list ns3\.hostwerk\.test"):
        owner.domain_update(name="voorbeeld.de", add_nameservers=["ns3.hostwerk.test"])

    dns_server.zones["voorbeeld.de"] = Zone(nameservers=[*NAMESERVERS, "ns3.hostwerk.test"])
    owner.domain_update(name="voorbeeld.de", add_nameservers=["ns3.hostwerk.test"])
    assert owner.domain_info(name="voorbeeld.de").nameservers == (
        *NAMESERVERS,
        "ns3.hostwerk.test",
    )


def test_other_tlds_are_not_checked(owner, dns_server):
    result = owner.domain_create(
        name="voorbeeld.eu",
        years=1,
        registrant="HW-OWNER1",
        admin_contacts=["HW-OWNER1"],
        tech_contacts=["HW-OWNER1"],
        nameservers=NAMESERVERS,
        auth_code="Domain-Secret-1",
    )

    assert result.name == "voorbeeld.eu"
    assert dns_server.queries == []
