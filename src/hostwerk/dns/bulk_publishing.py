"""Publishing many zones in one worker job.

A mass change (thousands of zones created at once, every zone republished to a new DNS server)
queues one `publish_zone` task per zone. Run one by one, each costs a queue round trip, a
database connection and six queries besides its single API request: at 10,000 zones, minutes.
So when more than BULK_AFTER zones are due, the job that notices publishes them in batches:
the batch's contents read in three queries, sent by HOSTWERK_DNS_PUBLISH_THREADS threads over
the shared keep-alive client, the results written in one transaction.

Correctness is publish_zone_version's: a batch is claimed with the same per-zone lease (so bulk
jobs in several workers, single publishes and zone_publish_now never publish one zone at once),
it publishes the version it read, and records it only if it is still newer than the published
one. The queued `publish_zone` runs of the zones published are marked done ("up to date"), under a
lock of the zone rows and only while each zone's version is still the one published: a change
that raised the version keeps its run. Zones with a failed attempt behind them keep to their own
tasks' retry schedule, and an unreachable server ends the bulk run; the tasks carry on.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from hostwerk.core.errors import HostwerkError, PermanentError, TransientError
from hostwerk.core.tasks import queued_runs_done
from hostwerk.core.workers import run_id_new
from hostwerk.dns.models import PublishStatus, Zone
from hostwerk.dns.publishers import Publisher, ZoneContents, get_publisher
from hostwerk.dns.publishing import ERROR_LENGTH, PublishOutcome, lease_free, zone_contents

logger = logging.getLogger(__name__)

# More zones due than this: the job publishes them all instead of only its own.
BULK_AFTER = 20
BATCH = 50
# One job publishes for at most this long, then leaves the rest to the next queued run.
BULK_SECONDS = 60.0
PUBLISH_TASK = "hostwerk.dns.tasks.publish_zone"


@dataclass
class BulkResult:
    published: int = 0
    failed: int = 0
    postponed: int = 0
    runs_done: int = 0  # queued publish_zone runs marked done
    errors: list[HostwerkError] = field(default_factory=list)


def due_zones(now=None) -> QuerySet[Zone]:
    """Zones with a version to publish that nobody is publishing and no attempt failed for yet."""
    now = now or timezone.now()
    return Zone.objects.filter(
        status=PublishStatus.PENDING, published_version__lt=F("version"), publish_attempts=0
    ).filter(lease_free(now))


def bulk_due() -> bool:
    return len(due_zones().values_list("pk", flat=True)[: BULK_AFTER + 1]) > BULK_AFTER


def publish_due_zones(
    *,
    publisher: Publisher | None = None,
    threads: int | None = None,
    seconds: float = BULK_SECONDS,
    batch_size: int = BATCH,
) -> BulkResult:
    """Publish due zones batch by batch until none is left, the server is unreachable, or
    `seconds` have passed."""
    publisher = publisher or get_publisher()
    threads = max(1, threads or settings.HOSTWERK_DNS_PUBLISH_THREADS)
    result = BulkResult()
    deadline = time.monotonic() + seconds
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="dns-publish") as pool:
        while time.monotonic() < deadline:
            run_id = run_id_new()
            candidates = _claim(run_id, batch_size)
            if candidates is None:
                break
            try:
                _publish_batch(run_id, publisher, pool, result)
            finally:
                # Only our own lease: after LEASE another process may have taken a zone over.
                Zone.objects.filter(publishing_by=run_id).update(
                    publishing_since=None, publishing_by=""
                )
            if result.postponed:
                break
    return result


def _claim(run_id: str, batch_size: int) -> int | None:
    """Lease up to batch_size due zones for run_id; how many, None when no zone is due."""
    while True:
        now = timezone.now()
        candidates = list(
            due_zones(now).order_by("changed_at", "pk").values_list("pk", flat=True)[:batch_size]
        )
        if not candidates:
            return None
        claimed = (
            Zone.objects.filter(pk__in=candidates)
            .filter(lease_free(now))
            .update(publishing_since=now, publishing_by=run_id)
        )
        if claimed:
            return claimed
        # Another worker leased all of these in the meantime; the next due ones then.


def _publish_batch(run_id: str, publisher: Publisher, pool: ThreadPoolExecutor, result) -> None:
    with transaction.atomic():
        zones = list(Zone.objects.filter(publishing_by=run_id).prefetch_related("records"))
        contents = [zone_contents(zone) for zone in zones]
    zone_ids = {zone.name: zone.pk for zone in zones}
    outcomes = list(pool.map(lambda zone: _send(publisher, zone), contents))

    published: dict[int, list[int]] = {}  # version: zone ids
    handled: dict[int, int] = {}  # zone id: version published
    now = timezone.now()
    with transaction.atomic():
        for zone, error in outcomes:
            zone_id = zone_ids[zone.name]
            if error is None:
                published.setdefault(zone.version, []).append(zone_id)
                handled[zone_id] = zone.version
            elif isinstance(error, TransientError):
                logger.warning("publishing zone %s postponed: %s", zone.name, error)
                Zone.objects.filter(pk=zone_id).update(
                    publish_attempts=F("publish_attempts") + 1,
                    last_error=str(error)[:ERROR_LENGTH],
                    last_error_at=now,
                )
                result.postponed += 1
                result.errors.append(error)
            else:
                logger.warning("publishing zone %s refused: %s", zone.name, error)
                failed = Zone.objects.filter(pk=zone_id, version=zone.version).update(
                    status=PublishStatus.FAILED,
                    last_error=str(error)[:ERROR_LENGTH],
                    last_error_at=now,
                    publish_attempts=0,
                )
                if failed:
                    result.failed += 1
                    result.errors.append(error)
                # else a newer version arrived meanwhile: it stays pending for its own task.
        for version, ids in published.items():
            Zone.objects.filter(pk__in=ids, published_version__lt=version).update(
                published_version=version, published_at=now, publish_attempts=0
            )
            # A zone changed while we published stays pending: its change queued a run.
            result.published += Zone.objects.filter(pk__in=ids, version=version).update(
                status=PublishStatus.PUBLISHED, last_error="", last_error_at=None
            )
        # The rows locked, a change cannot raise a version between this look and the marking.
        unchanged = [
            zone_id
            for zone_id, version in Zone.objects.select_for_update()
            .filter(pk__in=handled)
            .values_list("pk", "version")
            if handled[zone_id] == version
        ]
        result.runs_done += queued_runs_done(
            PUBLISH_TASK, unchanged, return_value=str(PublishOutcome.UP_TO_DATE)
        )
        # Their queued runs are done: the next change must queue a run of its own again.
        Zone.objects.filter(pk__in=unchanged, publish_queued_at__isnull=False).update(
            publish_queued_at=None
        )


def _send(publisher: Publisher, zone: ZoneContents) -> tuple[ZoneContents, HostwerkError | None]:
    try:
        publisher.publish(zone)
    except (TransientError, PermanentError) as exc:
        return zone, exc
    return zone, None
