"""Billing periods. A period is half-open: it starts on its first day and ends on the first day
of the next period, which is also the next due date. Printed, it ends the day before.

Months are never chained: the next due date is computed from the billing day the service was
first due on (its anchor), so 31 Jan → 28 Feb → 31 Mar, and never 31 Jan → 28 Feb → 28 Mar.
"""

from __future__ import annotations

import calendar
import datetime

from hostwerk.catalog.models import CYCLE_MONTHS, BillingCycle


def add_months(
    start: datetime.date, months: int, *, anchor_day: int | None = None
) -> datetime.date:
    """The billing day `months` after `start`: `anchor_day` (default: start's own day) or the
    last day of a month that is shorter."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(anchor_day or start.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


def cycle_months(billing_cycle: str) -> int:
    """Months in one billing cycle; 0 for free and one-time charges, which do not recur."""
    if billing_cycle not in BillingCycle.values:
        return 0
    return CYCLE_MONTHS[BillingCycle(billing_cycle)]


def period_end_after_months(
    start: datetime.date, months: int, *, anchor_day: int | None = None
) -> datetime.date | None:
    """The end (exclusive: the next period's first day) of `months` from `start`; None when
    nothing recurs."""
    if months <= 0:
        return None
    return add_months(start, months, anchor_day=anchor_day)


def period_end_for_cycle(
    start: datetime.date, billing_cycle: str, *, anchor_day: int | None = None
) -> datetime.date | None:
    """End of one billing cycle from `start`; free and one-time charges cover no period."""
    return period_end_after_months(start, cycle_months(billing_cycle), anchor_day=anchor_day)


def period_end_for_years(
    start: datetime.date, years: int, *, anchor_day: int | None = None
) -> datetime.date | None:
    return period_end_after_months(start, 12 * years, anchor_day=anchor_day)


def period_last_day(period_end: datetime.date | None) -> datetime.date | None:
    """The last day a half-open period covers, as printed on invoices."""
    return period_end - datetime.timedelta(days=1) if period_end else None
