"""Many zones published by one job to the real PowerDNS: leases, versions, queued runs, errors."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hostwerk.dns.actions import record_create, zone_publish
from hostwerk.dns.bulk_publishing import BULK_AFTER, publish_due_zones
from hostwerk.dns.models import PublishStatus, Record, Zone
from hostwerk.dns.publishers import PowerDnsPublisher, get_publisher
from hostwerk.dns.tasks import publish_zone
from hostwerk.provisioning.zones import zone_create
from hostwerk.sandbox.powerdns import free_port
from tests.support.powerdns import dns_answer

pytestmark = [pytest.mark.django_db, pytest.mark.pdns]

COUNT = BULK_AFTER + 10


def queued_zone_ids() -> list[int]:
    return sorted(
        result.args_kwargs["args"][0]
        for result in DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path="hostwerk.dns.tasks.publish_zone"
        )
    )


@pytest.fixture
def many_zones(powerdns_publishing, staff_actor, forwarding_server):
    return [zone_create(actor=staff_actor, domain=f"bulk-{n:02d}.nl") for n in range(COUNT)]


def test_one_run_publishes_the_waiting_zones_and_their_queued_runs_are_done(
    many_zones, powerdns_publishing, powerdns_server
):
    leased = many_zones[-1]  # another process is publishing this one right now
    Zone.objects.filter(pk=leased.pk).update(
        publishing_since=timezone.now(), publishing_by="worker-b:0123456789abcde"
    )
    assert len(queued_zone_ids()) == COUNT

    returned = publish_zone.call(many_zones[0].pk)

    assert returned == f"up to date; in bulk {COUNT - 1} published, 0 failed"
    statuses = dict(Zone.objects.values_list("name", "status"))
    assert statuses.pop(leased.name) == PublishStatus.PENDING
    assert set(statuses.values()) == {PublishStatus.PUBLISHED}
    assert Zone.objects.exclude(publishing_by="").get() == Zone.objects.get(pk=leased.pk)
    served = set(powerdns_publishing.zone_list())
    assert {f"{zone.name}." for zone in many_zones[:-1]} <= served
    assert f"{leased.name}." not in served
    assert dns_answer(powerdns_server, "www.bulk-07.nl.", "A") == ("NOERROR", ["80.247.175.4"])
    # The zone the other process holds keeps its run; the others' runs are done, not lost.
    assert queued_zone_ids() == [leased.pk]
    done = DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL)
    assert done.count() == COUNT - 1
    assert set(done.values_list("return_value", flat=True)) == {"up to date"}


class ChangingPublisher(PowerDnsPublisher):
    """Publishes to PowerDNS; right after sending one zone the first time, a person adds a record
    to it. When that zone is sent again, notes which zones' runs are still queued."""

    def __init__(self, *, change_zone: str, actor, **kwargs) -> None:
        super().__init__(**kwargs)
        self.change_zone = change_zone
        self.actor = actor
        self.sent_versions: list[int] = []
        self.queued_at_second_send: list[int] = []

    def publish(self, zone) -> None:
        super().publish(zone)
        if zone.name != self.change_zone:
            return
        self.sent_versions.append(zone.version)
        try:
            if len(self.sent_versions) == 1:
                record_create(
                    actor=self.actor,
                    zone=Zone.objects.get(name=zone.name),
                    name="shop",
                    type="A",
                    content="192.0.2.7",
                )
            else:
                self.queued_at_second_send = queued_zone_ids()
        finally:
            connection.close()  # this thread's own connection


@pytest.mark.django_db(transaction=True)
def test_a_zone_changed_while_it_is_published_in_bulk_keeps_its_runs_until_sent_again(
    many_zones, powerdns_publishing, powerdns_server, staff_actor
):
    base = get_publisher()
    publisher = ChangingPublisher(
        change_zone="bulk-03.nl", actor=staff_actor, api_url=base.api_url, api_key=base.api_key
    )

    result = publish_due_zones(publisher=publisher, threads=3, batch_size=COUNT)

    changed = Zone.objects.get(name="bulk-03.nl")
    assert publisher.sent_versions == [1, 2]
    # After the first batch only the changed zone's run was still queued: the change shared the
    # creation's pending run (one pending publish per zone), which publishes the newest version.
    assert publisher.queued_at_second_send == [changed.pk]
    assert (result.published, result.failed, result.postponed) == (COUNT, 0, 0)
    assert (changed.status, changed.published_version) == (PublishStatus.PUBLISHED, 2)
    assert dns_answer(powerdns_server, "shop.bulk-03.nl.", "A") == ("NOERROR", ["192.0.2.7"])
    assert queued_zone_ids() == []


def test_an_unreachable_server_ends_the_bulk_run_and_the_zones_keep_their_runs(
    settings, many_zones
):
    settings.HOSTWERK_POWERDNS_API_URL = f"http://127.0.0.1:{free_port()}"

    result = publish_due_zones(batch_size=10)

    assert (result.published, result.postponed) == (0, 10)
    assert Zone.objects.filter(publish_attempts=1).count() == 10
    assert set(Zone.objects.values_list("status", flat=True)) == {PublishStatus.PENDING}
    assert not Zone.objects.exclude(publishing_by="").exists()
    assert len(queued_zone_ids()) == COUNT
    # The zones that failed an attempt keep to their own retry schedule.
    assert publish_due_zones(batch_size=10).postponed == 10
    assert Zone.objects.filter(publish_attempts=1).count() == 20


def test_a_zone_powerdns_refuses_fails_with_its_message_and_the_others_are_published(
    many_zones, powerdns_publishing
):
    broken = many_zones[5]
    # A row that bypassed validation (e.g. edited in the database) must not be hidden.
    Record.objects.create(zone=broken, name="broken", type="A", ttl=3600, content="999.1.1.1")
    zone_publish(zone=broken)

    result = publish_due_zones()

    assert (result.published, result.failed) == (COUNT - 1, 1)
    broken.refresh_from_db()
    assert broken.status == PublishStatus.FAILED
    assert "unable to parse IP address" in broken.last_error
    # Its one pending run (creation and the publish share it) reports the refusal itself.
    assert queued_zone_ids() == [broken.pk]
    assert Zone.objects.filter(status=PublishStatus.PUBLISHED).count() == COUNT - 1
