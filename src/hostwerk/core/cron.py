"""Core scheduled jobs."""

from datetime import timedelta

from hostwerk.core.scheduling import scheduled
from hostwerk.core.tasks import prune_finished_tasks


@scheduled(name="core.prune_finished_tasks", every=timedelta(days=1))
def enqueue_prune_finished_tasks():
    """Remove task results older than 30 days."""
    prune_finished_tasks.enqueue()
