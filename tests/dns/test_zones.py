"""Zone actions in the database: the default zone (R6), following the hosting (R7), history and
restore (R10), and the bookkeeping every change shares."""

from __future__ import annotations

import pytest

from hostwerk.core.models import AuditEvent
from hostwerk.dns.actions import (
    ZoneExists,
    record_create,
    record_delete,
    record_update,
    zone_delete,
    zone_point_to,
    zone_restore,
)
from hostwerk.dns.history import record_line, snapshot_diff
from hostwerk.dns.models import PublishStatus, Record, Zone, ZoneChange, ZoneChangeAction
from hostwerk.dns.validation import RecordInvalid
from hostwerk.provisioning.zones import (
    NoForwardingServer,
    zone_create,
    zone_ensure,
    zone_follow_forwarding,
    zone_follow_hosting,
)
from tests.dns.factories import ForwardingServerFactory
from tests.factories import ClientFactory, ServerFactory
from tests.support.tasks import queued_task_paths

pytestmark = pytest.mark.django_db


def lines(zone: Zone) -> list[str]:
    return sorted(
        f"{record.name} {record.type} {record.data}" for record in Record.objects.filter(zone=zone)
    )


def test_r6_new_zone_points_at_the_forwarding_servers_addresses(staff_actor, forwarding_server):
    zone = zone_create(actor=staff_actor, domain="Voorbeeld.NL.")

    assert zone.name == "voorbeeld.nl"
    assert lines(zone) == [
        "@ A 80.247.175.4",
        "@ MX 10 mn-mx1.voorbeeld.nl.",
        "mn-mx1 A 80.247.175.5",
        "www A 80.247.175.4",
    ]
    assert all(record.template_managed for record in zone.records.all())
    assert {record.template_key for record in zone.records.all()} == {
        "web",
        "www",
        "mail_host",
        "mx",
    }
    assert all(record.ttl == 3600 for record in zone.records.all())


def test_r6_the_addresses_come_from_the_server_record_not_from_code(staff_actor):
    ForwardingServerFactory(web_ip="198.51.100.7", mail_ip="198.51.100.8")
    zone = zone_create(actor=staff_actor, domain="example.nl")
    assert "@ A 198.51.100.7" in lines(zone)
    assert "mn-mx1 A 198.51.100.8" in lines(zone)


def test_r6_inactive_forwarding_servers_do_not_count(staff_actor):
    ForwardingServerFactory(active=False)
    ServerFactory()  # a Plesk server is no forwarding server
    with pytest.raises(NoForwardingServer) as refused:
        zone_create(actor=staff_actor, domain="example.nl")
    assert "forwarding server" in refused.value.message
    assert not Zone.objects.exists()


def test_a_zone_that_exists_is_refused_with_the_zone(staff_actor, forwarding_server):
    zone = zone_create(actor=staff_actor, domain="example.nl")
    with pytest.raises(ZoneExists) as refused:
        zone_create(actor=staff_actor, domain="EXAMPLE.nl")
    assert refused.value.zone == zone
    assert Zone.objects.count() == 1


def test_idn_zone_is_stored_as_a_label(staff_actor, forwarding_server):
    zone = zone_create(actor=staff_actor, domain="bücher.nl")
    assert zone.name == "xn--bcher-kva.nl"
    assert zone.display_name == "bücher.nl"
    assert "@ MX 10 mn-mx1.xn--bcher-kva.nl." in lines(zone)


def test_bad_domain_is_refused_naming_the_field(staff_actor, forwarding_server):
    with pytest.raises(RecordInvalid) as refused:
        zone_create(actor=staff_actor, domain="not a domain")
    assert list(refused.value.errors) == ["domain"]


def test_creating_a_zone_is_audited_and_in_the_history(staff_actor, staff_user, forwarding_server):
    client = ClientFactory()
    zone = zone_create(actor=staff_actor, domain="example.nl", client=client)

    change = ZoneChange.objects.get(zone=zone)
    assert change.action == ZoneChangeAction.ZONE_CREATE
    assert change.actor == staff_user
    assert change.before == []
    assert len(change.after) == 4
    event = AuditEvent.objects.get(action="dns.zone_create")
    assert (event.client, event.object_id, event.actor) == (client, str(zone.pk), staff_user)


def test_with_the_database_only_publisher_a_change_is_published_at_once(
    staff_actor, forwarding_server
):
    zone = zone_create(actor=staff_actor, domain="example.nl")
    assert (zone.status, zone.published_version) == (PublishStatus.PUBLISHED, zone.version)
    assert queued_task_paths() == []


def test_with_powerdns_a_change_enqueues_publishing_in_the_same_transaction(
    settings, staff_actor, forwarding_server
):
    settings.HOSTWERK_DNS_PUBLISHER = "powerdns"
    settings.HOSTWERK_POWERDNS_API_KEY = "not-used"
    zone = zone_create(actor=staff_actor, domain="example.nl")
    assert zone.status == PublishStatus.PENDING
    assert queued_task_paths() == ["hostwerk.dns.tasks.publish_zone"]


def test_zone_ensure_creates_once_and_gives_an_ownerless_zone_its_client(
    system_actor, forwarding_server
):
    client = ClientFactory()
    first = zone_ensure(actor=system_actor, domain="example.nl")
    assert first.client is None
    again = zone_ensure(actor=system_actor, domain="example.nl.", client=client)
    assert again.pk == first.pk
    assert again.client == client
    other = ClientFactory()
    assert zone_ensure(actor=system_actor, domain="example.nl", client=other).client == client
    assert Zone.objects.count() == 1
    assert list(ZoneChange.objects.values_list("action", flat=True).order_by("id")) == [
        ZoneChangeAction.ZONE_CREATE,
        ZoneChangeAction.CLIENT_CHANGE,
    ]


# R7: zones follow the hosting.


@pytest.fixture
def zone(staff_actor, forwarding_server):
    return zone_create(actor=staff_actor, domain="example.nl")


def test_r7_template_records_move_to_the_hosting_server(system_actor, zone, plesk_server):
    change = zone_follow_hosting(actor=system_actor, domain="example.nl", server=plesk_server)

    assert lines(zone) == [
        "@ A 192.0.2.20",
        "@ MX 10 mn-mx1.example.nl.",
        "mn-mx1 A 192.0.2.21",
        "www A 192.0.2.20",
    ]
    assert change.action == ZoneChangeAction.ZONE_POINT_TO
    assert "plesk2" in change.reason
    assert [line.kind for line in snapshot_diff(change.before, change.after)] == ["changed"] * 3
    assert ZoneChange.objects.filter(action=ZoneChangeAction.ZONE_POINT_TO).count() == 1


def test_r7_a_record_edited_by_hand_stays_where_staff_put_it(
    staff_actor, system_actor, zone, plesk_server
):
    www = zone.records.get(template_key="www")
    record_update(actor=staff_actor, record=www, name="www", type="A", content="203.0.113.9")
    www.refresh_from_db()
    assert not www.template_managed

    zone_follow_hosting(actor=system_actor, domain="example.nl", server=plesk_server)

    assert "www A 203.0.113.9" in lines(zone)
    assert "@ A 192.0.2.20" in lines(zone)
    zone_follow_forwarding(actor=system_actor, domain="example.nl")
    assert "www A 203.0.113.9" in lines(zone)
    assert "@ A 80.247.175.4" in lines(zone)
    assert "mn-mx1 A 80.247.175.5" in lines(zone)


def test_r7_back_to_the_forwarding_server_when_the_hosting_ends(system_actor, zone, plesk_server):
    zone_follow_hosting(actor=system_actor, domain="example.nl", server=plesk_server)
    change = zone_follow_forwarding(actor=system_actor, domain="example.nl")
    assert lines(zone) == [
        "@ A 80.247.175.4",
        "@ MX 10 mn-mx1.example.nl.",
        "mn-mx1 A 80.247.175.5",
        "www A 80.247.175.4",
    ]
    assert "forwarding server movealong" in change.reason


def test_r7_nothing_to_move_writes_no_history(system_actor, zone, forwarding_server):
    before = ZoneChange.objects.count()
    assert zone_follow_forwarding(actor=system_actor, domain="example.nl") is None
    assert ZoneChange.objects.count() == before


def test_r7_a_domain_without_a_zone_is_left_alone(system_actor, plesk_server, forwarding_server):
    assert zone_follow_hosting(actor=system_actor, domain="elders.nl", server=plesk_server) is None
    assert zone_follow_forwarding(actor=system_actor, domain="elders.nl") is None
    assert not Zone.objects.exists()


def test_point_to_leaves_records_of_other_roles_alone(staff_actor, zone):
    record_create(actor=staff_actor, zone=zone, name="shop", type="A", content="203.0.113.1")
    zone_point_to(
        actor=staff_actor, zone=zone, web_ip="192.0.2.50", mail_ip="192.0.2.51", reason="test"
    )
    assert "shop A 203.0.113.1" in lines(zone)
    assert "@ MX 10 mn-mx1.example.nl." in lines(zone)


# History and restore.


def test_every_record_change_is_in_the_history_with_before_and_after(staff_actor, zone):
    record = record_create(actor=staff_actor, zone=zone, name="shop", type="A", content="192.0.2.7")
    record_update(actor=staff_actor, record=record, name="shop", type="A", content="192.0.2.8")
    record_delete(actor=staff_actor, record=record)

    changes = list(ZoneChange.objects.filter(zone=zone).order_by("id"))
    assert [change.action for change in changes] == [
        ZoneChangeAction.ZONE_CREATE,
        ZoneChangeAction.RECORD_CREATE,
        ZoneChangeAction.RECORD_UPDATE,
        ZoneChangeAction.RECORD_DELETE,
    ]
    diffs = [
        [
            (line.kind, line.before_line, line.after_line)
            for line in snapshot_diff(c.before, c.after)
        ]
        for c in changes[1:]
    ]
    assert diffs == [
        [("added", "", "shop 3600 A 192.0.2.7")],
        [("changed", "shop 3600 A 192.0.2.7", "shop 3600 A 192.0.2.8")],
        [("removed", "shop 3600 A 192.0.2.8", "")],
    ]
    assert changes[2].summary == "changed shop 3600 A 192.0.2.7 -> shop 3600 A 192.0.2.8"
    assert AuditEvent.objects.filter(action__startswith="dns.record_").count() == 3
    zone.refresh_from_db()
    assert zone.version == 4


def test_restore_brings_back_the_records_before_a_change(staff_actor, zone, plesk_server):
    change = zone_follow_hosting(actor=staff_actor, domain="example.nl", server=plesk_server)
    shop = record_create(actor=staff_actor, zone=zone, name="shop", type="A", content="192.0.2.7")
    www_id = zone.records.get(name="www").pk

    restore = zone_restore(actor=staff_actor, change=change, side="before")

    assert lines(restore) == [
        "@ A 80.247.175.4",
        "@ MX 10 mn-mx1.example.nl.",
        "mn-mx1 A 80.247.175.5",
        "www A 80.247.175.4",
    ]
    assert zone.records.get(name="www").pk == www_id  # records keep their id
    assert not Record.objects.filter(pk=shop.pk).exists()
    latest = ZoneChange.objects.filter(zone=zone).first()
    assert latest.action == ZoneChangeAction.ZONE_RESTORE
    assert "before" in latest.reason

    zone_restore(actor=staff_actor, change=change, side="after")
    assert "www A 192.0.2.20" in lines(zone)
    assert "shop A 192.0.2.7" not in lines(zone)


def test_restore_can_bring_back_a_deleted_record(staff_actor, zone):
    record = zone.records.get(template_key="mx")
    record_delete(actor=staff_actor, record=record)
    change = ZoneChange.objects.filter(zone=zone).first()
    zone_restore(actor=staff_actor, change=change, side="before")
    restored = zone.records.get(type="MX")
    assert (restored.content, restored.priority, restored.template_managed) == (
        "mn-mx1.example.nl.",
        10,
        True,
    )


def test_deleting_a_zone_keeps_its_history_by_name(staff_actor, zone):
    zone_delete(actor=staff_actor, zone=zone)
    assert not Zone.objects.exists()
    assert not Record.objects.exists()
    deleted = ZoneChange.objects.get(action=ZoneChangeAction.ZONE_DELETE)
    assert (deleted.zone, deleted.zone_name, len(deleted.before), deleted.after) == (
        None,
        "example.nl",
        4,
        [],
    )


def test_record_line_reads_like_a_zone_file():
    entry = {
        "name": "@",
        "type": "MX",
        "ttl": 3600,
        "content": "mn-mx1.example.nl.",
        "priority": 10,
    }
    assert record_line(entry) == "@ 3600 MX 10 mn-mx1.example.nl."
