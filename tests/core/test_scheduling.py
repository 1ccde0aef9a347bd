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


def test_cron_loop_stops_on_sigterm(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    # Its own SQLite database, whatever the test run uses.
    env = {
        **os.environ,
        "HOSTWERK_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cron.sqlite3'}",
    }
    subprocess.run([sys.executable, "-m", "hostwerk.cli", "migrate", "-v0"], env=env, check=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "hostwerk.cli", "cron", "--loop", "1"],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    # Stop it once its second round has run (however slowly this machine starts it).
    seen = []
    deadline = time.monotonic() + 60
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if "nothing due" in line:
            break
    process.send_signal(signal.SIGTERM)
    rest, _ = process.communicate(timeout=20)
    output = "".join(seen) + rest
    assert process.returncode == 0
    assert "enqueued core.prune_finished_tasks" in output
    assert "nothing due" in output
