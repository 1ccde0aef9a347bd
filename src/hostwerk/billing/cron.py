"""Billing's scheduled job: the daily billing run."""

from datetime import timedelta

from hostwerk.core.scheduling import scheduled


@scheduled(name="billing.daily_run", every=timedelta(days=1))
def enqueue_billing_run():
    """Renewal invoices, reminders, suspensions, terminations and domain renewals of today."""
    from hostwerk.billing.tasks import run_billing

    run_billing.enqueue()
