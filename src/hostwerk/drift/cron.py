"""The drift check's scheduled job."""

from datetime import timedelta

from hostwerk.core.scheduling import scheduled


@scheduled(name="drift.daily_check", every=timedelta(days=1))
def enqueue_drift_check():
    """Compare Hostwerk with Plesk, the registries, PowerDNS and SpamExperts; list differences."""
    from hostwerk.drift.tasks import run_drift_check

    run_drift_check.enqueue()
