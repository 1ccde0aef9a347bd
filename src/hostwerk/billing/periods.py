"""Invoice periods: what one billing cycle or a number of domain years covers from a start date."""

from __future__ import annotations

import calendar
import datetime

from hostwerk.catalog.models import CYCLE_MONTHS, BillingCycle


def add_months(start: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the 31st becomes the last day of a shorter month."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


def period_end_after_months(start: datetime.date, months: int) -> datetime.date | None:
    """Last day of a period of `months` from `start` (inclusive); None when nothing recurs."""
    if months <= 0:
        return None
    return add_months(start, months) - datetime.timedelta(days=1)


def period_end_for_cycle(start: datetime.date, billing_cycle: str) -> datetime.date | None:
    """End of one billing cycle from `start`; free and one-time charges cover no period."""
    if billing_cycle not in BillingCycle.values:
        return None  # an item without a cycle is charged once
    return period_end_after_months(start, CYCLE_MONTHS[BillingCycle(billing_cycle)])


def period_end_for_years(start: datetime.date, years: int) -> datetime.date | None:
    return period_end_after_months(start, 12 * years)
