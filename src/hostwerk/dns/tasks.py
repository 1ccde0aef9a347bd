"""Background publishing of zones, retried with backoff while the DNS server is unreachable."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from hostwerk.core.errors import TransientError
from hostwerk.dns.bulk_publishing import bulk_due, publish_due_zones
from hostwerk.dns.models import Zone
from hostwerk.dns.publishers import get_publisher
from hostwerk.dns.publishing import (
    PublishOutcome,
    publish_queued_clear,
    publish_zone_version,
)

logger = logging.getLogger(__name__)

# After this many failed attempts in a row the hourly cron job takes over the retrying.
MAX_ATTEMPTS = 8
# How long to wait for another process that is publishing the same zone.
BUSY_DELAY = timedelta(seconds=5)


def retry_delay(attempt: int) -> timedelta:
    """30 s, 1, 2, 4 ... minutes, at most an hour: quick after a restart, patient in an outage."""
    return min(timedelta(seconds=30 * 2 ** (attempt - 1)), timedelta(hours=1))


@task()
def publish_zone(zone_id: int) -> str:
    # From here on a change queues a task of its own: this one may read its version too early.
    publish_queued_clear(zone_id)
    bulk = None
    if bulk_due():
        # Many zones wait (a mass change): publish them all from here, then this one if left.
        bulk = publish_due_zones()
    outcome, _error = publish_zone_version(zone_id, look_first=True)
    if outcome == PublishOutcome.BUSY:
        # The other process publishes the version it read; ours may be newer, so look again.
        publish_zone.using(run_after=timezone.now() + BUSY_DELAY).enqueue(zone_id)
    elif outcome == PublishOutcome.RETRY:
        attempts = Zone.objects.filter(pk=zone_id).values_list("publish_attempts", flat=True)
        attempt = next(iter(attempts), MAX_ATTEMPTS)
        if attempt < MAX_ATTEMPTS:
            publish_zone.using(run_after=timezone.now() + retry_delay(attempt)).enqueue(zone_id)
    if bulk is not None:
        return f"{outcome}; in bulk {bulk.published} published, {bulk.failed} failed"
    return str(outcome)


@task()
def unpublish_zone(zone_name: str, attempt: int = 1) -> str:
    """Remove a deleted zone from the DNS server, unless a zone of that name was made again."""
    if Zone.objects.filter(name=zone_name).exists():
        return "zone exists again"
    try:
        get_publisher().unpublish(zone_name)
    except TransientError as exc:
        logger.warning("removing zone %s postponed (attempt %s): %s", zone_name, attempt, exc)
        if attempt < MAX_ATTEMPTS:
            unpublish_zone.using(run_after=timezone.now() + retry_delay(attempt)).enqueue(
                zone_name, attempt + 1
            )
        return "retry"
    return "removed"
