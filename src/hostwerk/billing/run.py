"""The daily billing run: renewal invoices, payment reminders and overdue notices, suspensions,
terminations (and cancellations), domain renewal work — in that order, for one day.

Every step is idempotent and safe to overlap with another run: each transition is guarded by a
unique constraint (a line per period, a reminder per invoice and kind, a due-date move per
period, a renewal per domain year), so running a day twice, or two runs at once, creates nothing
twice. The day is set on the one clock for the whole run, so any day can be run or previewed.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from hostwerk.billing.domain_work import (
    domain_work_run,
    domains_due_date_fill,
    domains_to_cancel,
    renewals_open,
)
from hostwerk.billing.dunning import reminders_due_count, reminders_send
from hostwerk.billing.lifecycle import (
    cancellations_due,
    services_to_suspend,
    services_to_terminate,
    services_to_unsuspend,
    suspensions_run,
    terminations_run,
)
from hostwerk.billing.models import BillingRun
from hostwerk.billing.payments import credits_apply_all
from hostwerk.billing.renewals import domains_due, renewal_invoices_create, services_due
from hostwerk.core import clock
from hostwerk.core.audit import Actor, audit_record

SUMMARY_KEYS = (
    "date",
    "invoices_created",
    "reminders_sent",
    "suspended",
    "unsuspended",
    "terminated",
    "domains_renewed",
    "domains_cancelled",
    "errors",
)


def billing_run(*, actor: Actor, day: datetime.date | None = None) -> dict[str, Any]:
    """Run the billing work of `day` (default: today in HOSTWERK_TIME_ZONE); return the summary."""
    day = day or clock.today()
    run = BillingRun.objects.create(run_date=day, started_by=actor.label[:200])
    errors: list[dict] = []
    with clock.frozen_at(day):
        domains_due_date_fill()
        invoices = renewal_invoices_create(actor=actor, day=day, errors=errors)
        # Credit (overpayments) pays the new invoices before anyone is reminded of them.
        credits_apply_all(actor=actor)
        reminders = reminders_send(actor=actor, day=day, errors=errors)
        suspended, unsuspended = suspensions_run(actor=actor, day=day, errors=errors)
        terminated = terminations_run(actor=actor, day=day, errors=errors)
        renewed, cancelled = domain_work_run(actor=actor, day=day, errors=errors)
    summary = {
        "date": day.isoformat(),
        "invoices_created": invoices,
        "reminders_sent": reminders,
        "suspended": suspended,
        "unsuspended": unsuspended,
        "terminated": terminated,
        "domains_renewed": renewed,
        "domains_cancelled": cancelled,
        "errors": errors,
    }
    BillingRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), summary=summary)
    return summary


@transaction.atomic
def billing_run_queue(*, actor: Actor, day: datetime.date) -> str:
    """Queue the billing run of `day` for a worker; the task's id. Queuing it more than once is
    harmless: overlapping runs invoice, remind and suspend each thing once."""
    from hostwerk.billing.tasks import run_billing

    audit_record(actor=actor, action="billing_run.queue", data={"date": day.isoformat()})
    return str(run_billing.enqueue(day.isoformat()).id)


PREVIEW_LIMIT = 20


def billing_preview(day: datetime.date) -> dict[str, Any]:
    """What a run on `day` would do, counted with the run's own selections; nothing changes."""
    with clock.frozen_at(day):
        services = services_due(day)
        domains = domains_due(day)
        return {
            "date": day,
            "services_to_invoice": services.count(),
            "services_sample": list(
                services.select_related("client", "product").order_by("next_due_date", "id")[
                    :PREVIEW_LIMIT
                ]
            ),
            "domains_to_invoice": domains.count(),
            "reminders": reminders_due_count(day),
            "to_suspend_count": services_to_suspend(day).count(),
            "to_unsuspend_count": services_to_unsuspend(day).count(),
            "to_terminate_count": services_to_terminate(day).count(),
            "cancellations_count": cancellations_due(day).count(),
            "renewals_count": renewals_open().count(),
            "domains_to_cancel_count": domains_to_cancel(day).count(),
        }
