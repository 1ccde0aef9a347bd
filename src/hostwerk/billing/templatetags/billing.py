"""Template helpers for invoices: VAT rates and invoice periods as printed."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.template.defaultfilters import date as date_filter

from hostwerk.billing.periods import period_last_day
from hostwerk.billing.vat import format_rate

register = template.Library()


@register.filter
def vat_percentage(rate: Decimal | None) -> str:
    if rate is None:
        return ""
    return f"{format_rate(rate)}\u00a0%"


@register.filter
def invoice_period(line) -> str:
    """First and last day joined by an en dash, or the start date alone for a one-time charge.

    Periods are stored half-open (the end is the next period's first day); the last day printed
    is the day before."""
    if line.period_start is None:
        return ""
    start = date_filter(line.period_start, "DATE_FORMAT")
    if line.period_end is None:
        return start
    return f"{start} \u2013 {date_filter(period_last_day(line.period_end), 'DATE_FORMAT')}"
