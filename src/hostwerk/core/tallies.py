"""Totals kept instead of counted per request: a page reads the last count in one query and,
when it is older than a minute, queues a recount; it never waits for one.

At 100k clients an exact `COUNT(*)` of every client, or of every live service per server, costs
20-30 ms each on PostgreSQL (an index-only scan over every row) and grows with the rows; a
dashboard of five such counts misses its 50 ms. The totals a page shows this way say when they
were counted. Only the first read ever (an empty table) counts while the page waits.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.module_loading import import_string

from hostwerk.core import clock
from hostwerk.core.models import Tally

MAX_AGE = datetime.timedelta(seconds=60)
# A recount queued longer ago than this is taken as lost (its job record deleted, say).
RECOUNT_LOST_AFTER = datetime.timedelta(minutes=10)


@dataclass(frozen=True)
class Totals:
    value: dict[str, Any]
    counted_at: datetime.datetime


def tally(key: str, *, count: str, max_age: datetime.timedelta = MAX_AGE) -> Totals:
    """The totals kept under `key`; `count` is the dotted path of the function that counts them
    (no arguments, returns a JSON-able dict), called by the recount job."""
    kept = Tally.objects.filter(key=key).first()
    if kept is None:
        return tally_recount(key, count=count)
    now = clock.now()
    if kept.counted_at < now - max_age:
        _recount_queue(key, count=count, now=now)
    return Totals(kept.value, kept.counted_at)


def _recount_queue(key: str, *, count: str, now: datetime.datetime) -> None:
    from hostwerk.core.tasks import recount_tally

    with transaction.atomic():
        queued = Tally.objects.filter(
            Q(recount_queued_at__isnull=True) | Q(recount_queued_at__lt=now - RECOUNT_LOST_AFTER),
            key=key,
        ).update(recount_queued_at=now)
        if queued:  # only the request that set the mark queues the job
            recount_tally.enqueue(key, count)


def tally_recount(key: str, *, count: str) -> Totals:
    """Count now and keep the result."""
    value = import_string(count)()
    counted_at = clock.now()
    Tally.objects.update_or_create(
        key=key, defaults={"value": value, "counted_at": counted_at, "recount_queued_at": None}
    )
    return Totals(value, counted_at)
