"""Run what the task queue holds, the way `hostwerk worker` would, inside the test.

The worker command itself closes "old" database connections between tasks, which would end a
test's transaction; so this loop claims and runs tasks with the worker's own `run_task`.
"""

from __future__ import annotations

from django.db import transaction
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

_worker = Worker(
    queue_names=["*"],
    interval=0,
    batch=True,
    backend_name="default",
    startup_delay=False,
    max_tasks=None,
    worker_id="tests",
    excluded_queue_names=[],
)


def run_queued_tasks(*, limit: int = 1000) -> int:
    """Run every ready task (also those the tasks enqueue) and return how many ran."""
    ran = 0
    while ran < limit:
        with transaction.atomic():
            task_result = DBTaskResult.objects.ready().get_locked()
            if task_result is None:
                return ran
            task_result.claim("tests")
        _worker.run_task(task_result)
        ran += 1
    raise AssertionError(f"more than {limit} tasks: a task keeps enqueuing itself")


def queued_task_paths() -> list[str]:
    return list(DBTaskResult.objects.ready().values_list("task_path", flat=True))


def failed_tasks() -> list[tuple[str, str]]:
    return list(DBTaskResult.objects.failed().values_list("task_path", "traceback"))
