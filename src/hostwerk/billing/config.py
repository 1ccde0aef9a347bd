"""Billing settings staff may change: the environment gives the default, a BillingSetting row
overrides it. `billing_setting(name)` is the one way billing code reads them.

Each read is one indexed query, so a change made in the staff area holds at once in every web
and worker process; code that loops reads a value once before its loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

INTEGER = "integer"
BOOLEAN = "boolean"
DAY_LIST = "day_list"  # up to three day counts, ascending


@dataclass(frozen=True)
class BillingSettingSpec:
    name: str  # the BillingSetting name; the environment variable is HOSTWERK_<NAME>
    kind: str
    label: str | Promise
    help_text: str | Promise
    minimum: int = 0
    maximum: int = 3650

    @property
    def environment_name(self) -> str:
        return f"HOSTWERK_{self.name.upper()}"

    @property
    def environment_value(self) -> Any:
        # Read at call time, so a test's settings override is the default too.
        return getattr(settings, self.environment_name)


SPECS: tuple[BillingSettingSpec, ...] = (
    BillingSettingSpec(
        "invoice_due_days",
        INTEGER,
        _("Payment term (days)"),
        _("An order's invoice is due this many days after its date."),
        maximum=365,
    ),
    BillingSettingSpec(
        "invoice_days_before",
        INTEGER,
        _("Invoice renewals (days before)"),
        _("A service's renewal is invoiced this many days before its next due date."),
        maximum=365,
    ),
    BillingSettingSpec(
        "domain_invoice_days_before",
        INTEGER,
        _("Invoice domain renewals (days before)"),
        _("A domain's renewal is invoiced this many days before its next due date."),
        maximum=365,
    ),
    BillingSettingSpec(
        "reminder_days_before_due",
        INTEGER,
        _("Reminder before the due date (days)"),
        _("A friendly reminder this many days before an invoice is due; 0 sends none."),
        maximum=365,
    ),
    BillingSettingSpec(
        "overdue_notice_days",
        DAY_LIST,
        _("Overdue notices (days after the due date)"),
        _("Up to three day counts, separated by commas, e.g. 1, 7, 14."),
        minimum=1,
        maximum=365,
    ),
    BillingSettingSpec(
        "suspend_days_overdue",
        INTEGER,
        _("Suspend after (days overdue)"),
        _("Services of an invoice this many days overdue are suspended."),
        minimum=1,
        maximum=365,
    ),
    BillingSettingSpec(
        "terminate_days_overdue",
        INTEGER,
        _("Terminate after (days overdue)"),
        _("Suspended services are terminated this many days after the due date; 0 never."),
    ),
    BillingSettingSpec(
        "domain_cancel_days_overdue",
        INTEGER,
        _("Domains to be cancelled after (days overdue)"),
        _("An unpaid domain renewal this many days overdue is listed for cancellation."),
        minimum=1,
        maximum=365,
    ),
    BillingSettingSpec(
        "domain_auto_cancel",
        BOOLEAN,
        _("Cancel unpaid domains automatically"),
        _("Off: staff confirm each cancellation on the billing run page."),
    ),
)
SPEC_BY_NAME = {spec.name: spec for spec in SPECS}


def billing_setting(name: str) -> Any:
    """The setting's value: staff's override when there is one, else the environment's."""
    from hostwerk.billing.models import BillingSetting

    spec = SPEC_BY_NAME[name]
    stored = BillingSetting.objects.filter(name=name).values_list("value", flat=True).first()
    return spec.environment_value if stored is None else stored


def billing_settings_overview() -> list[dict[str, Any]]:
    """Every setting with its environment default, staff's override (or None) and the value."""
    from hostwerk.billing.models import BillingSetting

    stored = dict(BillingSetting.objects.values_list("name", "value"))
    return [
        {
            "spec": spec,
            "default": spec.environment_value,
            "override": stored.get(spec.name),
            "value": stored.get(spec.name, spec.environment_value),
        }
        for spec in SPECS
    ]
