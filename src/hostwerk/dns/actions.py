"""Writes on DNS zones: each one atomic, audited, written to the zone history, and published (R6, R7, R10).

Publishing goes through a task enqueued in the same transaction as the change, so a change that
is rolled back is never published; with HOSTWERK_DNS_PUBLISHER=none the zone counts as published
at once.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hostwerk.clients.models import Client
from hostwerk.core.audit import Actor, apply_changes, audit_record
from hostwerk.core.domain_names import DomainName, DomainNameError
from hostwerk.core.errors import HostwerkError, TransientError
from hostwerk.dns.history import (
    diff_summary,
    record_line,
    record_snapshot,
    records_snapshot,
    snapshot_diff,
)
from hostwerk.dns.models import (
    PublishStatus,
    Record,
    RecordType,
    Zone,
    ZoneChange,
    ZoneChangeAction,
    ZoneTemplate,
)
from hostwerk.dns.publishers import publishes_remotely
from hostwerk.dns.publishing import PublishOutcome, publish_queued_recently, publish_zone_version
from hostwerk.dns.reasons import Reason
from hostwerk.dns.roles import follows
from hostwerk.dns.validation import (
    RecordInvalid,
    record_check_zone,
    record_clean,
    zone_name_clean,
)
from hostwerk.dns.zone_templates import default_template, template_records


class DnsRefused(HostwerkError):
    """The DNS action cannot be done as asked; `message` says why, for staff or the client."""


class ZoneExists(DnsRefused):
    """A zone of that name exists already; `zone` is it, so a screen can link to it."""

    def __init__(self, message: str, *, zone: Zone) -> None:
        super().__init__(message, code="zone_exists")
        self.zone = zone


class ZonePublishBusy(TransientError):
    """Another process kept publishing the zone for too long; try again shortly."""


@dataclass(frozen=True)
class ZoneTarget:
    """Where the records that follow the hosting point: a server's web and mail addresses.
    Which server that is (R6, R7) is decided in provisioning/zones.py, not here."""

    web_ip: str
    mail_ip: str
    label: str  # the server's name, for the zone's history


def zone_name_of(domain: str | DomainName) -> str:
    """The zone name (ASCII, no trailing dot) of `domain`; RecordInvalid for a bad name."""
    if isinstance(domain, DomainName):
        return domain.ascii
    try:
        return zone_name_clean(domain)
    except DomainNameError as exc:
        raise RecordInvalid({"domain": str(exc)}) from None


# The bookkeeping every zone change shares.


def _lock(zone_id: int) -> Zone:
    # With its client: the audit event of the change names it (select_for_update locks only
    # the zone's row on PostgreSQL with of=("self",)).
    return Zone.objects.select_for_update(of=("self",)).select_related("client").get(pk=zone_id)


def _snapshot(zone: Zone) -> list[dict[str, Any]]:
    return records_snapshot(Record.objects.filter(zone=zone))


def _next_version(zone: Zone, now: datetime) -> tuple[dict[str, Any], bool]:
    """What a change sets on `zone`: the next version, published at once in the database-only
    mode, else pending; and whether a publish task must be queued (not when one is queued and
    not started yet: it publishes the newest version when it runs).

    `zone` is the row as read under its lock (or a zone not saved yet), so its values are
    current: the task clears its queued mark with an UPDATE that waits for that lock."""
    version = zone.version + 1
    if not publishes_remotely():
        return {
            "version": version,
            "published_version": version,
            "changed_at": now,
            "status": PublishStatus.PUBLISHED,
            "published_at": now,
            "last_error": "",
            "last_error_at": None,
        }, False
    values: dict[str, Any] = {
        "version": version,
        "changed_at": now,
        "status": PublishStatus.PENDING,
    }
    queue = not publish_queued_recently(zone, now)
    if queue:
        values["publish_queued_at"] = now
    return values, queue


def _publish_after_change(zone: Zone) -> None:
    """Raise the version and publish it (see _next_version). The caller holds the zone's row
    lock, so the new values are set on `zone` without reading them back."""
    values, queue = _next_version(zone, timezone.now())
    Zone.objects.filter(pk=zone.pk).update(**values)
    for name, value in values.items():
        setattr(zone, name, value)
    if queue:
        from hostwerk.dns.tasks import publish_zone

        publish_zone.enqueue(zone.pk)


def _record_change(
    *,
    actor: Actor,
    zone: Zone,
    action: str,
    before: list[dict[str, Any]],
    summary: str = "",
    reason: str | Reason = "",
    audit_changes: dict[str, list[Any]] | None = None,
    publish: bool = True,
    after: list[dict[str, Any]] | None = None,
) -> ZoneChange:
    """Write the history entry and the audit event, then publish the new version. `after` is
    the records' snapshot once changed, when the caller holds them (else they are read)."""
    if publish:
        _publish_after_change(zone)
    if after is None:
        after = _snapshot(zone)
    summary = summary or diff_summary(snapshot_diff(before, after))
    worded, said = (reason, reason.english()) if isinstance(reason, Reason) else (None, reason)
    change = ZoneChange.objects.create(
        zone=zone,
        zone_name=zone.name,
        actor=actor.user,
        actor_kind=actor.kind,
        actor_label=actor.label[:200],
        via=actor.via,
        action=action,
        summary=summary[:500],
        reason=said[:500],
        reason_code=worded.code if worded else "",
        reason_args=worded.args if worded else {},
        before=before,
        after=after,
        version=zone.version,
    )
    audit_record(
        actor=actor,
        action=f"dns.{action}",
        obj=zone,
        client=zone.client,
        changes=audit_changes,
        data={"summary": summary[:500], "reason": said, "zone_change": change.pk},
    )
    return change


# Zones.


@transaction.atomic
def zone_create(
    *,
    actor: Actor,
    domain: str | DomainName,
    target: ZoneTarget,
    client: Client | None = None,
    template: ZoneTemplate | None = None,
) -> Zone:
    """A new zone from the template (the default one unless given), its web and mail records
    pointing at `target`. Raises ZoneExists with the existing zone, RecordInvalid."""
    name = zone_name_of(domain)
    existing = Zone.objects.filter(name=name).first()
    if existing is not None:
        raise ZoneExists(
            _("There is already a zone for %(name)s.") % {"name": existing.display_name},
            zone=existing,
        )
    return _zone_insert(actor=actor, name=name, target=target, client=client, template=template)


def _zone_insert(
    *,
    actor: Actor,
    name: str,
    target: ZoneTarget,
    client: Client | None,
    template: ZoneTemplate | None,
) -> Zone:
    """Insert the zone `name` with its template records, as its first version (in the caller's
    transaction; IntegrityError when a zone of that name exists)."""
    template = template or default_template()
    records = (
        template_records(
            template=template, domain=name, web_ip=target.web_ip, mail_ip=target.mail_ip
        )
        if template is not None
        else []
    )
    # Version 1 is the zone as the template made it: the zone is inserted with what a change
    # sets (_next_version of version 0), so no UPDATE follows.
    zone = Zone(name=name, client=client, version=0)
    values, queue = _next_version(zone, timezone.now())
    for field_name, value in values.items():
        setattr(zone, field_name, value)
    zone.save(force_insert=True)
    made = Record.objects.bulk_create(
        [
            Record(
                zone=zone,
                template_key=item.template_key,
                template_managed=True,
                **item.values.as_dict(),
            )
            for item in records
        ]
    )
    if queue:
        from hostwerk.dns.tasks import publish_zone

        publish_zone.enqueue(zone.pk)
    _record_change(
        actor=actor,
        zone=zone,
        action=ZoneChangeAction.ZONE_CREATE,
        before=[],
        summary=(
            f"zone created from template {template.name if template else '(none)'}, "
            f"pointing at {target.label} ({target.web_ip} / {target.mail_ip})"
        ),
        audit_changes=None,
        publish=False,
        after=records_snapshot(made),
    )
    return zone


# No savepoint of its own inside a caller's transaction: its callers let a failure roll back
# their whole transaction (the savepoint against a concurrent insert stays).
@transaction.atomic(savepoint=False)
def zone_ensure(
    *, actor: Actor, domain: str | DomainName, target: ZoneTarget, client: Client | None = None
) -> Zone:
    """The zone of `domain`, created from the default template when there is none (used after
    a registration, and before one for TLDs that need DNS first). A zone without a client gets
    `client`; a zone of another client is left as it is."""
    name = zone_name_of(domain)
    zone = Zone.objects.select_for_update().filter(name=name).first()
    if zone is None:
        try:
            with transaction.atomic():
                return _zone_insert(
                    actor=actor, name=name, target=target, client=client, template=None
                )
        except IntegrityError:
            # Created by a concurrent request between our look-up and the insert.
            zone = Zone.objects.select_for_update().get(name=name)
    if client is not None and zone.client_id is None:
        zone_set_client(actor=actor, zone=zone, client=client)
        zone.refresh_from_db()
    return zone


@transaction.atomic
def zone_set_client(*, actor: Actor, zone: Zone, client: Client | None) -> Zone:
    zone = _lock(zone.pk)
    if zone.client_id == (client.pk if client else None):
        return zone
    before_client = zone.client
    changes = apply_changes(zone, {"client": client})
    zone.save(update_fields=["client"])
    snapshot = _snapshot(zone)
    summary = f"client changed from {before_client or '(none)'} to {client or '(none)'}"
    _record_change(
        actor=actor,
        zone=zone,
        action=ZoneChangeAction.CLIENT_CHANGE,
        before=snapshot,
        summary=summary,
        audit_changes=changes,
        publish=False,
    )
    return zone


@transaction.atomic
def zone_delete(*, actor: Actor, zone: Zone) -> None:
    """Delete the zone here and, by a task, on the DNS server. Its history stays, by name."""
    zone = _lock(zone.pk)
    before = _snapshot(zone)
    change = _record_change(
        actor=actor,
        zone=zone,
        action=ZoneChangeAction.ZONE_DELETE,
        before=before,
        summary="zone deleted",
        publish=False,
    )
    ZoneChange.objects.filter(pk=change.pk).update(after=[])
    name = zone.name
    zone.delete()
    if publishes_remotely():
        from hostwerk.dns.tasks import unpublish_zone

        unpublish_zone.enqueue(name)


# Records.


def _others(zone: Zone, *, excluding: int | None = None) -> list[Record]:
    records = Record.objects.filter(zone=zone)
    if excluding is not None:
        records = records.exclude(pk=excluding)
    return list(records)


@dataclass(frozen=True)
class RecordRequest:
    """One record to add, as typed (checked by record_clean)."""

    name: str
    type: str
    content: str
    ttl: int | str | None = None
    priority: int | str | None = None


@transaction.atomic
def record_create(
    *,
    actor: Actor,
    zone: Zone,
    name: str,
    type: str,
    content: str,
    ttl: int | str | None = None,
    priority: int | str | None = None,
    reason: str | Reason = "",
) -> Record:
    """Add a record as typed; raises RecordInvalid (errors per field) and then changes nothing.
    `reason` says in the zone history why, when a process rather than a person adds it."""
    request = RecordRequest(name=name, type=type, content=content, ttl=ttl, priority=priority)
    return records_create(actor=actor, zone=zone, records=[request], reason=reason)[0]


@transaction.atomic
def records_create(
    *, actor: Actor, zone: Zone, records: Sequence[RecordRequest], reason: str | Reason = ""
) -> list[Record]:
    """Add records that belong together (a mail filter's hosts and MX) as one change: one
    version, one history entry listing each record, one audit event, one publish. Each is
    checked against the zone and those before it; RecordInvalid changes nothing."""
    zone = _lock(zone.pk)
    others = _others(zone)
    before = records_snapshot(others)
    made = []
    for request in records:
        values = record_clean(
            zone_name=zone.name,
            name=request.name,
            type=request.type,
            content=request.content,
            ttl=request.ttl,
            priority=request.priority,
        )
        record_check_zone(values=values, others=others)
        record = Record(zone=zone, **values.as_dict())
        others.append(record)
        made.append(record)
    if not made:
        return []
    Record.objects.bulk_create(made)  # PostgreSQL and SQLite set the ids
    _record_change(
        actor=actor,
        zone=zone,
        action=ZoneChangeAction.RECORD_CREATE,
        before=before,
        summary="; ".join(f"added {record_line(record_snapshot(record))}" for record in made),
        reason=reason,
        after=records_snapshot(others),  # `others` holds the new records too
    )
    return made


@transaction.atomic
def record_update(
    *,
    actor: Actor,
    record: Record,
    name: str,
    type: str,
    content: str,
    ttl: int | str | None = None,
    priority: int | str | None = None,
) -> Record:
    """Change a record. An edit by a person ends template management: the record no longer
    follows the hosting (R7). Raises RecordInvalid and then changes nothing."""
    zone = _lock(record.zone_id)
    record = Record.objects.select_for_update().get(pk=record.pk, zone=zone)
    values = record_clean(
        zone_name=zone.name, name=name, type=type, content=content, ttl=ttl, priority=priority
    )
    record_check_zone(values=values, others=_others(zone, excluding=record.pk))
    before = _snapshot(zone)
    old_line = record_line(record_snapshot(record))
    changes = apply_changes(record, values.as_dict())
    if not changes:
        return record
    if record.template_managed:
        changes.update(apply_changes(record, {"template_managed": False}))
    record.save()
    _record_change(
        actor=actor,
        zone=zone,
        action=ZoneChangeAction.RECORD_UPDATE,
        before=before,
        summary=f"changed {old_line} -> {record_line(record_snapshot(record))}",
        audit_changes=changes,
    )
    return record


@transaction.atomic
def record_delete(*, actor: Actor, record: Record, reason: str | Reason = "") -> None:
    zone = _lock(record.zone_id)
    # Every change of a zone's records holds the zone's lock: the records read now stay so.
    records = _others(zone)
    found = next((row for row in records if row.pk == record.pk), None)
    if found is None:
        raise Record.DoesNotExist(f"record {record.pk} is not in zone {zone.name} any more")
    before = records_snapshot(records)
    line = record_line(record_snapshot(found))
    found.delete()
    _record_change(
        actor=actor,
        zone=zone,
        action=ZoneChangeAction.RECORD_DELETE,
        before=before,
        summary=f"removed {line}",
        reason=reason,
        after=[entry for entry in before if entry["id"] != record.pk],
    )


@transaction.atomic
def zone_restore(
    *, actor: Actor, change: ZoneChange, side: Literal["before", "after"] = "before"
) -> Zone:
    """Make the zone's records what they were before (or after) `change`. Records that still
    exist keep their id; the restore is itself a new history entry, so it can be undone too."""
    if change.zone_id is None:
        raise DnsRefused(_("This zone was deleted; create it again first."), code="zone_deleted")
    if side not in ("before", "after"):
        raise ValueError(f"side must be 'before' or 'after', not {side!r}")
    assert change.zone_id is not None
    zone = _lock(change.zone_id)
    target = change.before if side == "before" else change.after
    before = _snapshot(zone)
    current = {record.pk: record for record in Record.objects.filter(zone=zone)}
    wanted_ids = {entry["id"] for entry in target}
    Record.objects.filter(zone=zone).exclude(pk__in=wanted_ids).delete()
    for entry in target:
        fields = {
            "name": entry["name"],
            "type": entry["type"],
            "ttl": entry["ttl"],
            "content": entry["content"],
            "priority": entry["priority"],
            "template_key": entry.get("template_key", ""),
            "template_managed": entry.get("template_managed", False),
        }
        record = current.get(entry["id"])
        if record is None:
            Record.objects.create(zone=zone, **fields)
        elif apply_changes(record, fields):
            record.save()
    _record_change(
        actor=actor,
        zone=zone,
        action=ZoneChangeAction.ZONE_RESTORE,
        before=before,
        reason=Reason(f"restored_{side}", {"when": change.created_at.isoformat()}),
    )
    return zone


# Following the hosting (R7).


# No savepoint of its own inside a caller's transaction (hosting follows within its accept):
# its callers let a failure roll back their whole transaction.
@transaction.atomic(savepoint=False)
def zone_point_to(
    *, actor: Actor, zone: Zone, web_ip: str, mail_ip: str, reason: str | Reason
) -> ZoneChange | None:
    """Point the template-managed web, www and mail-host records at these addresses (R7).

    Records someone edited by hand are left alone. Writes one history entry; returns it, or None
    when nothing had to move.
    """
    zone = _lock(zone.pk)
    targets = {"web_ip": web_ip, "mail_ip": mail_ip}
    records = _others(zone)
    before = records_snapshot(records)
    moved = []
    now = timezone.now()
    for record in records:
        if not record.template_managed or record.type != RecordType.A:
            continue
        address = targets.get(follows(record.template_key) or "")
        if address and record.content != address:
            record.content = address
            record.updated_at = now
            moved.append(record)
    if not moved:
        return None
    Record.objects.bulk_update(moved, ["content", "updated_at"])
    return _record_change(
        actor=actor,
        zone=zone,
        action=ZoneChangeAction.ZONE_POINT_TO,
        before=before,
        reason=reason,
        after=records_snapshot(records),
    )


# Publishing.


def zone_publish(*, zone: Zone) -> None:
    """Publish the zone again in the background, even when its current version was published
    before (this repairs a DNS server that lost or changed the zone); the task retries outages."""
    with transaction.atomic():
        zone = _lock(zone.pk)
        _publish_after_change(zone)


@transaction.atomic
def zone_publish_all(*, actor: Actor) -> int:
    """Publish every zone again in the background (a new or emptied DNS server, e.g. the
    demo's PowerDNS at start); returns how many zones were queued."""
    zone_ids = list(Zone.objects.values_list("pk", flat=True))
    Zone.objects.update(
        version=F("version") + 1, changed_at=timezone.now(), status=PublishStatus.PENDING
    )
    if publishes_remotely():
        from hostwerk.dns.tasks import publish_zone

        for zone_id in zone_ids:
            publish_zone.enqueue(zone_id)
    else:
        Zone.objects.update(
            status=PublishStatus.PUBLISHED,
            published_version=F("version"),
            published_at=timezone.now(),
        )
    audit_record(actor=actor, action="dns.zone_publish_all", data={"zones": len(zone_ids)})
    return len(zone_ids)


PUBLISH_NOW_WAIT = 30.0  # seconds to wait for another process publishing the same zone


def zone_publish_now(*, zone: Zone, actor: Actor | None = None, force: bool = False) -> None:
    """Publish the zone now and return once the DNS server holds it; raise when it does not.

    Without `force` a version that was published already is not sent again.

    For work that must be sure the records are live before going on (R8: add the new MX records,
    publish, confirm, only then remove the old one). Raises TransientError (server unreachable;
    the zone stays pending and a retry is queued) or PermanentError (refused; status failed).
    """
    if force:
        zone_publish(zone=zone)
    deadline = time.monotonic() + PUBLISH_NOW_WAIT
    while True:
        outcome, error = publish_zone_version(zone.pk, into=zone)
        if outcome in (PublishOutcome.PUBLISHED, PublishOutcome.UP_TO_DATE):
            break
        if outcome == PublishOutcome.BUSY and time.monotonic() < deadline:
            time.sleep(0.1)
            continue
        if outcome == PublishOutcome.BUSY:
            raise ZonePublishBusy(
                _("Another process is publishing %(zone)s; try again in a minute.")
                % {"zone": zone.name}
            )
        if outcome == PublishOutcome.GONE:
            raise DnsRefused(_("The zone was deleted."), code="zone_deleted")
        if outcome == PublishOutcome.RETRY:
            from hostwerk.dns.tasks import publish_zone

            publish_zone.enqueue(zone.pk)
        assert error is not None
        raise error
    if actor is not None:
        audit_record(
            actor=actor,
            action="dns.zone_publish",
            obj=zone,
            client=zone.client,
            data={"version": zone.published_version},
        )
