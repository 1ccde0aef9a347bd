"""A task claimed by a worker that stopped beating is queued again, and its item leases go."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hostwerk.core.models import WorkerBeat
from hostwerk.core.tasks import prune_finished_tasks
from hostwerk.core.workers import run_id_prefix, stale_tasks_requeue, worker_beat
from hostwerk.orders.models import OrderItem
from tests.orders.factories import OrderItemFactory

pytestmark = pytest.mark.django_db


def claimed_by(worker_id: str, *, seconds_ago: int) -> DBTaskResult:
    prune_finished_tasks.enqueue()
    result = DBTaskResult.objects.latest("enqueued_at")
    result.claim(worker_id)
    DBTaskResult.objects.filter(pk=result.pk).update(
        started_at=timezone.now() - timedelta(seconds=seconds_ago)
    )
    return result


def test_a_dead_workers_task_is_queued_again_and_a_live_ones_is_left(settings):
    settings.HOSTWERK_WORKER_STALE_SECONDS = 10
    worker_beat(worker_id="alive")
    worker_beat(worker_id="dead")
    WorkerBeat.objects.filter(worker_id="dead").update(
        beat_at=timezone.now() - timedelta(seconds=30)
    )
    dead_task = claimed_by("dead", seconds_ago=30)
    live_task = claimed_by("alive", seconds_ago=30)
    young_task = claimed_by("dead", seconds_ago=2)  # just claimed: give it time
    item = OrderItemFactory(
        processing_by=f"{run_id_prefix('dead')}abc", processing_since=timezone.now()
    )
    other = OrderItemFactory(processing_by="alive:abc", processing_since=timezone.now())

    assert stale_tasks_requeue() == [str(dead_task.pk)]

    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses[dead_task.pk] == TaskResultStatus.READY
    assert statuses[live_task.pk] == statuses[young_task.pk] == TaskResultStatus.RUNNING
    assert OrderItem.objects.get(pk=item.pk).processing_by == ""
    assert OrderItem.objects.get(pk=other.pk).processing_by == "alive:abc"
    assert stale_tasks_requeue() == []
