"""Reads of invoices: the staff list with filters, and client-scoped reads for the client area and API."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, F, Min, Prefetch, Q, QuerySet, Sum, When
from django.shortcuts import get_object_or_404
from django_countries.fields import Country

from hostwerk.billing.models import (
    CancellationRequest,
    CancellationStatus,
    CreditEntry,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    MolliePayment,
    Payment,
    PaymentKind,
    PaymentMethod,
)
from hostwerk.clients.models import Client
from hostwerk.core import clock
from hostwerk.core.models import AuditEvent
from hostwerk.core.money import ZERO, MoneyField
from hostwerk.core.text_search import contains, searched_newest_first

# What list rows show comes from the invoice's own snapshot columns: no joins per row.
LIST_ORDERING = ("-year", "-sequence")


def invoice_list(
    *,
    status: str = "",
    kind: str = "",
    client_id: int | None = None,
    query: str = "",
    issued_from: datetime.date | None = None,
    issued_to: datetime.date | None = None,
    overdue: bool = False,
) -> QuerySet[Invoice]:
    invoices = Invoice.objects.all()
    if overdue:
        invoices = invoices.filter(
            status=InvoiceStatus.UNPAID, kind=InvoiceKind.INVOICE, due_on__lt=clock.today()
        )
    if status:
        invoices = invoices.filter(status=status)
    if kind:
        invoices = invoices.filter(kind=kind)
    if client_id is not None:
        invoices = invoices.filter(client_id=client_id)
    if issued_from is not None:
        invoices = invoices.filter(issued_on__gte=issued_from)
    if issued_to is not None:
        invoices = invoices.filter(issued_on__lte=issued_to)
    query = query.strip()
    if query:
        invoices = invoices.filter(
            contains("number", query)
            | contains("client_name", query)
            | contains("client_company", query)
            | contains("client_email", query)
        )
        return invoices.order_by(*searched_newest_first(query, "year", "sequence"))
    return invoices.order_by(*LIST_ORDERING)


def _with_lines(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    return invoices.select_related("client", "order", "credited_invoice").prefetch_related(
        Prefetch("lines", queryset=InvoiceLine.objects.order_by("position", "id"))
    )


def invoice_get(*, invoice_id: int) -> Invoice:
    """Any invoice, with client, order and lines (staff only)."""
    return get_object_or_404(_with_lines(Invoice.objects.all()), pk=invoice_id)


def invoice_list_for_client(
    *, client: Client, status: str = "", kind: str = ""
) -> QuerySet[Invoice]:
    invoices = Invoice.objects.filter(client=client)
    if status:
        invoices = invoices.filter(status=status)
    if kind:
        invoices = invoices.filter(kind=kind)
    return invoices.order_by(*LIST_ORDERING)


def invoice_get_for_client(*, client: Client, invoice_id: int) -> Invoice:
    """The client's own invoice; another client's invoice is a 404 like a missing one."""
    return get_object_or_404(_with_lines(Invoice.objects.filter(client=client)), pk=invoice_id)


def invoice_audit_trail(*, invoice: Invoice) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        object_type=Invoice._meta.label_lower, object_id=str(invoice.pk)
    ).order_by("-created_at", "-id")


def invoice_client_filter(*, client_id: int | None) -> Client | None:
    """The client a staff list is filtered on, for the filter's label."""
    if client_id is None:
        return None
    return Client.objects.filter(pk=client_id).first()


def invoice_seller() -> dict[str, object]:
    """The seller as printed on every invoice (settings HOSTWERK_SELLER_*)."""
    return {
        "name": settings.HOSTWERK_SELLER_NAME,
        "address": settings.HOSTWERK_SELLER_ADDRESS,
        "town": f"{settings.HOSTWERK_SELLER_POSTCODE} {settings.HOSTWERK_SELLER_CITY}".strip(),
        "country": Country(code=settings.HOSTWERK_SELLER_COUNTRY),
        "vat_number": settings.HOSTWERK_SELLER_VAT_NUMBER,
        "coc_number": settings.HOSTWERK_SELLER_COC_NUMBER,
        "iban": settings.HOSTWERK_SELLER_IBAN,
        "bic": settings.HOSTWERK_SELLER_BIC,
        "email": settings.HOSTWERK_SELLER_EMAIL,
        "phone": settings.HOSTWERK_SELLER_PHONE,
    }


@dataclass(frozen=True)
class VatTotal:
    """One VAT rate of an invoice: the amount it applies to and the VAT it comes to."""

    rate: Decimal
    base: Decimal
    vat: Decimal


def invoice_vat_totals(*, invoice: Invoice) -> list[VatTotal]:
    """The invoice's totals per VAT rate, as a Dutch invoice must show them.

    Every line of an invoice carries the invoice's rate (the rate follows the client, not the
    product), so this is one row, of the invoice's own totals.
    """
    return [VatTotal(rate=invoice.vat_rate, base=invoice.subtotal, vat=invoice.vat_amount)]


def invoice_document(*, invoice: Invoice) -> dict[str, object]:
    """What the invoice document template needs, on a page and in the PDF alike."""
    lines = list(invoice.lines.all())
    return {
        "invoice": invoice,
        "lines": lines,
        "seller": invoice_seller(),
        "vat_totals": invoice_vat_totals(invoice=invoice),
    }


def service_open_cancellation(*, service) -> CancellationRequest | None:
    return CancellationRequest.objects.filter(
        service=service, status=CancellationStatus.PENDING
    ).first()


def service_invoice_lines(*, service) -> QuerySet[InvoiceLine]:
    """The service's charged periods, newest first, with their invoices (one query)."""
    return (
        InvoiceLine.objects.filter(service=service)
        .select_related("invoice")
        .order_by("-period_start", "-id")
    )


def credit_balance(client: Client) -> Decimal:
    """The client's credit: overpayments in, invoices paid from it out."""
    return CreditEntry.objects.filter(client=client).aggregate(total=Sum("amount"))["total"] or ZERO


def client_balance(*, client: Client) -> dict:
    """What the client owes: the open total, the overdue part, and the next due day."""
    today = clock.today()
    unpaid = Invoice.objects.filter(
        client=client, status=InvoiceStatus.UNPAID, kind=InvoiceKind.INVOICE
    )
    open_amount = F("total") - F("amount_paid")
    totals = unpaid.aggregate(
        open=Sum(open_amount),
        overdue=Sum(open_amount, filter=Q(due_on__lt=today)),
        next_due=Min("due_on"),
    )
    return {
        "open": totals["open"] or ZERO,
        "overdue": totals["overdue"] or ZERO,
        "next_due": totals["next_due"],
        "credit": credit_balance(client),
    }


def invoice_payments(*, invoice: Invoice) -> QuerySet[Payment]:
    return invoice.payments.order_by("created_at", "id")


def client_credit_entries(*, client: Client, limit: int = 20) -> list[CreditEntry]:
    return list(
        CreditEntry.objects.filter(client=client)
        .select_related("invoice")
        .order_by("-created_at", "-id")[:limit]
    )


def invoice_latest_mollie_payment(*, invoice: Invoice) -> MolliePayment | None:
    """The invoice's most recent online payment (what the client's return page reports on)."""
    return MolliePayment.objects.filter(invoice=invoice).order_by("-created_at", "-id").first()


# Money that came in from outside: a payment from the client's own credit was counted when the
# overpayment that made the credit came in, so it is left out.
INCOME_EXCLUDED_METHODS = (PaymentMethod.CREDIT,)


def signed_payment_amount():
    """A payment counts up; a refund or a chargeback counts down."""
    return Case(
        When(kind=PaymentKind.PAYMENT, then=F("amount")),
        default=-F("amount"),
        output_field=MoneyField(),
    )


def payment_list(
    *, paid_from: datetime.date | None = None, paid_to: datetime.date | None = None
) -> QuerySet[Payment]:
    """Staff: money in and out by date, newest first (the dashboard's income links here)."""
    payments = Payment.objects.select_related("invoice").annotate(signed=signed_payment_amount())
    if paid_from is not None:
        payments = payments.filter(paid_on__gte=paid_from)
    if paid_to is not None:
        payments = payments.filter(paid_on__lte=paid_to)
    return payments.order_by("-paid_on", "-id")


def payment_total(payments: QuerySet[Payment]) -> Decimal:
    """Income of `payments`: payments less refunds and chargebacks, credit not counted."""
    total = (
        payments.exclude(method__in=INCOME_EXCLUDED_METHODS)
        .order_by()
        .aggregate(total=Sum(signed_payment_amount()))["total"]
    )
    return total or ZERO
