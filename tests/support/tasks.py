"""Run what the task queue holds, the way `hostwerk worker` would, inside the test."""

from __future__ import annotations

from django.core.management import call_command
from django_tasks_db.models import DBTaskResult


def run_queued_tasks() -> int:
    """Run every ready task (also those the tasks enqueue) and return how many ran."""
    before = DBTaskResult.objects.finished().count()
    call_command(
        "db_worker",
        "--batch",
        "--queue-name",
        "*",
        "--no-startup-delay",
        "--no-reload",
        verbosity=0,
    )
    return DBTaskResult.objects.finished().count() - before


def queued_task_paths() -> list[str]:
    return list(DBTaskResult.objects.ready().values_list("task_path", flat=True))
