"""Staff changes to how a service is billed: next due date, amount, cycle, "do not suspend
until". Each change is checked, applied under a row lock and audited with before and after.

Moving the next due date also moves the billing day of the month to the new date's day: that is
how staff skip a period, or give a period for free, without the due date drifting afterwards.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hostwerk.billing.periods import cycle_months
from hostwerk.catalog.models import BillingCycle
from hostwerk.core.audit import Actor, apply_changes, audit_record
from hostwerk.core.errors import InputInvalid
from hostwerk.core.money import round_money
from hostwerk.provisioning.models import Service

EDITABLE = ("next_due_date", "recurring_amount", "billing_cycle", "no_suspend_until")


class ServiceBillingInvalid(InputInvalid):
    """A service's billing values were refused."""


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for field, value in values.items():
        if field not in EDITABLE:
            raise ServiceBillingInvalid(_("This field cannot be changed here."), field=field)
        if field in ("next_due_date", "no_suspend_until"):
            if value is not None and not isinstance(value, datetime.date):
                raise ServiceBillingInvalid(_("Enter a date as YYYY-MM-DD."), field=field)
            if field == "next_due_date" and value is None:
                raise ServiceBillingInvalid(
                    _("A recurring service needs a next due date."), field=field
                )
            clean[field] = value
        elif field == "recurring_amount":
            try:
                amount = Decimal(str(value))
            except (InvalidOperation, TypeError):
                raise ServiceBillingInvalid(
                    _("Enter an amount such as 12.50."), field=field
                ) from None
            if (
                not amount.is_finite()
                or amount < 0
                or amount >= Decimal("1e10")
                or amount != round_money(amount)
            ):
                raise ServiceBillingInvalid(
                    _("Enter an amount of zero or more with at most two decimals."), field=field
                )
            clean[field] = amount
        else:
            if value not in BillingCycle.values:
                raise ServiceBillingInvalid(
                    _("Choose one of: %(cycles)s.") % {"cycles": ", ".join(BillingCycle.values)},
                    field=field,
                )
            clean[field] = value
    return clean


@transaction.atomic
def service_billing_update(*, actor: Actor, service: Service, values: dict[str, Any]) -> Service:
    clean = _clean(values)
    service = Service.objects.select_for_update().select_related("client").get(pk=service.pk)
    if "next_due_date" in clean:
        clean["billing_anchor_day"] = clean["next_due_date"].day
    cycle = clean.get("billing_cycle", service.billing_cycle)
    if cycle_months(cycle) and clean.get("next_due_date", service.next_due_date) is None:
        raise ServiceBillingInvalid(
            _("A recurring service needs a next due date."), field="next_due_date"
        )
    changes = apply_changes(service, clean)
    if changes:
        service.save(update_fields=list(changes))
        audit_record(
            actor=actor,
            action="service.billing_update",
            obj=service,
            client=service.client,
            changes=changes,
        )
    return service
