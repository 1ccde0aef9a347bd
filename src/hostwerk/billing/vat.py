"""Which VAT applies to a client (scheme, rate, note) and the VAT on one invoice line."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django_countries import countries

from hostwerk.billing.models import VatRate, VatScheme
from hostwerk.core.errors import HostwerkError
from hostwerk.core.money import round_money
from hostwerk.core.validators import EU_COUNTRIES

ZERO_RATE = Decimal("0.00")


class VatRateMissing(HostwerkError):
    """No VatRate row covers the country on the date: staff must add one in the admin."""


@dataclass(frozen=True)
class VatTreatment:
    scheme: VatScheme
    rate: Decimal  # percentage, e.g. Decimal("21.00")
    country: str  # whose rate applies; empty when no EU VAT is charged
    note: str  # printed on the invoice, in the active language


def seller_country() -> str:
    return settings.HOSTWERK_SELLER_COUNTRY.upper()


def vat_rate_on(*, country: str, on: datetime.date) -> Decimal:
    """The standard rate of `country` in force on `on` (the newest row not after that date)."""
    rate = (
        VatRate.objects.filter(country=country.upper(), valid_from__lte=on)
        .order_by("-valid_from")
        .values_list("rate", flat=True)
        .first()
    )
    if rate is None:
        raise VatRateMissing(
            _("There is no VAT rate for %(country)s on %(date)s; add one under VAT rates.")
            % {"country": country, "date": on.isoformat()}
        )
    return rate


def vat_treatment(*, country: str, vat_number: str, on: datetime.date) -> VatTreatment:
    """VAT for a sale of services to a client in `country`, with or without a VAT number.

    Hosting and domains are electronically supplied services: a business customer elsewhere in
    the EU accounts for the VAT itself (reverse charge), a consumer pays the VAT of the country
    where they live (declared through the One-Stop Shop), and outside the EU no EU VAT is due.
    """
    country = (country or "").upper()
    seller = seller_country()
    if country == seller or not country:
        return VatTreatment(
            scheme=VatScheme.DOMESTIC,
            rate=vat_rate_on(country=seller, on=on),
            country=seller,
            note="",
        )
    if country in EU_COUNTRIES:
        if vat_number:
            return VatTreatment(
                scheme=VatScheme.REVERSE_CHARGE,
                rate=ZERO_RATE,
                country="",
                note=_("VAT reverse-charged: article 196 of Directive 2006/112/EC"),
            )
        rate = vat_rate_on(country=country, on=on)
        return VatTreatment(
            scheme=VatScheme.EU_CONSUMER,
            rate=rate,
            country=country,
            note=_("VAT of %(country)s at %(rate)s %%, declared through the One-Stop Shop (OSS)")
            % {"country": countries.name(country), "rate": format_rate(rate)},
        )
    return VatTreatment(
        scheme=VatScheme.OUTSIDE_EU,
        rate=ZERO_RATE,
        country="",
        note=_("Outside the scope of EU VAT"),
    )


def line_vat(*, amount: Decimal, rate: Decimal) -> Decimal:
    """VAT on one line's net amount, rounded half-up to the cent (rounded per line, not per total)."""
    return round_money(amount * rate / Decimal(100))


def format_rate(rate: Decimal) -> str:
    """21.00 -> "21", 25.50 -> "25.5" ("25,5" in Dutch): how rates are written on invoices."""
    exponent = rate.normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return number_format(rate, decimal_pos=places)
