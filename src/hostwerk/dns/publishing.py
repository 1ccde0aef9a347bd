"""Publishing one zone version, safely under retries and concurrent workers.

Every change raises the zone's `version`. Publishing reads a version with its records, sends
them, and records `published_version`; a version already published is skipped, so duplicate and
retried tasks do nothing. One process at a time publishes a zone: it holds a lease
(`publishing_since`, taken with a conditional UPDATE), so an older version can never overwrite a
newer one on the DNS server. A lease older than LEASE belongs to a process that died; the lease
of a worker known to have died (its heartbeat stopped) is released at once.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from hostwerk.core.errors import HostwerkError, PermanentError, TransientError
from hostwerk.core.workers import run_id_new, run_id_prefix
from hostwerk.dns.history import records_snapshot
from hostwerk.dns.models import TYPES_WITH_PRIORITY, PublishStatus, Record, Zone
from hostwerk.dns.publishers import PublishedRecord, Publisher, ZoneContents, get_publisher
from hostwerk.dns.validation import absolute_name

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
# A queued publish task that has not started after this long is taken as lost (its record
# deleted, a worker queue wiped): the next change queues another rather than rely on it.
QUEUED_STALE = timedelta(minutes=10)
ERROR_LENGTH = 2000


class PublishOutcome(enum.StrEnum):
    PUBLISHED = "published"  # the DNS server now holds the current version
    UP_TO_DATE = "up to date"  # nothing to do: the current version was published before
    BUSY = "busy"  # another process is publishing this zone right now
    RETRY = "retry"  # the DNS server could not be reached; the zone stays pending
    FAILED = "failed"  # the DNS server refused the zone; status failed with its message
    GONE = "gone"  # the zone was deleted


def lease_free(now) -> Q:
    """Zones no process is publishing: no lease, or one older than LEASE."""
    return Q(publishing_since__isnull=True) | Q(publishing_since__lt=now - LEASE)


def zone_contents(zone: Zone, records: Iterable[Record] | None = None) -> ZoneContents:
    """What the DNS server is to hold of `zone`: its `records` (read now when not given)."""
    return ZoneContents(
        name=zone.name,
        version=zone.version,
        never_published=zone.published_version == 0,
        records=tuple(
            PublishedRecord(
                name=absolute_name(zone.name, entry["name"]),
                type=entry["type"],
                ttl=entry["ttl"],
                data=(
                    f"{entry['priority']} {entry['content']}"
                    if entry["priority"] is not None and entry["type"] in TYPES_WITH_PRIORITY
                    else entry["content"]
                ),
            )
            for entry in records_snapshot(zone.records.all() if records is None else records)
        ),
    )


def _zone_with_records(zone_id: int) -> tuple[Zone | None, list[Record]]:
    """The zone and its records as one moment saw them: one statement (records joined to their
    zone) needs no transaction; only a zone without records is read in one."""
    records = list(Record.objects.filter(zone_id=zone_id).select_related("zone"))
    if records:
        return records[0].zone, records
    with transaction.atomic():
        zone = Zone.objects.filter(pk=zone_id).first()
        return zone, list(zone.records.all()) if zone is not None else []


def publish_queued_recently(zone: Zone, now) -> bool:
    """Is a publish task queued for the zone and not started yet (ADR 0004)? Read `zone` under
    its row lock, in the transaction of the change that would otherwise queue one.

    Of two concurrent changes the second waits for the first one's lock and then finds the mark
    set. The task clears the mark (waiting for that lock too) before it reads the version, so a
    change committed after that queues a task of its own. A mark older than QUEUED_STALE
    belongs to a task that was lost."""
    return zone.publish_queued_at is not None and zone.publish_queued_at >= now - QUEUED_STALE


def publish_queued_clear(zone_id: int) -> None:
    """The queued publish task of the zone has started (see publish_queued_recently)."""
    Zone.objects.filter(pk=zone_id, publish_queued_at__isnull=False).update(publish_queued_at=None)


# What a publish decides of a zone, handed to `into` (publish_zone_version).
PUBLISH_STATE = (
    "version",
    "published_version",
    "published_at",
    "status",
    "last_error",
    "last_error_at",
    "publish_attempts",
)


def _state_into(into: Zone | None, values: dict[str, Any]) -> None:
    if into is not None:
        for name, value in values.items():
            setattr(into, name, value)


def publish_zone_version(
    zone_id: int,
    *,
    publisher: Publisher | None = None,
    look_first: bool = False,
    into: Zone | None = None,
) -> tuple[PublishOutcome, HostwerkError | None]:
    """Publish the zone's current version if it is not published yet; never raises for the
    DNS server's errors but returns them with the outcome.

    `look_first` reads the zone before taking the lease and stops when its version is
    published: one query instead of three for a queued task whose version someone else published
    (a change committed after the read queues a task of its own). `into`, a copy of the zone,
    gets the versions and publish status that a published or up-to-date outcome leaves."""
    if look_first:
        state = Zone.objects.filter(pk=zone_id).values("version", "published_version", "status")
        found = next(iter(state), None)
        if found is None:
            return PublishOutcome.GONE, None
        if (
            found["published_version"] >= found["version"]
            and found["status"] == PublishStatus.PUBLISHED
        ):
            return PublishOutcome.UP_TO_DATE, None
    publisher = publisher or get_publisher()
    now = timezone.now()
    run_id = run_id_new()
    claimed = (
        Zone.objects.filter(pk=zone_id)
        .filter(lease_free(now))
        .update(publishing_since=now, publishing_by=run_id)
    )
    if not claimed:
        if Zone.objects.filter(pk=zone_id).exists():
            return PublishOutcome.BUSY, None
        return PublishOutcome.GONE, None
    released = False
    try:
        while True:
            zone, records = _zone_with_records(zone_id)
            if zone is None:
                return PublishOutcome.GONE, None
            if zone.published_version >= zone.version:
                seen = {name: getattr(zone, name) for name in PUBLISH_STATE}
                if zone.status != PublishStatus.PUBLISHED:
                    fixed = {
                        "status": PublishStatus.PUBLISHED,
                        "last_error": "",
                        "last_error_at": None,
                    }
                    if Zone.objects.filter(pk=zone_id, version=zone.version).update(**fixed):
                        seen.update(fixed)
                _state_into(into, seen)
                return PublishOutcome.UP_TO_DATE, None
            contents = zone_contents(zone, records)
            try:
                publisher.publish(contents)
            except TransientError as exc:
                logger.warning("publishing zone %s postponed: %s", zone.name, exc)
                Zone.objects.filter(pk=zone_id).update(
                    publish_attempts=F("publish_attempts") + 1,
                    last_error=str(exc)[:ERROR_LENGTH],
                    last_error_at=timezone.now(),
                )
                return PublishOutcome.RETRY, exc
            except PermanentError as exc:
                logger.warning("publishing zone %s refused: %s", zone.name, exc)
                failed = Zone.objects.filter(pk=zone_id, version=contents.version).update(
                    status=PublishStatus.FAILED,
                    last_error=str(exc)[:ERROR_LENGTH],
                    last_error_at=timezone.now(),
                    publish_attempts=0,
                )
                if failed:
                    return PublishOutcome.FAILED, exc
                continue  # a newer version arrived meanwhile; it may well be accepted
            published = {
                "published_version": contents.version,
                "published_at": timezone.now(),
                "publish_attempts": 0,
            }
            # The lease goes in the same UPDATE, if it is still ours.
            ours = Q(publishing_by=run_id)
            current = Zone.objects.filter(pk=zone_id, version=contents.version).update(
                **published,
                status=PublishStatus.PUBLISHED,
                last_error="",
                last_error_at=None,
                publishing_since=Case(When(ours, then=None), default=F("publishing_since")),
                publishing_by=Case(When(ours, then=Value("")), default=F("publishing_by")),
            )
            if current:
                released = True
                _state_into(
                    into,
                    {
                        **published,
                        "version": contents.version,
                        "status": PublishStatus.PUBLISHED,
                        "last_error": "",
                        "last_error_at": None,
                    },
                )
                return PublishOutcome.PUBLISHED, None
            # Changed while we were publishing: go round and publish the newer version too.
            Zone.objects.filter(pk=zone_id, published_version__lt=contents.version).update(
                **published
            )
    finally:
        # Only our own lease: after LEASE another process may have taken the zone over.
        if not released:
            Zone.objects.filter(pk=zone_id, publishing_by=run_id).update(
                publishing_since=None, publishing_by=""
            )


def leases_of_stopped_worker_release(*, worker_id: str, **_) -> int:
    """A worker died while publishing: its zone leases go, so that its queued-again task
    publishes now instead of finding the zone busy until the lease is LEASE old."""
    return Zone.objects.filter(publishing_by__startswith=run_id_prefix(worker_id)).update(
        publishing_since=None, publishing_by=""
    )
