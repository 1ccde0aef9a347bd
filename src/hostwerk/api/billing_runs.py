"""API: queue the daily billing run for a day (staff), as the staff page's "run" button does."""

# No `from __future__ import annotations`: ninja reads the parameter annotations at import time.

import datetime

from ninja import Field, Router, Schema
from ninja.responses import Status

from hostwerk.accounts.request import ApiRequest
from hostwerk.api.auth import require_staff
from hostwerk.billing.run import billing_run_queue
from hostwerk.core import clock

router = Router(tags=["billing runs"])


class BillingRunIn(Schema):
    date: datetime.date | None = Field(
        None,
        description="The day to run the billing for; empty: today in the provider's time zone.",
    )


class BillingRunQueuedOut(Schema):
    date: datetime.date = Field(description="The day the run bills.")
    task_id: str = Field(description="The id of the queued task that a worker runs.")


@router.post("", response={202: BillingRunQueuedOut}, summary="Queue a billing run")
def queue_billing_run(request: ApiRequest, payload: BillingRunIn):
    """Staff: queue the billing run of a day (renewal invoices, reminders, suspensions, domain
    renewals); a worker runs it. Queuing a day twice, or while a run is busy, is harmless: each
    period is invoiced once, each reminder sent once."""
    require_staff(request)
    day = payload.date or clock.today()
    task_id = billing_run_queue(actor=request.actor, day=day)
    return Status(202, {"date": day, "task_id": task_id})
