"""Background billing work: the daily run, lifting an overdue suspension after payment, and a
paid domain year's renewal at the registry. Each is idempotent; a repeat does nothing more."""

from __future__ import annotations

import datetime
import logging

from django_tasks import task

from hostwerk.core.audit import Actor
from hostwerk.core.errors import HostwerkError

logger = logging.getLogger(__name__)


@task()
def run_billing(day: str | None = None) -> dict:
    from hostwerk.billing.run import billing_run

    return billing_run(
        actor=Actor.system(via="cron"),
        day=datetime.date.fromisoformat(day) if day else None,
    )


@task()
def unsuspend_service(service_id: int) -> bool:
    """Lift the overdue suspension of a service whose invoices are paid (queued by the payment)."""
    from hostwerk.billing.lifecycle import service_unsuspend_paid
    from hostwerk.provisioning.models import Service

    service = Service.objects.filter(pk=service_id).first()
    if service is None:
        return False
    try:
        return service_unsuspend_paid(actor=Actor.system(), service=service)
    except HostwerkError as error:
        # The next billing run lifts it (its safety net); staff see the error there.
        logger.warning("unsuspending service %s failed: %s", service_id, error)
        return False


@task()
def renew_domain(renewal_id: int) -> bool:
    """Renew a paid domain year at the registry; a failure is retried by the billing run."""
    from hostwerk.billing.domain_work import domain_renewal_carry_out
    from hostwerk.billing.models import DomainRenewal

    renewal = DomainRenewal.objects.filter(pk=renewal_id).first()
    if renewal is None:
        return False
    try:
        return domain_renewal_carry_out(actor=Actor.system(), renewal=renewal)
    except HostwerkError as error:
        logger.warning("renewal %s failed: %s", renewal_id, error)
        return False
