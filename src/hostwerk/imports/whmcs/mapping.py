"""How WHMCS values become Hostwerk values: pure functions, no database.

WHMCS stores text HTML-entity-encoded ("Caf&eacute; &amp; Co"), writes "0000-00-00" for a date
that is not set, "-1.00" for a billing cycle that is switched off, and its own names for
statuses, cycles, languages and gateways.
"""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from hostwerk.billing.models import InvoiceStatus, PaymentMethod
from hostwerk.catalog.models import BillingCycle
from hostwerk.clients.models import ClientStatus
from hostwerk.core.money import ZERO
from hostwerk.core.validators import normalize_phone, normalize_vat_number
from hostwerk.domains.models import DomainStatus
from hostwerk.provisioning.models import ServiceStatus, SuspendReason

DISABLED = Decimal("-1.00")  # a price of -1.00 switches the billing cycle off


def text(value, *, limit: int | None = None) -> str:
    """Decoded, stripped text (WHMCS keeps it HTML-entity-encoded), cut to `limit`."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    decoded = html.unescape(str(value)).strip()
    return decoded[:limit] if limit else decoded


def day(value) -> datetime.date | None:
    """A date, or None for NULL and the zero date (which PyMySQL hands over as a string)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return None


def money(value) -> Decimal:
    if value is None:
        return ZERO
    return Decimal(value).quantize(Decimal("0.01"))


# --- clients ---------------------------------------------------------------------------------

CLIENT_STATUS = {
    "Active": ClientStatus.ACTIVE,
    "Inactive": ClientStatus.INACTIVE,
    "Closed": ClientStatus.CLOSED,
}

LANGUAGES = {"dutch": "nl", "nederlands": "nl", "nl": "nl", "english": "en", "en": "en"}


def language(value, *, default: str) -> str:
    """WHMCS language names ("dutch", "english") to Hostwerk's nl/en; other languages get
    English, the one both audiences read; empty means the installation's default."""
    name = text(value).lower()
    if not name:
        return default
    return LANGUAGES.get(name, "en")


def phone(value, *, country: str) -> tuple[str, bool]:
    """(E.164 number, read) — WHMCS 8 keeps "+31.201234567" or what the client typed."""
    raw = text(value)
    if not raw:
        return "", True
    try:
        return normalize_phone(raw, country=country or "NL"), True
    except ValidationError:
        return "", False


def vat_number(value, *, country: str) -> tuple[str, bool]:
    raw = text(value)
    if not raw:
        return "", True
    try:
        return normalize_vat_number(raw, country=country)[:20], True
    except ValidationError:
        return "", False


def country(value, *, default: str) -> str:
    code = text(value).upper()
    return code if re.fullmatch(r"[A-Z]{2}", code) else default


# --- products and prices ---------------------------------------------------------------------

# tblpricing's columns per cycle: (price, setup fee).
PRICE_COLUMNS = {
    BillingCycle.MONTHLY: ("monthly", "msetupfee"),
    BillingCycle.QUARTERLY: ("quarterly", "qsetupfee"),
    BillingCycle.SEMIANNUALLY: ("semiannually", "ssetupfee"),
    BillingCycle.ANNUALLY: ("annually", "asetupfee"),
    BillingCycle.BIENNIALLY: ("biennially", "bsetupfee"),
    BillingCycle.TRIENNIALLY: ("triennially", "tsetupfee"),
}
# WHMCS has no default cycle; a new order gets the first of these that is switched on.
DEFAULT_CYCLE_PREFERENCE = (
    BillingCycle.ANNUALLY,
    BillingCycle.MONTHLY,
    BillingCycle.QUARTERLY,
    BillingCycle.SEMIANNUALLY,
    BillingCycle.BIENNIALLY,
    BillingCycle.TRIENNIALLY,
)


@dataclass(frozen=True)
class Price:
    cycle: str
    amount: Decimal
    setup_fee: Decimal


def product_prices(paytype: str, pricing: dict | None) -> list[Price]:
    """The prices a WHMCS product has switched on. One-time products keep their price in the
    monthly column; a free product has one price of zero."""
    kind = text(paytype).lower()
    if kind == "free":
        return [Price(BillingCycle.FREE, ZERO, ZERO)]
    if pricing is None:
        return []
    if kind == "onetime":
        amount = money(pricing["monthly"])
        if amount == DISABLED:
            return []
        return [Price(BillingCycle.ONE_TIME, amount, max(money(pricing["msetupfee"]), ZERO))]
    prices = []
    for cycle, (price_column, setup_column) in PRICE_COLUMNS.items():
        amount = money(pricing[price_column])
        if amount <= DISABLED:
            continue
        prices.append(Price(cycle, amount, max(money(pricing[setup_column]), ZERO)))
    return prices


def default_cycle(prices: list[Price]) -> str:
    cycles = {price.cycle for price in prices}
    for cycle in (BillingCycle.FREE, BillingCycle.ONE_TIME, *DEFAULT_CYCLE_PREFERENCE):
        if cycle in cycles:
            return cycle
    return BillingCycle.ANNUALLY


# --- services --------------------------------------------------------------------------------

CYCLES = {
    "monthly": BillingCycle.MONTHLY,
    "quarterly": BillingCycle.QUARTERLY,
    "semi-annually": BillingCycle.SEMIANNUALLY,
    "semiannually": BillingCycle.SEMIANNUALLY,
    "annually": BillingCycle.ANNUALLY,
    "biennially": BillingCycle.BIENNIALLY,
    "triennially": BillingCycle.TRIENNIALLY,
    "one time": BillingCycle.ONE_TIME,
    "onetime": BillingCycle.ONE_TIME,
    "free account": BillingCycle.FREE,
    "free": BillingCycle.FREE,
}

SERVICE_STATUS = {
    "Pending": ServiceStatus.PENDING,
    "Active": ServiceStatus.ACTIVE,
    "Suspended": ServiceStatus.SUSPENDED,
    "Terminated": ServiceStatus.TERMINATED,
    # WHMCS cancels a service by ending it (at once or at the end of the period): it is gone.
    "Cancelled": ServiceStatus.TERMINATED,
    # A fraud order was never delivered.
    "Fraud": ServiceStatus.CANCELLED,
    # A one-time product that was delivered: it exists and is never invoiced again.
    "Completed": ServiceStatus.ACTIVE,
}

OVERDUE_REASONS = {"", "overdue on payment"}


def cycle(value) -> str | None:
    return CYCLES.get(text(value).lower())


def suspend_reason(status: str, reason) -> str:
    if status != ServiceStatus.SUSPENDED:
        return ""
    # Only WHMCS's own overdue suspension is lifted by a payment (like its auto-unsuspend).
    return SuspendReason.OVERDUE if text(reason).lower() in OVERDUE_REASONS else SuspendReason.STAFF


# --- domains ---------------------------------------------------------------------------------

DOMAIN_STATUS = {
    "Pending": DomainStatus.PENDING,
    "Pending Registration": DomainStatus.PENDING_REGISTRATION,
    "Pending Transfer": DomainStatus.PENDING_TRANSFER,
    "Active": DomainStatus.ACTIVE,
    # Past expiry but still renewable (grace) or restorable (redemption): expired here.
    "Grace": DomainStatus.EXPIRED,
    "Redemption": DomainStatus.EXPIRED,
    "Expired": DomainStatus.EXPIRED,
    "Cancelled": DomainStatus.CANCELLED,
    "Fraud": DomainStatus.CANCELLED,
    "Transferred Away": DomainStatus.TRANSFERRED_AWAY,
}


# --- invoices and payments -------------------------------------------------------------------

# WHMCS status → Hostwerk status; None: not imported (a draft was never issued).
INVOICE_STATUS = {
    "Draft": None,
    "Unpaid": InvoiceStatus.UNPAID,
    "Payment Pending": InvoiceStatus.UNPAID,
    "Collections": InvoiceStatus.UNPAID,
    "Paid": InvoiceStatus.PAID,
    # A refunded invoice was paid; its refund is booked against it as a refund.
    "Refunded": InvoiceStatus.PAID,
    "Cancelled": InvoiceStatus.CANCELLED,
}

GATEWAYS = {
    "banktransfer": PaymentMethod.BANK_TRANSFER,
    "bankoverschrijving": PaymentMethod.BANK_TRANSFER,
    "ideal": PaymentMethod.IDEAL,
    "mollieideal": PaymentMethod.IDEAL,
    "directdebit": PaymentMethod.DIRECT_DEBIT,
    "sepa": PaymentMethod.DIRECT_DEBIT,
    "mailin": PaymentMethod.BANK_TRANSFER,
    "cash": PaymentMethod.CASH,
    "credit": PaymentMethod.CREDIT,
}


def payment_method(gateway) -> str:
    name = text(gateway).lower().replace("_", "")
    if name in GATEWAYS:
        return GATEWAYS[name]
    if "ideal" in name:
        return PaymentMethod.IDEAL
    if "sepa" in name or "directdebit" in name or "incasso" in name:
        return PaymentMethod.DIRECT_DEBIT
    return PaymentMethod.OTHER


_SERIES_NUMBER = re.compile(r"^\D*?((?:19|20)\d{2})\D+0*(\d{1,9})\D*$")
_PLAIN_NUMBER = re.compile(r"^\D*?0*(\d{1,9})\D*$")


def series_position(number: str, *, issued_on: datetime.date) -> tuple[int, int] | None:
    """(year, sequence) of a legal invoice number, as Hostwerk's yearly counter would count it:
    "2026-0012" → (2026, 12); "INV-345", numbered across years, → (issued year, 345)."""
    match = _SERIES_NUMBER.match(number)
    if match:
        year, sequence = int(match.group(1)), int(match.group(2))
        if year == issued_on.year and sequence > 0:
            return year, sequence
    match = _PLAIN_NUMBER.match(number)
    if match and int(match.group(1)) > 0:
        return issued_on.year, int(match.group(1))
    return None


LINE_SERVICE_TYPES = {"hosting"}
LINE_DOMAIN_TYPES = {"domain", "domainregister", "domaintransfer", "domainrenew"}
MASS_PAY_TYPE = "invoice"  # a mass payment invoice has one line of this type per invoice
