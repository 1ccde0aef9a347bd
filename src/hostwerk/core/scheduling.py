"""Scheduled work: apps register jobs in their `cron.py`; `hostwerk cron` enqueues the due ones.

Each job only enqueues tasks; the task worker does the work. Overlapping cron runs are safe: the
due check and the timestamp update happen under a row lock per job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from hostwerk.core.models import ScheduledRun


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    every: timedelta
    enqueue: Callable[[], object]
    description: str


_REGISTRY: dict[str, ScheduledJob] = {}


def scheduled(*, name: str, every: timedelta):
    """Register the decorated function as the enqueuer of a job due every `every`."""

    def register(function: Callable[[], object]) -> Callable[[], object]:
        _REGISTRY[name] = ScheduledJob(
            name=name,
            every=every,
            enqueue=function,
            description=(function.__doc__ or "").strip().splitlines()[0]
            if function.__doc__
            else "",
        )
        return function

    return register


def scheduled_jobs() -> list[ScheduledJob]:
    autodiscover_modules("cron")
    return sorted(_REGISTRY.values(), key=lambda job: job.name)


def cron_run(*, now: datetime | None = None, force: bool = False) -> list[str]:
    """Enqueue every job that is due (or all with force); return the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in scheduled_jobs():
        with transaction.atomic():
            run, created = ScheduledRun.objects.select_for_update().get_or_create(
                name=job.name, defaults={"last_enqueued_at": now}
            )
            if not (created or force or now - run.last_enqueued_at >= job.every):
                continue
            job.enqueue()
            ScheduledRun.objects.filter(pk=run.pk).update(last_enqueued_at=now)
            enqueued.append(job.name)
    return enqueued
