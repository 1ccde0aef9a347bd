"""`hostwerk cron` enqueues due jobs once per period, also when runs overlap."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hostwerk.core.scheduling import cron_run, scheduled_jobs


@pytest.mark.django_db
def test_cron_enqueues_due_jobs_once_per_period():
    now = timezone.now()
    first = cron_run(now=now)
    assert "core.prune_finished_tasks" in first
    assert "core.prune_finished_tasks" not in cron_run(now=now + timedelta(minutes=5))
    assert "core.prune_finished_tasks" in cron_run(now=now + timedelta(days=1, minutes=1))
    assert (
        DBTaskResult.objects.filter(task_path="hostwerk.core.tasks.prune_finished_tasks").count()
        == 2
    )


@pytest.mark.django_db
def test_registry_lists_jobs_from_every_app():
    assert "core.prune_finished_tasks" in {job.name for job in scheduled_jobs()}
