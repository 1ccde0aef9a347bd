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
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from hostwerk.core.errors import HostwerkError, PermanentError, TransientError
from hostwerk.core.workers import run_id_new, run_id_prefix
from hostwerk.dns.history import records_snapshot
from hostwerk.dns.models import TYPES_WITH_PRIORITY, PublishStatus, Zone
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


def zone_contents(zone: Zone) -> ZoneContents:
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
            for entry in records_snapshot(zone.records.all())
        ),
    )


def publish_queued_claim(zone_id: int) -> bool:
    """Mark a publish task as queued for the zone; False when one is queued and not started.

    A conditional UPDATE, so that of two concurrent changes only one queues a task; the other
    waits for the first one's row lock and then finds the mark set. The task clears the mark
    before it reads the version, so a change committed after that queues a task of its own.
    """
    now = timezone.now()
    return bool(
        Zone.objects.filter(pk=zone_id)
        .filter(Q(publish_queued_at__isnull=True) | Q(publish_queued_at__lt=now - QUEUED_STALE))
        .update(publish_queued_at=now)
    )


def publish_queued_clear(zone_id: int) -> None:
    """The queued publish task of the zone has started (see publish_queued_claim)."""
    Zone.objects.filter(pk=zone_id, publish_queued_at__isnull=False).update(publish_queued_at=None)


def publish_zone_version(
    zone_id: int, *, publisher: Publisher | None = None, look_first: bool = False
) -> tuple[PublishOutcome, HostwerkError | None]:
    """Publish the zone's current version if it is not published yet; never raises for the
    DNS server's errors but returns them with the outcome.

    `look_first` reads the zone before taking the lease and stops when its version is
    published: one query instead of six for a queued task whose version someone else published
    (a change committed after the read queues a task of its own)."""
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
    try:
        while True:
            with transaction.atomic():
                zone = Zone.objects.filter(pk=zone_id).first()
                if zone is None:
                    return PublishOutcome.GONE, None
                if zone.published_version >= zone.version:
                    if zone.status != PublishStatus.PUBLISHED:
                        Zone.objects.filter(pk=zone_id, version=zone.version).update(
                            status=PublishStatus.PUBLISHED, last_error="", last_error_at=None
                        )
                    return PublishOutcome.UP_TO_DATE, None
                contents = zone_contents(zone)
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
            current = Zone.objects.filter(pk=zone_id, version=contents.version).update(
                **published, status=PublishStatus.PUBLISHED, last_error="", last_error_at=None
            )
            if current:
                return PublishOutcome.PUBLISHED, None
            # Changed while we were publishing: go round and publish the newer version too.
            Zone.objects.filter(pk=zone_id, published_version__lt=contents.version).update(
                **published
            )
    finally:
        # Only our own lease: after LEASE another process may have taken the zone over.
        Zone.objects.filter(pk=zone_id, publishing_by=run_id).update(
            publishing_since=None, publishing_by=""
        )


def leases_of_stopped_worker_release(*, worker_id: str, **_) -> int:
    """A worker died while publishing: its zone leases go, so that its queued-again task
    publishes now instead of finding the zone busy until the lease is LEASE old."""
    return Zone.objects.filter(publishing_by__startswith=run_id_prefix(worker_id)).update(
        publishing_since=None, publishing_by=""
    )
