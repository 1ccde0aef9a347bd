"""API: invoices and their PDF documents. Staff tokens see every invoice and may mark paid or
cancel; client tokens see only their own client's invoices (another client's is a 404)."""

# No `from __future__ import annotations` here: ninja builds the query-parameter model from the
# InvoiceStatus annotation at import time and cannot resolve it from a string.
import datetime
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from hostwerk.accounts.models import ClientArea
from hostwerk.api.auth import TokenAuth, require_staff
from hostwerk.api.errors import field_error
from hostwerk.api.pagination import Pages
from hostwerk.billing import queries
from hostwerk.billing.actions import InvoiceRefused, invoice_cancel, invoice_mark_paid
from hostwerk.billing.credit_notes import CreditNoteInvalid, CreditRequest, credit_note_create
from hostwerk.billing.documents import PDF_CONTENT_TYPE, invoice_pdf_response
from hostwerk.billing.models import Invoice, InvoiceKind, InvoiceStatus, PaymentKind, PaymentMethod
from hostwerk.billing.mollie_payments import OnlinePaymentRefused, mollie_payment_start
from hostwerk.billing.payments import PaymentInvalid, payment_book
from hostwerk.core.errors import PermanentError, TransientError

router = Router(tags=["invoices"], auth=TokenAuth(area=ClientArea.BILLING))


class BillingAddressOut(Schema):
    name: str
    company: str
    address: str
    country: str
    vat_number: str


class InvoiceOut(Schema):
    id: int
    number: str
    kind: InvoiceKind
    credited_invoice_id: int | None
    client_id: int
    order_id: int | None
    status: str
    issued_on: datetime.date
    due_on: datetime.date
    paid_on: datetime.date | None
    cancelled_at: datetime.datetime | None
    currency: str
    vat_scheme: str
    vat_country: str
    vat_rate: Decimal
    vat_note: str
    subtotal: Decimal
    vat_amount: Decimal
    total: Decimal
    amount_paid: Decimal = Field(description="Paid so far: payments minus refunds.")
    amount_due: Decimal = Field(description="What is still to be paid; 0 once paid or cancelled.")
    billing_address: BillingAddressOut

    @staticmethod
    def resolve_billing_address(obj: Invoice) -> dict[str, str]:
        return {
            "name": obj.client_name,
            "company": obj.client_company,
            "address": obj.client_address,
            "country": obj.client_country.code or "",
            "vat_number": obj.client_vat_number,
        }


class InvoiceLineOut(Schema):
    id: int
    order_item_id: int | None
    service_id: int | None
    domain_id: int | None
    credits_line_id: int | None
    description: str
    period_start: datetime.date | None
    # Half-open: the first day after the period, which is the next due date.
    period_end: datetime.date | None
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    vat_amount: Decimal


class InvoiceDetailOut(InvoiceOut):
    lines: list[InvoiceLineOut]
    credit_reason: str

    @staticmethod
    def resolve_lines(obj: Invoice) -> list:
        return list(obj.lines.all())


class MarkPaidIn(Schema):
    paid_on: datetime.date | None = None


class PaymentIn(Schema):
    amount: Decimal = Field(
        description="Including VAT, e.g. 12.50; more than is open becomes credit."
    )
    method: PaymentMethod
    reference: str = Field(
        description="The payment's reference (bank statement line, transaction id). A reference "
        "booked before books nothing again: the existing payment is returned with 200."
    )
    paid_on: datetime.date | None = Field(None, description="Default: today.")
    kind: PaymentKind = Field(PaymentKind.PAYMENT, description="payment, refund or chargeback.")


class PaymentOut(Schema):
    id: int
    invoice_id: int
    kind: PaymentKind
    amount: Decimal
    method: PaymentMethod
    provider: str
    reference: str
    paid_on: datetime.date
    actor_label: str
    created_at: datetime.datetime


class CancelIn(Schema):
    reason: str = ""


class CreditLineIn(Schema):
    invoice_line_id: int
    amount: Decimal | None = None


class CreditNoteIn(Schema):
    lines: list[CreditLineIn] | None = None
    reason: str


class PayOut(Schema):
    checkout_url: str
    # Mollie's payment id (tr_...).
    payment_id: str
    status: str


def invoice_for_request(request: HttpRequest, invoice_id: int) -> Invoice:
    """The invoice if the token may see it; 404 otherwise (also for another client's)."""
    if request.user.is_staff:
        return queries.invoice_get(invoice_id=invoice_id)
    if request.client is None:
        raise HttpError(404, "Not Found")
    return queries.invoice_get_for_client(client=request.client, invoice_id=invoice_id)


@router.get("", response=list[InvoiceOut])
@paginate(Pages, page_size=50)
def list_invoices(
    request: HttpRequest,
    status: InvoiceStatus | None = None,
    client_id: int | None = None,
    kind: InvoiceKind | None = None,
):
    if request.user.is_staff:
        return queries.invoice_list(status=status or "", kind=kind or "", client_id=client_id)
    if request.client is None:
        return Invoice.objects.none()
    # A client token sees its own invoices only; a client_id filter cannot widen that.
    invoices = queries.invoice_list_for_client(
        client=request.client, status=status or "", kind=kind or ""
    )
    if client_id is not None and client_id != request.client.pk:
        return invoices.none()
    return invoices


@router.get("/{invoice_id}", response=InvoiceDetailOut)
def get_invoice(request: HttpRequest, invoice_id: int):
    return invoice_for_request(request, invoice_id)


@router.get(
    "/{invoice_id}/pdf",
    summary="Invoice PDF",
    description=(
        "The invoice or credit note as a PDF/A-3b document in the client's language, as it is "
        "attached to the invoice e-mail."
    ),
    openapi_extra={
        "responses": {
            200: {
                "description": "The PDF document.",
                "content": {PDF_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            },
            404: {"description": "No such invoice, or another client's."},
        }
    },
)
def get_invoice_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:
    return invoice_pdf_response(invoice=invoice_for_request(request, invoice_id))


@router.post("/{invoice_id}/mark-paid", response=InvoiceDetailOut)
def mark_invoice_paid(request: HttpRequest, invoice_id: int, payload: MarkPaidIn):
    require_staff(request)
    invoice = get_object_or_404(Invoice, pk=invoice_id)
    try:
        invoice_mark_paid(actor=request.actor, invoice=invoice, paid_on=payload.paid_on)
    except InvoiceRefused as refused:
        raise HttpError(409, refused.message)
    return queries.invoice_get(invoice_id=invoice_id)


@router.post("/{invoice_id}/cancel", response=InvoiceDetailOut)
def cancel_invoice(request: HttpRequest, invoice_id: int, payload: CancelIn):
    require_staff(request)
    invoice = get_object_or_404(Invoice, pk=invoice_id)
    try:
        invoice_cancel(actor=request.actor, invoice=invoice, reason=payload.reason)
    except InvoiceRefused as refused:
        raise HttpError(409, refused.message)
    return queries.invoice_get(invoice_id=invoice_id)


@router.post("/{invoice_id}/credit-notes", response={201: InvoiceDetailOut})
def create_credit_note(request: HttpRequest, invoice_id: int, payload: CreditNoteIn):
    """Credit lines of a paid invoice (all of them when `lines` is null) with a credit note."""
    require_staff(request)
    invoice = get_object_or_404(Invoice, pk=invoice_id)
    lines = (
        None
        if payload.lines is None
        else [
            CreditRequest(line_id=line.invoice_line_id, amount=line.amount)
            for line in payload.lines
        ]
    )
    try:
        note = credit_note_create(
            actor=request.actor, invoice=invoice, lines=lines, reason=payload.reason
        )
    except CreditNoteInvalid as invalid:
        if invalid.field == "invoice":
            raise HttpError(409, invalid.message) from None
        *within, field = invalid.field.split(".")
        location = ("body", *(int(part) if part.isdigit() else part for part in within))
        raise field_error(field, invalid.message, prefix=location) from None
    return Status(201, queries.invoice_get(invoice_id=note.pk))


@router.get("/{invoice_id}/payments", response=list[PaymentOut])
def list_payments(request: HttpRequest, invoice_id: int):
    """The payments, refunds and chargebacks booked on the invoice, oldest first."""
    invoice = invoice_for_request(request, invoice_id)
    return list(queries.invoice_payments(invoice=invoice))


@router.post("/{invoice_id}/payments", response={200: PaymentOut, 201: PaymentOut})
def add_payment(request: HttpRequest, invoice_id: int, payload: PaymentIn):
    """Book a payment (or refund) received outside Hostwerk's payment provider (staff only)."""
    require_staff(request)
    invoice = get_object_or_404(Invoice, pk=invoice_id)
    try:
        booking = payment_book(
            actor=request.actor,
            invoice=invoice,
            amount=payload.amount,
            method=payload.method,
            reference=payload.reference,
            kind=payload.kind,
            paid_on=payload.paid_on,
        )
    except PaymentInvalid as invalid:
        if invalid.field == "invoice":
            raise HttpError(409, invalid.message) from None
        raise field_error(invalid.field, invalid.message) from None
    return Status(201 if booking.created else 200, booking.payment)


@router.post("/{invoice_id}/pay", response=PayOut)
def pay_invoice(request: HttpRequest, invoice_id: int):
    """Start paying the invoice's open amount with iDEAL through Mollie; send the client to
    `checkout_url`. While that payment is open, calling again returns the same one."""
    invoice = invoice_for_request(request, invoice_id)
    try:
        payment = mollie_payment_start(actor=request.actor, invoice=invoice)
    except OnlinePaymentRefused as refused:
        raise HttpError(503 if refused.code == "not_configured" else 409, refused.message)
    except TransientError as error:
        raise HttpError(503, error.message)
    except PermanentError as error:
        raise HttpError(502, error.message)
    return {
        "checkout_url": payment.checkout_url,
        "payment_id": payment.mollie_id,
        "status": payment.status,
    }
