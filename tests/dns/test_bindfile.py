"""BIND zone-file export: SOA and NS from the settings, every record, readable by a zone parser."""

from __future__ import annotations

import dns.zone
import pytest

from hostwerk.dns.actions import record_create
from hostwerk.dns.bindfile import hostmaster_name, soa_serial, zone_file
from hostwerk.provisioning.zones import zone_create

pytestmark = pytest.mark.django_db


def test_export_holds_soa_ns_and_every_record(settings, staff_actor, forwarding_server):
    settings.HOSTWERK_DNS_NAMESERVERS = ["ns1.provider.nl", "ns2.provider.nl."]
    settings.HOSTWERK_DNS_HOSTMASTER = "dns-beheer@provider.nl"
    zone = zone_create(actor=staff_actor, domain="example.nl")
    record_create(actor=staff_actor, zone=zone, name="@", type="TXT", content="v=spf1 mx -all")
    record_create(
        actor=staff_actor,
        zone=zone,
        name="_sip._tcp",
        type="SRV",
        content="5 5060 sip",
        priority=10,
    )

    text = zone_file(zone)

    assert text.splitlines()[1:3] == ["$ORIGIN example.nl.", "$TTL 3600"]
    parsed = dns.zone.from_text(text, origin="example.nl.", relativize=False, check_origin=True)
    soa = parsed.find_rdataset("example.nl.", "SOA")[0]
    assert (soa.mname.to_text(), soa.rname.to_text()) == (
        "ns1.provider.nl.",
        "dns-beheer.provider.nl.",
    )
    assert (soa.refresh, soa.retry, soa.expire, soa.minimum) == (10800, 3600, 604800, 3600)
    assert soa.serial == soa_serial(zone)
    assert soa.serial % 100 == zone.version  # YYYYMMDDnn

    def answers(name, rdtype):
        return sorted(rdata.to_text() for rdata in parsed.find_rdataset(name, rdtype))

    assert answers("example.nl.", "NS") == ["ns1.provider.nl.", "ns2.provider.nl."]
    assert answers("example.nl.", "A") == ["80.247.175.4"]
    assert answers("www.example.nl.", "A") == ["80.247.175.4"]
    assert answers("mn-mx1.example.nl.", "A") == ["80.247.175.5"]
    assert answers("example.nl.", "MX") == ["10 mn-mx1.example.nl."]
    assert answers("example.nl.", "TXT") == ['"v=spf1 mx -all"']
    assert answers("_sip._tcp.example.nl.", "SRV") == ["10 5 5060 sip.example.nl."]


def test_hostmaster_setting_as_name_or_address(settings):
    settings.HOSTWERK_DNS_HOSTMASTER = "hostmaster.hostwerk.test"
    assert hostmaster_name() == "hostmaster.hostwerk.test."
    settings.HOSTWERK_DNS_HOSTMASTER = "john.doe@hostwerk.test"
    assert hostmaster_name() == "john\\.doe.hostwerk.test."
