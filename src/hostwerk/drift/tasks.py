"""The drift check in the background (daily from cron, or started by staff)."""

from __future__ import annotations

from django_tasks import task

from hostwerk.core.audit import Actor


@task()
def run_drift_check() -> dict:
    from hostwerk.drift.actions import drift_check

    return drift_check(actor=Actor.system(via="cron")).summary()
