"""import_zones: zones taken over from the real PowerDNS and from the Plesk simulator, over real
sockets; every record through the zone's own checks, a second run changes nothing, an existing
zone is left alone unless replacing is asked, and the source is never written to."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from hostwerk.core.audit import Actor
from hostwerk.core.models import AuditEvent
from hostwerk.dns.models import PublishStatus, Record, Zone, ZoneChange
from hostwerk.imports.zones import zones_import
from hostwerk.integrations.plesk import CustomerSpec, PleskClient, WebspaceSpec
from hostwerk.integrations.powerdns import Record as ServedRecord
from hostwerk.integrations.powerdns import RRSet
from tests.dns.conftest import powerdns_publishing  # noqa: F401
from tests.domains.factories import DomainFactory
from tests.support.powerdns import powerdns_client, powerdns_server  # noqa: F401

pytestmark = [pytest.mark.django_db]


def rows(zone_name: str) -> list[tuple]:
    return list(
        Record.objects.filter(zone__name=zone_name)
        .order_by("name", "type", "content")
        .values_list("name", "type", "ttl", "priority", "content")
    )


def run(*args) -> tuple[list[str], dict]:
    out = StringIO()
    call_command("import_zones", *args, stdout=out)
    lines = out.getvalue().splitlines()
    return lines, json.loads(lines[-1])


@pytest.fixture
def served(powerdns_publishing):  # noqa: F811
    """oud.nl as another DNS admin left it in PowerDNS, with a record Hostwerk cannot keep."""
    powerdns_publishing.zone_create(
        name="oud.nl.",
        nameservers=["ns1.elders.example.", "ns2.elders.example."],
        rrsets=[
            RRSet("oud.nl.", "A", 3600, ("192.0.2.50",)),
            RRSet("www.oud.nl.", "A", 300, ("192.0.2.50", "192.0.2.51")),
            RRSet("oud.nl.", "MX", 3600, ("10 mail.oud.nl.", "20 backup.elders.example.")),
            RRSet("oud.nl.", "TXT", 3600, ('"v=spf1 mx -all"',)),
            RRSet("ftp.oud.nl.", "CNAME", 3600, ("www.oud.nl.",)),
            RRSet("_sip._tcp.oud.nl.", "SRV", 3600, ("10 5 5060 sip.oud.nl.",)),
            RRSet("oud.nl.", "CAA", 3600, ('0 issue "letsencrypt.org"',)),
            RRSet("kort.oud.nl.", "A", 30, ("192.0.2.52",)),  # below Hostwerk's lowest TTL
            RRSet("pc.oud.nl.", "HINFO", 3600, ('"PC" "Linux"',)),  # a type Hostwerk has not
            RRSet("uit.oud.nl.", "A", 3600, (ServedRecord("192.0.2.53", disabled=True),)),
        ],
    )
    return powerdns_publishing


OUD_ROWS = [
    ("@", "A", 3600, None, "192.0.2.50"),
    ("@", "CAA", 3600, None, '0 issue "letsencrypt.org"'),
    ("@", "MX", 3600, 20, "backup.elders.example."),
    ("@", "MX", 3600, 10, "mail.oud.nl."),
    ("@", "TXT", 3600, None, '"v=spf1 mx -all"'),
    ("_sip._tcp", "SRV", 3600, 10, "5 5060 sip.oud.nl."),
    ("ftp", "CNAME", 3600, None, "www.oud.nl."),
    ("www", "A", 300, None, "192.0.2.50"),
    ("www", "A", 300, None, "192.0.2.51"),
]


def test_a_zone_powerdns_serves_becomes_a_hostwerk_zone_without_writing_to_powerdns(served):
    before = served.zone_get("oud.nl.")

    lines, report = run("--domain", "oud.nl")

    assert rows("oud.nl") == OUD_ROWS
    assert (report["zones"], report["records"]) == (1, 9)
    assert sorted((entry["record"], entry["reason"][:30]) for entry in report["skipped"]) == [
        ("kort.oud.nl. A 192.0.2.52", "Enter a TTL between 60 and 604"),
        ('pc.oud.nl. HINFO "PC" "Linux"', "Hostwerk does not keep HINFO r"),
        ("uit.oud.nl. A 192.0.2.53", "The record is switched off in "),
    ]
    assert lines[0] == "created\toud.nl\t9 records"
    zone = Zone.objects.get(name="oud.nl")
    # What PowerDNS serves is this version: published, and nothing sent back.
    assert (zone.status, zone.version, zone.published_version) == (PublishStatus.PUBLISHED, 1, 1)
    assert served.zone_get("oud.nl.") == before
    change = ZoneChange.objects.get(zone=zone)
    assert (change.action, change.before, len(change.after)) == ("zone_import", [], 9)
    assert change.summary == "zone created from PowerDNS: 9 records"
    event = AuditEvent.objects.get(action="dns.zones_import")
    assert (event.data["zones"], event.data["source"]) == (1, "powerdns")


def test_a_second_run_changes_nothing(served):
    run()
    ids = sorted(Record.objects.values_list("pk", flat=True))
    changes = ZoneChange.objects.count()

    _lines, report = run()

    assert (report["zones"], report["records"]) == (0, 0)
    assert {
        "zone": "oud.nl",
        "reason": "Hostwerk has this zone already; it was left as it is.",
    } in (report["skipped"])
    assert sorted(Record.objects.values_list("pk", flat=True)) == ids
    assert ZoneChange.objects.count() == changes


def test_an_existing_zone_is_replaced_only_when_asked_and_only_when_it_differs(served):
    run("--domain", "oud.nl")
    served.zone_replace_rrsets(
        name="oud.nl.", replace=[RRSet("www.oud.nl.", "A", 300, ("192.0.2.99",))], delete=[]
    )
    assert run("--domain", "oud.nl")[1]["zones"] == 0
    assert ("www", "A", 300, None, "192.0.2.50") in rows("oud.nl")

    _lines, report = run("--domain", "oud.nl", "--replace")

    assert (report["zones"], report["records"]) == (1, 8)
    assert [row for row in rows("oud.nl") if row[0] == "www"] == [
        ("www", "A", 300, None, "192.0.2.99")
    ]
    zone = Zone.objects.get(name="oud.nl")
    assert zone.version == 2 and zone.published_version == 2
    latest = ZoneChange.objects.filter(zone=zone).latest("id")
    assert latest.summary == "zone replaced from PowerDNS: 8 records" and len(latest.before) == 9
    assert run("--domain", "oud.nl", "--replace")[1]["zones"] == 0  # the same records now


def test_dry_run_writes_nothing(served):
    lines, report = run("--dry-run")
    assert (report["zones"], report["records"]) == (1, 9)
    assert lines[0] == "would be created\toud.nl\t9 records"
    assert not Zone.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="dns.").exists()


def test_a_zone_powerdns_does_not_have_is_listed_as_skipped(served):
    _lines, report = run("--domain", "nergens.nl")
    assert report == {
        "zones": 0,
        "records": 0,
        "skipped": [{"zone": "nergens.nl", "reason": "PowerDNS does not serve this zone."}],
    }


def test_a_name_that_is_no_domain_is_refused(served):
    with pytest.raises(CommandError):
        run("--domain", "niet een domein")


# Plesk ------------------------------------------------------------------------------------------


@pytest.fixture
def plesk_site(plesk_servers):
    """klant.nl on plesk2 with Plesk's default DNS and an SRV record added by hand."""
    sandbox = plesk_servers.sandboxes["plesk2"]
    with PleskClient(sandbox.url, login="admin", password="sandbox") as plesk:
        customer = plesk.customer_add(
            CustomerSpec(login="klant", password="Secret-123!", pname="K")
        )
        site = plesk.webspace_add(
            WebspaceSpec(
                name="klant.nl",
                owner_id=customer.id,
                plan_name="Default Domain",
                ip_address="192.0.2.21",
                ftp_login="klant",
                ftp_password="Secret-123!",
            )
        )
        plesk.dns_add_record(
            site_id=site.id, type="SRV", host="_sip._tcp", value="sip.klant.nl", opt="0 5 5060"
        )
    return plesk_servers


def test_a_zone_from_the_plesk_server(plesk_site, settings):
    settings.HOSTWERK_DNS_PUBLISHER = "none"
    owner = DomainFactory(name="klant.nl")
    records_before = [(r.type, r.host, r.value) for r in plesk_site.state("plesk2").dns_records]

    _lines, report = run("--from", "plesk", "--domain", "klant.nl")

    ttl = settings.HOSTWERK_DNS_DEFAULT_TTL
    assert rows("klant.nl") == [
        ("@", "A", ttl, None, "192.0.2.21"),
        ("@", "MX", ttl, 10, "mail.klant.nl."),
        ("@", "TXT", ttl, None, '"v=spf1 +a +mx +a:plesk2 -all"'),
        ("_dmarc", "TXT", ttl, None, '"v=DMARC1; p=none"'),
        ("ftp", "CNAME", ttl, None, "klant.nl."),
        ("mail", "A", ttl, None, "192.0.2.21"),
        ("ns1", "A", ttl, None, "192.0.2.21"),
        ("ns2", "A", ttl, None, "192.0.2.21"),
        ("webmail", "A", ttl, None, "192.0.2.21"),
        ("www", "A", ttl, None, "192.0.2.21"),
    ]
    assert report["zones"] == 1 and report["records"] == 10
    [srv] = report["skipped"]
    assert srv["record"].startswith("_sip._tcp.klant.nl. SRV sip.klant.nl")
    zone = Zone.objects.get(name="klant.nl")
    assert zone.client == owner.client
    assert ZoneChange.objects.get(zone=zone).summary == "zone created from plesk2: 10 records"
    assert [
        (r.type, r.host, r.value) for r in plesk_site.state("plesk2").dns_records
    ] == records_before
    assert run("--from", "plesk", "--domain", "klant.nl")[1]["zones"] == 0


def test_plesk_without_the_domain_says_so(plesk_servers):
    _lines, report = run("--from", "plesk", "--domain", "nergens.nl")
    assert report["skipped"] == [
        {"zone": "nergens.nl", "reason": "No Plesk server has this domain."}
    ]


# The staff action --------------------------------------------------------------------------------


def test_staff_import_a_domains_zone_from_its_page(served, staff_web, client_a_web):
    domain = DomainFactory(name="oud.nl")
    page = staff_web.get(reverse("staff:domain_detail", args=[domain.pk])).content.decode()
    url = reverse("staff:domain_zone_import", args=[domain.pk])
    assert url in page

    assert client_a_web.post(url, {"source": "powerdns"}).status_code == 403
    assert not Zone.objects.exists()

    response = staff_web.post(url, {"source": "powerdns"})

    zone = Zone.objects.get(name="oud.nl")
    assert response.status_code == 302 and response["Location"] == reverse(
        "staff:zone_detail", args=[zone.pk]
    )
    assert zone.client == domain.client and len(rows("oud.nl")) == 9
    event = AuditEvent.objects.get(action="dns.zones_import")
    assert event.actor.email == "sanne@provider.test"


def test_staff_import_with_an_unknown_source_changes_nothing(served, staff_web, staff_user):
    domain = DomainFactory(name="oud.nl")
    response = staff_web.post(
        reverse("staff:domain_zone_import", args=[domain.pk]), {"source": "ftp"}, follow=True
    )
    assert "The zone was not imported" in response.content.decode()
    assert not Zone.objects.exists()
    report = zones_import(actor=Actor.for_user(staff_user), domains=["oud.nl"], dry_run=True)
    assert report.zones == 1
