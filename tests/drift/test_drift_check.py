"""The drift check against the Plesk simulators, the EPP registry simulator, the real PowerDNS
and the SpamExperts simulator, over real sockets: each planted difference is found, repaired
where that is safe, explained where it is not, and a second check finds nothing."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from hostwerk.core.audit import Actor
from hostwerk.core.models import AuditEvent
from hostwerk.dns.actions import zone_publish_now
from hostwerk.dns.models import Zone
from hostwerk.domains.models import Domain
from hostwerk.drift.actions import RepairRefused, difference_repair, drift_check
from hostwerk.drift.models import Difference, DifferenceKind
from hostwerk.integrations.plesk import CustomerSpec, PleskClient, WebspaceSpec
from hostwerk.integrations.powerdns import Record, RRSet
from hostwerk.mail.actions import mailbox_create
from hostwerk.mail.models import MailFilterStatus, RequestChannel
from hostwerk.orders.acceptance import order_accept
from hostwerk.orders.actions import order_place
from hostwerk.orders.items import ItemRequest
from hostwerk.provisioning.models import Service, ServiceStatus
from tests.mail.factories import MailFilterFactory, ProviderFactory

pytestmark = [pytest.mark.django_db]


class World:
    """Anna's anna.nl: registered at the registry, hosted on plesk1 with info@anna.nl, its zone
    published to PowerDNS, and filtered at SpamExperts. Hostwerk and the servers agree."""

    def __init__(self, *, staff, plesk_servers, registry, powerdns, spamexperts, service, zone):
        self.staff = staff
        self.plesk_servers = plesk_servers
        self.registry = registry
        self.powerdns = powerdns
        self.spamexperts = spamexperts
        self.service = service
        self.zone = zone

    def plesk(self, name: str = "plesk1") -> PleskClient:
        return PleskClient(
            self.plesk_servers.sandboxes[name].url, login="admin", password="sandbox"
        )

    def check(self, **options):
        return drift_check(actor=self.staff, **options)


@pytest.fixture
def world(
    staff_user,
    client_a,
    plesk_servers,
    catalogue,
    epp_registry,
    powerdns_publishing,
    spamexperts_sandbox,
    mail_filter,
) -> World:
    staff = Actor.for_user(staff_user)
    client_a.phone = "+31612345678"
    client_a.save()
    order = order_place(
        actor=staff,
        client=client_a,
        channel="staff",
        items=[
            ItemRequest(
                product_id=catalogue["hosting"].pk, domain="anna.nl", domain_choice="register"
            )
        ],
        generate_invoice=False,
        send_confirmation=False,
        send_invoice_email=False,
    )
    outcome = order_accept(actor=staff, order=order)
    assert [item.status for item in outcome.items] == ["accepted", "accepted"]
    service = Service.objects.get(domain="anna.nl")
    mailbox_create(actor=staff, service=service, local_part="info", password="Zeer-Geheim-2024!")
    zone = Zone.objects.get(name="anna.nl")
    zone_publish_now(zone=zone)
    provider = ProviderFactory(
        name="SpamExperts",
        mode="api",
        api_url=spamexperts_sandbox.url,
        username="admin",
        password="sandbox",
        request_email="",
        verify_tls=False,
    )
    MailFilterFactory(
        domain="anna.nl",
        client=client_a,
        provider=provider,
        status=MailFilterStatus.ACTIVE,
        request_channel=RequestChannel.API,
    )
    spamexperts_sandbox.state.seed(domain="anna.nl", destinations=[("mn-mx1.anna.nl", 25)])
    return World(
        staff=staff,
        plesk_servers=plesk_servers,
        registry=epp_registry,
        powerdns=powerdns_publishing,
        spamexperts=spamexperts_sandbox,
        service=service,
        zone=zone,
    )


def kinds(outcome) -> list[tuple[str, str, str]]:
    return sorted((d.system, d.kind, d.object_label) for d in outcome.differences)


def test_hostwerk_and_servers_that_agree_have_no_differences(world):
    outcome = world.check()

    assert kinds(outcome) == []
    # The service and its mailbox, the domain, the zone and the filtered domain.
    assert outcome.checked == 5
    assert AuditEvent.objects.get(action="drift.check").data["differences"] == 0


def test_mailbox_filter_switched_off_in_plesk_is_found_and_switched_on(world):
    world.plesk_servers.state("plesk1").find_mailbox("info@anna.nl").spam_filter = False

    outcome = world.check(repair=True)

    assert kinds(outcome) == [("plesk1", "mailbox_filter_off", "info@anna.nl")]
    [difference] = outcome.repaired
    assert (difference.expected, difference.found) == ("spam filter on", "spam filter off")
    assert difference.resolution == "repaired" and difference.resolved_at is not None
    assert world.plesk_servers.state("plesk1").find_mailbox("info@anna.nl").spam_filter is True
    assert world.check().differences == []


def test_record_changed_in_powerdns_is_found_and_published_again(world):
    world.powerdns.zone_replace_rrsets(
        name="anna.nl.",
        replace=[RRSet("www.anna.nl.", "A", 3600, (Record(content="203.0.113.66"),))],
        delete=[],
    )

    outcome = world.check()

    assert kinds(outcome) == [("PowerDNS", "zone_records", "anna.nl")]
    [difference] = outcome.differences
    assert difference.repairable
    assert difference.found == "www.anna.nl. 3600 A 203.0.113.66"
    assert difference.expected.startswith("www.anna.nl. ")
    assert "203.0.113.66" not in difference.expected

    difference_repair(actor=world.staff, difference=difference)

    served = world.powerdns.zone_get("anna.nl.")
    www = next(r for r in served.rrsets if (r.name, r.type) == ("www.anna.nl.", "A"))
    assert list(www.contents) == ["192.0.2.11"]
    assert world.check().differences == []
    assert AuditEvent.objects.filter(action="drift.repair", object_id=difference.pk).count() == 1


def test_subscription_suspended_by_hand_in_plesk_is_activated_again(world):
    with world.plesk() as plesk:
        plesk.webspace_set_status(id=int(world.service.remote_service_id), status="suspended")

    outcome = world.check(repair=True)

    assert kinds(outcome) == [("plesk1", "subscription_status", "anna.nl")]
    assert (outcome.differences[0].expected, outcome.differences[0].found) == (
        "active",
        "suspended",
    )
    assert len(outcome.repaired) == 1
    assert world.plesk_servers.state("plesk1").find_webspace(name="anna.nl").status == 0
    assert world.check().differences == []


def test_unpaid_service_unsuspended_by_hand_in_plesk_is_suspended_again(world):
    Service.objects.filter(pk=world.service.pk).update(status=ServiceStatus.SUSPENDED)
    with world.plesk() as plesk:
        plesk.webspace_set_status(id=int(world.service.remote_service_id), status="suspended")
    assert world.check().differences == []
    with world.plesk() as plesk:
        plesk.webspace_set_status(id=int(world.service.remote_service_id), status="active")

    [difference] = world.check().differences
    assert (difference.kind, difference.expected, difference.found) == (
        "subscription_status",
        "suspended",
        "active",
    )
    difference_repair(actor=world.staff, difference=difference)

    assert world.plesk_servers.state("plesk1").find_webspace(name="anna.nl").status == 16
    assert Service.objects.get(pk=world.service.pk).status == ServiceStatus.SUSPENDED
    assert world.check().differences == []


def test_subscription_hostwerk_does_not_know_is_explained_not_repaired(world):
    with world.plesk("plesk2") as plesk:
        stranger = plesk.customer_add(
            CustomerSpec(login="stranger", password="Secret-123!", pname="Stranger")
        )
        plesk.webspace_add(
            WebspaceSpec(
                name="vreemd.nl",
                owner_id=stranger.id,
                plan_name="Default Domain",
                ip_address="192.0.2.21",
                ftp_login="vreemd",
                ftp_password="Secret-123!",
            )
        )

    outcome = world.check(repair=True)

    assert kinds(outcome) == [("plesk2", "subscription_unknown", "vreemd.nl")]
    [difference] = outcome.differences
    assert outcome.repaired == [] and not difference.repairable
    assert "Hostwerk has no active or suspended service" in difference.explanation
    with pytest.raises(RepairRefused):
        difference_repair(actor=world.staff, difference=difference)
    again = world.check()
    assert [d.pk for d in again.differences] == [difference.pk]  # the same one, still open
    assert Difference.objects.count() == 1


def test_registry_changes_are_found_expiry_taken_over_and_name_servers_sent_again(world):
    record = world.registry.state.domains["anna.nl"]
    record.nameservers = ["ns.elders.example"]
    record.expires = record.expires.replace(year=record.expires.year + 1)

    outcome = world.check(repair=True)

    assert kinds(outcome) == [
        ("registrar Sandbox registry", "domain_expiry", "anna.nl"),
        ("registrar Sandbox registry", "domain_nameservers", "anna.nl"),
    ]
    assert len(outcome.repaired) == 2
    assert Domain.objects.get(name="anna.nl").expires_at.year == record.expires.year
    assert world.registry.state.domains["anna.nl"].nameservers == [
        "ns1.hostwerk.test",
        "ns2.hostwerk.test",
    ]
    assert world.check().differences == []


def test_filtered_domain_removed_at_spamexperts_is_added_again(world):
    del world.spamexperts.state.domains["anna.nl"]

    outcome = world.check(repair=True)

    assert kinds(outcome) == [("SpamExperts", "filter_domain_missing", "anna.nl")]
    assert len(outcome.repaired) == 1
    assert "anna.nl" in world.spamexperts.state.domains
    assert world.check().differences == []


def test_a_difference_no_longer_found_is_resolved_as_gone(world):
    mailbox = world.plesk_servers.state("plesk1").find_mailbox("info@anna.nl")
    mailbox.spam_filter = False
    [difference] = world.check().differences
    mailbox.spam_filter = True

    assert world.check().differences == []

    difference.refresh_from_db()
    assert difference.resolution == "gone" and difference.resolved_by is None


def test_an_unreachable_server_keeps_its_differences_open(world):
    world.plesk_servers.state("plesk1").find_mailbox("info@anna.nl").spam_filter = False
    [difference] = world.check().differences
    server = world.plesk_servers.servers["plesk1"]
    server.api_url = "http://127.0.0.1:9"
    server.save()

    outcome = world.check()

    assert [system for system, _why in outcome.unreachable] == ["plesk1"]
    difference.refresh_from_db()
    assert difference.is_open


# The command and the cron job ------------------------------------------------------------------


def run_command(*args) -> list[str]:
    out, err = StringIO(), StringIO()
    call_command("drift_check", *args, stdout=out, stderr=err)
    return out.getvalue().splitlines()


def test_command_lists_differences_and_ends_with_json_then_repairs(world):
    world.plesk_servers.state("plesk1").find_mailbox("info@anna.nl").spam_filter = False
    world.powerdns.zone_replace_rrsets(name="anna.nl.", replace=[], delete=[("www.anna.nl.", "A")])

    lines = run_command()
    assert json.loads(lines[-1]) == {"checked": 5, "differences": 2, "repaired": 0}
    assert len(lines) == 3
    assert lines[0] == (
        "plesk1\tmailbox_filter_off\tinfo@anna.nl\texpected 'spam filter on', found "
        "'spam filter off' (repairable)"
    )
    assert lines[1].startswith("PowerDNS\tzone_records\tanna.nl\texpected 'www.anna.nl. 3600 A")

    lines = run_command("--repair")
    assert json.loads(lines[-1]) == {"checked": 5, "differences": 2, "repaired": 2}
    assert "repaired\tzone_records\tanna.nl" in lines

    assert json.loads(run_command()[-1]) == {"checked": 5, "differences": 0, "repaired": 0}


def test_command_with_server_checks_only_that_server(world):
    world.plesk_servers.state("plesk1").find_mailbox("info@anna.nl").spam_filter = False
    world.powerdns.zone_replace_rrsets(name="anna.nl.", replace=[], delete=[("www.anna.nl.", "A")])

    assert json.loads(run_command("--server", "plesk2")[-1]) == {
        "checked": 0,
        "differences": 0,
        "repaired": 0,
    }
    assert json.loads(run_command("--server", "plesk1")[-1])["differences"] == 1
    # The PowerDNS difference was not looked for, so nothing about it was resolved or opened.
    assert list(Difference.objects.values_list("kind", flat=True)) == ["mailbox_filter_off"]


def test_daily_cron_job_runs_the_check_in_the_worker(world):
    from hostwerk.core.scheduling import cron_run, scheduled_jobs
    from tests.support.tasks import failed_tasks, run_queued_tasks

    assert "drift.daily_check" in [job.name for job in scheduled_jobs()]
    world.plesk_servers.state("plesk1").find_mailbox("info@anna.nl").spam_filter = False

    assert "drift.daily_check" in cron_run(force=True)
    run_queued_tasks()

    assert failed_tasks() == []
    assert list(Difference.objects.values_list("kind", flat=True)) == [
        DifferenceKind.MAILBOX_FILTER_OFF
    ]


# The staff page ---------------------------------------------------------------------------------


def test_staff_page_lists_differences_and_repairs_with_one_click(world, staff_web):
    world.plesk_servers.state("plesk1").find_mailbox("info@anna.nl").spam_filter = False
    [difference] = world.check().differences

    page = staff_web.get(reverse("staff:drift_list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "info@anna.nl" in html and reverse("staff:drift_repair", args=[difference.pk]) in html
    assert 'href="/staff/drift/"' in staff_web.get(reverse("staff:dashboard")).content.decode()

    response = staff_web.post(reverse("staff:drift_repair", args=[difference.pk]))

    assert response.status_code == 302
    difference.refresh_from_db()
    assert difference.resolution == "repaired"
    assert difference.resolved_by.email == "sanne@provider.test"
    assert world.plesk_servers.state("plesk1").find_mailbox("info@anna.nl").spam_filter is True
    event = AuditEvent.objects.get(action="drift.repair")
    assert event.actor.email == "sanne@provider.test"


def test_staff_page_explains_what_it_cannot_repair(world, staff_web):
    Difference.objects.create(
        kind=DifferenceKind.SUBSCRIPTION_UNKNOWN,
        system="plesk2",
        object_label="vreemd.nl",
        key="x",
        expected="no subscription",
        found="subscription vreemd.nl (active)",
        explanation="Hostwerk has no active or suspended service for this subscription.",
    )
    html = staff_web.get(reverse("staff:drift_list")).content.decode()
    assert "Hostwerk has no active or suspended service" in html
    assert "/repair/" not in html


def test_clients_cannot_see_or_repair_differences(world, client_a_web):
    difference = Difference.objects.create(
        kind=DifferenceKind.ZONE_MISSING, system="PowerDNS", object_label="x.nl", key="x"
    )
    assert client_a_web.get(reverse("staff:drift_list")).status_code == 403
    response = client_a_web.post(reverse("staff:drift_repair", args=[difference.pk]))
    assert response.status_code == 403
    assert Difference.objects.get(pk=difference.pk).is_open


@pytest.mark.parametrize("rows", [3, 30])
def test_staff_page_query_count_does_not_grow_with_rows(
    db, staff_web, staff_user, django_assert_max_num_queries, rows
):
    for number in range(rows):
        Difference.objects.create(
            kind=DifferenceKind.MAILBOX_FILTER_OFF,
            system="plesk1",
            object_label=f"box{number}@anna.nl",
            key=f"k{number}",
            repairable=number % 2 == 0,
            resolved_by=staff_user if number % 3 == 0 else None,
        )
    with django_assert_max_num_queries(12):
        response = staff_web.get(reverse("staff:drift_list") + "?state=all")
    assert response.status_code == 200
