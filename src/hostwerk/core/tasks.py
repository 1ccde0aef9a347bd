"""Housekeeping tasks of the core app."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

TASK_RESULT_RETENTION = timedelta(days=30)


@task()
def prune_finished_tasks() -> int:
    """Delete finished task results older than the retention period; return how many."""
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - TASK_RESULT_RETENTION
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted


def queued_runs_done(task_path: str, first_arguments: list[int], *, return_value: str) -> int:
    """Mark the queued runs of a task whose first argument is one of `first_arguments` as done,
    with `return_value`, when other work did what they would do (and they would find nothing
    left to do). The caller makes sure of that, in the same transaction. Returns how many."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from hostwerk.core.workers import current_worker_id

    if not first_arguments:
        return 0
    now = timezone.now()
    worker = current_worker_id()
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY,
        task_path=task_path,
        args_kwargs__args__0__in=first_arguments,
    ).update(
        status=TaskResultStatus.SUCCESSFUL,
        started_at=now,
        finished_at=now,
        return_value=return_value,
        worker_ids=[worker] if worker else [],
    )


@task()
def recount_tally(key: str, count: str) -> str:
    """Count the totals kept under `key` again (core/tallies.py)."""
    from hostwerk.core.tallies import tally_recount

    tally_recount(key, count=count)
    return key
