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
