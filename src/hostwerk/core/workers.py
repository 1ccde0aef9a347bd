"""Worker heartbeats, and putting back the tasks of a worker that died mid-job.

django-tasks' database backend marks a task RUNNING when a worker claims it and never looks at
it again; a worker killed with SIGKILL (or a machine that is gone) leaves it RUNNING for ever.
Every `hostwerk worker` therefore writes a heartbeat, and each of them, between beats, queues
again the running tasks whose worker stopped beating. Hostwerk's tasks are idempotent
(acceptance checkpoints each remote step), so running one again finishes it, never doubles it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import OperationalError, close_old_connections, connection, transaction
from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils import timezone

from hostwerk.core.models import WorkerBeat

logger = logging.getLogger(__name__)

# Sent with worker_id once a stopped worker's tasks are queued again, so that apps release what
# that worker held (the orders app: the leases on the items it was accepting).
worker_stopped = Signal()

_current_worker_id = ""


def current_worker_id() -> str:
    """The id of the worker this process is (empty in a web process or a command)."""
    return _current_worker_id


def current_worker_set(worker_id: str) -> None:
    global _current_worker_id
    _current_worker_id = worker_id


def run_id_new() -> str:
    """A unique id (at most 40 characters) for a run of work; it starts with the worker's id and
    a colon when a worker does the work, so the work can be released when that worker dies."""
    unique = uuid.uuid4().hex
    worker = current_worker_id()[:24]
    return f"{worker}:{unique[:15]}" if worker else unique


def run_id_prefix(worker_id: str) -> str:
    return f"{worker_id[:24]}:"


def stale_after() -> timedelta:
    return timedelta(seconds=settings.HOSTWERK_WORKER_STALE_SECONDS)


def workers_alive() -> QuerySet[WorkerBeat]:
    """The workers that have beaten within stale_after()."""
    return WorkerBeat.objects.filter(beat_at__gte=timezone.now() - stale_after())


def worker_beat(*, worker_id: str) -> None:
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"beat_at": timezone.now(), "pid": os.getpid(), "hostname": socket.gethostname()},
    )


def stale_tasks_requeue() -> list[str]:
    """Queue again the running tasks whose worker has not beaten for stale_after(); their ids."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - stale_after()
    alive = set(workers_alive().values_list("worker_id", flat=True))
    requeued = []
    stopped: set[str] = set()
    with transaction.atomic():
        running = DBTaskResult.objects.running().filter(started_at__lt=cutoff)
        for result in running.select_for_update(skip_locked=True):
            worker = result.worker_ids[-1] if result.worker_ids else ""
            if worker in alive:
                continue
            logger.warning(
                "task %s (%s) was claimed by worker %s, which stopped; queued again",
                result.id,
                result.task_path,
                worker or "?",
            )
            result.status = TaskResultStatus.READY
            result.started_at = None
            result.save(update_fields=["status", "started_at"])
            requeued.append(str(result.id))
            if worker:
                stopped.add(worker)
    for worker in sorted(stopped):
        worker_stopped.send(sender=WorkerBeat, worker_id=worker)
    WorkerBeat.objects.filter(beat_at__lt=timezone.now() - 10 * stale_after()).delete()
    return requeued


def heartbeat_thread(*, worker_id: str, stop: threading.Event) -> threading.Thread:
    """Beat and look for stale tasks every quarter of stale_after(), until stop is set."""
    interval = max(stale_after().total_seconds() / 4, 0.5)

    def loop():
        while not stop.is_set():
            try:
                worker_beat(worker_id=worker_id)
                stale_tasks_requeue()
            except OperationalError as error:  # a busy SQLite file or a restarting server
                logger.warning("worker heartbeat failed: %s", error)
            finally:
                close_old_connections()
            stop.wait(interval)
        connection.close()

    thread = threading.Thread(target=loop, name=f"heartbeat-{worker_id}", daemon=True)
    thread.start()
    return thread
