"""Publishing to the real PowerDNS server, proven with DNS queries; outages and refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hostwerk.core.errors import PermanentError, TransientError
from hostwerk.core.scheduling import cron_run
from hostwerk.dns.actions import (
    record_create,
    record_delete,
    record_update,
    zone_delete,
    zone_publish,
    zone_publish_now,
)
from hostwerk.dns.models import PublishStatus, Record, Zone
from hostwerk.dns.publishing import PublishOutcome, publish_zone_version
from hostwerk.dns.tasks import publish_zone
from hostwerk.provisioning.zones import zone_create, zone_follow_forwarding, zone_follow_hosting
from hostwerk.sandbox.powerdns import free_port
from tests.support.powerdns import dns_answer
from tests.support.tasks import queued_task_paths, run_queued_tasks

pytestmark = [pytest.mark.django_db, pytest.mark.pdns]


@pytest.fixture
def published_zone(powerdns_publishing, staff_actor, forwarding_server):
    zone = zone_create(actor=staff_actor, domain="example.nl")
    run_queued_tasks()
    zone.refresh_from_db()
    assert zone.status == PublishStatus.PUBLISHED, zone.last_error
    return zone


def test_r6_the_published_zone_answers_as_the_default_template_says(
    published_zone, powerdns_server
):
    assert dns_answer(powerdns_server, "example.nl.", "A") == ("NOERROR", ["80.247.175.4"])
    assert dns_answer(powerdns_server, "www.example.nl.", "A") == ("NOERROR", ["80.247.175.4"])
    assert dns_answer(powerdns_server, "mn-mx1.example.nl.", "A") == (
        "NOERROR",
        ["80.247.175.5"],
    )
    assert dns_answer(powerdns_server, "example.nl.", "MX") == (
        "NOERROR",
        ["10 mn-mx1.example.nl."],
    )
    assert dns_answer(powerdns_server, "example.nl.", "NS") == (
        "NOERROR",
        ["ns1.hostwerk.test.", "ns2.hostwerk.test."],
    )
    rcode, soa = dns_answer(powerdns_server, "example.nl.", "SOA")
    assert rcode == "NOERROR" and len(soa) == 1


def test_r7_after_following_the_hosting_the_addresses_answer_the_new_server(
    published_zone, powerdns_server, staff_actor, system_actor, plesk_server
):
    www = published_zone.records.get(template_key="www")
    record_update(actor=staff_actor, record=www, name="www", type="A", content="203.0.113.9")
    zone_follow_hosting(actor=system_actor, domain="example.nl", server=plesk_server)
    run_queued_tasks()

    assert dns_answer(powerdns_server, "example.nl.", "A") == ("NOERROR", ["192.0.2.20"])
    assert dns_answer(powerdns_server, "mn-mx1.example.nl.", "A") == ("NOERROR", ["192.0.2.21"])
    assert dns_answer(powerdns_server, "www.example.nl.", "A") == ("NOERROR", ["203.0.113.9"])

    zone_follow_forwarding(actor=system_actor, domain="example.nl")
    run_queued_tasks()
    assert dns_answer(powerdns_server, "example.nl.", "A") == ("NOERROR", ["80.247.175.4"])
    assert dns_answer(powerdns_server, "www.example.nl.", "A") == ("NOERROR", ["203.0.113.9"])


def test_records_deleted_in_hostwerk_disappear_from_powerdns(
    published_zone, powerdns_server, powerdns_publishing, staff_actor
):
    shop = record_create(
        actor=staff_actor, zone=published_zone, name="shop", type="A", content="192.0.2.7"
    )
    record_create(
        actor=staff_actor, zone=published_zone, name="@", type="TXT", content="v=spf1 mx -all"
    )
    run_queued_tasks()
    assert dns_answer(powerdns_server, "shop.example.nl.", "A") == ("NOERROR", ["192.0.2.7"])
    assert dns_answer(powerdns_server, "example.nl.", "TXT") == ("NOERROR", ['"v=spf1 mx -all"'])

    record_delete(actor=staff_actor, record=shop)
    record_delete(actor=staff_actor, record=published_zone.records.get(template_key="mx"))
    run_queued_tasks()

    assert dns_answer(powerdns_server, "shop.example.nl.", "A") == ("NXDOMAIN", [])
    assert dns_answer(powerdns_server, "example.nl.", "MX") == ("NOERROR", [])
    remote = powerdns_publishing.zone_get("example.nl.")
    assert sorted((rrset.name, rrset.type) for rrset in remote.rrsets) == [
        ("example.nl.", "A"),
        ("example.nl.", "NS"),
        ("example.nl.", "SOA"),
        ("example.nl.", "TXT"),
        ("mn-mx1.example.nl.", "A"),
        ("www.example.nl.", "A"),
    ]


def test_every_record_type_and_an_idn_zone_are_accepted_by_powerdns(
    powerdns_publishing, powerdns_server, staff_actor, forwarding_server
):
    zone = zone_create(actor=staff_actor, domain="bücher.nl")
    for name, record_type, content, priority in [
        ("@", "AAAA", "2001:db8::10", None),
        ("alias", "CNAME", "www", None),
        ("_sip._tcp", "SRV", "5 5060 sip.bücher.nl", 10),
        ("@", "CAA", 'issue "letsencrypt.org"', None),
        ("shop", "NS", "ns1.other.net", None),
        ("*.wild", "A", "192.0.2.99", None),
        ("_dkim", "TXT", "k" * 300, None),
    ]:
        record_create(
            actor=staff_actor,
            zone=zone,
            name=name,
            type=record_type,
            content=content,
            priority=priority,
        )
    run_queued_tasks()
    zone.refresh_from_db()
    assert zone.status == PublishStatus.PUBLISHED, zone.last_error
    assert dns_answer(powerdns_server, "xn--bcher-kva.nl.", "AAAA") == ("NOERROR", ["2001:db8::10"])
    assert dns_answer(powerdns_server, "_sip._tcp.xn--bcher-kva.nl.", "SRV") == (
        "NOERROR",
        ["10 5 5060 sip.xn--bcher-kva.nl."],
    )
    assert dns_answer(powerdns_server, "any.wild.xn--bcher-kva.nl.", "A") == (
        "NOERROR",
        ["192.0.2.99"],
    )
    assert dns_answer(powerdns_server, "_dkim.xn--bcher-kva.nl.", "TXT")[1] == [
        '"' + "k" * 255 + '" "' + "k" * 45 + '"'
    ]


def test_an_outage_leaves_the_zone_pending_and_a_later_publish_succeeds(
    settings, powerdns_publishing, powerdns_server, staff_actor, forwarding_server
):
    settings.HOSTWERK_POWERDNS_API_URL = f"http://127.0.0.1:{free_port()}"  # nobody listens
    zone = zone_create(actor=staff_actor, domain="example.nl")
    assert run_queued_tasks() == 1

    zone.refresh_from_db()
    assert zone.status == PublishStatus.PENDING
    assert "Could not reach PowerDNS" in zone.last_error
    assert zone.publish_attempts == 1
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.task_path == "hostwerk.dns.tasks.publish_zone"
    assert retry.run_after > timezone.now() + timedelta(seconds=20)
    assert not DBTaskResult.objects.filter(status="FAILED").exists()

    with pytest.raises(TransientError):
        zone_publish_now(zone=zone)
    zone.refresh_from_db()
    assert zone.status == PublishStatus.PENDING

    settings.HOSTWERK_POWERDNS_API_URL = powerdns_server.api_url  # PowerDNS is back
    publish_zone.call(zone.pk)
    zone.refresh_from_db()
    assert (zone.status, zone.last_error, zone.publish_attempts) == (PublishStatus.PUBLISHED, "", 0)
    assert dns_answer(powerdns_server, "www.example.nl.", "A") == ("NOERROR", ["80.247.175.4"])


def test_a_refusal_by_powerdns_is_shown_as_failed_with_its_message(published_zone, staff_actor):
    # A row that bypassed validation (e.g. edited in the database) must not be hidden.
    Record.objects.create(
        zone=published_zone, name="broken", type="A", ttl=3600, content="999.1.1.1"
    )
    zone_publish(zone=published_zone)
    run_queued_tasks()

    published_zone.refresh_from_db()
    assert published_zone.status == PublishStatus.FAILED
    assert "broken.example.nl./A '999.1.1.1'" in published_zone.last_error
    assert "unable to parse IP address" in published_zone.last_error
    with pytest.raises(PermanentError) as refused:
        zone_publish_now(zone=published_zone)
    assert "999.1.1.1" in refused.value.message

    Record.objects.filter(name="broken").delete()
    zone_publish(zone=published_zone)
    run_queued_tasks()
    published_zone.refresh_from_db()
    assert (published_zone.status, published_zone.last_error) == (PublishStatus.PUBLISHED, "")


def test_a_version_already_published_is_skipped(published_zone):
    assert publish_zone_version(published_zone.pk) == (PublishOutcome.UP_TO_DATE, None)
    publish_zone.enqueue(published_zone.pk)
    publish_zone.enqueue(published_zone.pk)
    run_queued_tasks()
    assert [
        result.return_value for result in DBTaskResult.objects.order_by("-enqueued_at")[:2]
    ] == [
        "up to date",
        "up to date",
    ]


def test_a_zone_another_process_is_publishing_is_tried_again_later(published_zone, staff_actor):
    record_create(
        actor=staff_actor, zone=published_zone, name="shop", type="A", content="192.0.2.7"
    )
    Zone.objects.filter(pk=published_zone.pk).update(publishing_since=timezone.now())
    run_queued_tasks()
    published_zone.refresh_from_db()
    assert published_zone.status == PublishStatus.PENDING
    assert queued_task_paths() == []  # not ready yet: waits for the other process
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    # The other process died: after the lease its claim no longer counts.
    Zone.objects.filter(pk=published_zone.pk).update(
        publishing_since=timezone.now() - timedelta(minutes=10)
    )
    publish_zone.call(published_zone.pk)
    published_zone.refresh_from_db()
    assert published_zone.status == PublishStatus.PUBLISHED


def test_the_lease_of_a_worker_that_died_mid_publish_is_released_at_once(
    published_zone, staff_actor
):
    from hostwerk.core.models import WorkerBeat
    from hostwerk.core.workers import worker_stopped

    record_create(
        actor=staff_actor, zone=published_zone, name="shop", type="A", content="192.0.2.7"
    )
    other = Zone.objects.create(
        name="other.nl", publishing_by="worker-b:1", publishing_since=timezone.now()
    )
    Zone.objects.filter(pk=published_zone.pk).update(
        publishing_since=timezone.now(), publishing_by="worker-a:0123456789abcde"
    )
    assert publish_zone_version(published_zone.pk)[0] == PublishOutcome.BUSY

    worker_stopped.send(sender=WorkerBeat, worker_id="worker-a")
    assert publish_zone_version(published_zone.pk)[0] == PublishOutcome.PUBLISHED
    published_zone.refresh_from_db()
    assert (published_zone.publishing_by, published_zone.publishing_since) == ("", None)
    other.refresh_from_db()
    assert other.publishing_by == "worker-b:1"  # another worker's lease stays


def test_publish_now_returns_once_the_dns_server_answers(
    powerdns_publishing, powerdns_server, staff_actor, forwarding_server
):
    zone = zone_create(actor=staff_actor, domain="example.nl")
    record_create(actor=staff_actor, zone=zone, name="spamx", type="A", content="192.0.2.60")
    zone_publish_now(zone=zone, actor=staff_actor)
    assert dns_answer(powerdns_server, "spamx.example.nl.", "A") == ("NOERROR", ["192.0.2.60"])
    zone.refresh_from_db()
    assert zone.status == PublishStatus.PUBLISHED
    run_queued_tasks()  # the queued task finds nothing left to do
    assert DBTaskResult.objects.order_by("-enqueued_at").first().return_value == "up to date"


def test_deleting_a_zone_removes_it_from_powerdns(
    published_zone, powerdns_publishing, powerdns_server, staff_actor
):
    zone_delete(actor=staff_actor, zone=published_zone)
    run_queued_tasks()
    assert powerdns_publishing.zone_get("example.nl.") is None
    assert dns_answer(powerdns_server, "www.example.nl.", "A")[0] == "REFUSED"


def test_an_adopted_zone_is_overwritten_with_hostwerks_records(
    powerdns_publishing, powerdns_server, staff_actor, forwarding_server
):
    from hostwerk.integrations.powerdns import RRSet

    powerdns_publishing.zone_create(
        name="example.nl.",
        nameservers=["ns1.elsewhere.test."],
        rrsets=[RRSet(name="old.example.nl.", type="A", ttl=60, records=("192.0.2.250",))],
    )
    zone = zone_create(actor=staff_actor, domain="example.nl")
    run_queued_tasks()
    zone.refresh_from_db()
    assert zone.status == PublishStatus.PUBLISHED
    assert dns_answer(powerdns_server, "old.example.nl.", "A") == ("NXDOMAIN", [])
    assert dns_answer(powerdns_server, "example.nl.", "NS")[1] == [
        "ns1.hostwerk.test.",
        "ns2.hostwerk.test.",
    ]


def test_cron_publishes_zones_stuck_in_pending_or_failed(settings, staff_actor, forwarding_server):
    settings.HOSTWERK_DNS_PUBLISHER = "powerdns"
    settings.HOSTWERK_POWERDNS_API_KEY = "not-used"
    stuck = zone_create(actor=staff_actor, domain="stuck.nl")
    fresh = zone_create(actor=staff_actor, domain="fresh.nl")
    failed = zone_create(actor=staff_actor, domain="failed.nl")
    DBTaskResult.objects.all().delete()
    Zone.objects.filter(pk=stuck.pk).update(changed_at=timezone.now() - timedelta(hours=2))
    Zone.objects.filter(pk=failed.pk).update(status=PublishStatus.FAILED)

    assert "dns.republish_stuck_zones" in cron_run(force=True)

    queued = sorted(
        result.args_kwargs["args"][0]
        for result in DBTaskResult.objects.filter(task_path__endswith="publish_zone")
    )
    assert queued == sorted([stuck.pk, failed.pk])
    assert fresh.pk not in queued


def _ready_publishes() -> int:
    return DBTaskResult.objects.filter(
        status="READY", task_path="hostwerk.dns.tasks.publish_zone"
    ).count()


def test_changes_while_a_publish_is_queued_share_it_and_it_publishes_the_newest(
    published_zone, powerdns_server, staff_actor
):
    DBTaskResult.objects.all().delete()
    record_create(actor=staff_actor, zone=published_zone, name="a", type="A", content="192.0.2.7")
    record_create(actor=staff_actor, zone=published_zone, name="b", type="A", content="192.0.2.8")
    record = Record.objects.get(zone=published_zone, name="a")
    record_delete(actor=staff_actor, record=record)
    assert _ready_publishes() == 1

    assert run_queued_tasks() == 1
    published_zone.refresh_from_db()
    assert published_zone.published_version == published_zone.version
    assert published_zone.publish_queued_at is None
    assert dns_answer(powerdns_server, "b.example.nl.", "A") == ("NOERROR", ["192.0.2.8"])
    assert dns_answer(powerdns_server, "a.example.nl.", "A")[0] == "NXDOMAIN"

    # Once it ran, the next change queues a publish of its own.
    record_create(actor=staff_actor, zone=published_zone, name="c", type="A", content="192.0.2.9")
    assert _ready_publishes() == 1


def test_a_queued_publish_that_never_started_does_not_hold_up_changes(published_zone, staff_actor):
    # Its task record was lost (deleted by hand, a wiped queue): after QUEUED_STALE the mark no
    # longer counts, and a change queues a new task.
    DBTaskResult.objects.all().delete()
    Zone.objects.filter(pk=published_zone.pk).update(publish_queued_at=timezone.now())
    record_create(actor=staff_actor, zone=published_zone, name="a", type="A", content="192.0.2.7")
    assert _ready_publishes() == 0
    Zone.objects.filter(pk=published_zone.pk).update(
        publish_queued_at=timezone.now() - timedelta(minutes=11)
    )
    record_create(actor=staff_actor, zone=published_zone, name="b", type="A", content="192.0.2.8")
    assert _ready_publishes() == 1


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_while_its_zone_is_being_published_queues_another_publish(
    powerdns_faults, powerdns_server, staff_actor, forwarding_server
):
    import threading

    from django.db import connections

    from hostwerk.sandbox.faults import Fault

    zone = zone_create(actor=staff_actor, domain="example.nl")
    run_queued_tasks()
    record_create(actor=staff_actor, zone=zone, name="a", type="A", content="192.0.2.7")
    assert _ready_publishes() == 1
    # The publish of that change is slow at PowerDNS, so the next change comes while it runs.
    powerdns_faults.faults.add(Fault(operation="zone.patch", mode="delay", delay=1.5))

    def work() -> None:
        try:
            run_queued_tasks()
        finally:
            connections.close_all()

    worker = threading.Thread(target=work)
    worker.start()
    deadline = timezone.now() + timedelta(seconds=10)
    while not Zone.objects.filter(pk=zone.pk, publishing_since__isnull=False).exists():
        assert timezone.now() < deadline, "the publish did not start"
    record_create(actor=staff_actor, zone=zone, name="late", type="A", content="192.0.2.8")
    # The running task may have read its version before this change: a new one is queued.
    assert _ready_publishes() == 1
    worker.join(timeout=30)
    run_queued_tasks()
    zone.refresh_from_db()
    assert (zone.status, zone.published_version) == (PublishStatus.PUBLISHED, zone.version)
    assert dns_answer(powerdns_server, "late.example.nl.", "A") == ("NOERROR", ["192.0.2.8"])
