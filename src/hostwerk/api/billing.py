"""API: invoices and their PDF documents. Staff tokens see every invoice and may mark paid or
cancel; client tokens see only their own client's invoices (another client's is a 404)."""

# No `from __future__ import annotations` here: ninja builds the query-parameter model from the
# InvoiceStatus annotation at import time and cannot resolve it from a string.
import datetime
from decimal import Decimal
from typing import Annotated

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from hostwerk.accounts.models import ClientArea
from hostwerk.accounts.request import ApiRequest
from hostwerk.api.auth import TokenAuth, require_staff
from hostwerk.api.errors import field_error
from hostwerk.api.schemas import InvoiceId, Pages
from hostwerk.billing import queries
from hostwerk.billing.actions import InvoiceRefused, invoice_cancel, invoice_mark_paid
from hostwerk.billing.credit_notes import CreditNoteInvalid, CreditRequest, credit_note_create
from hostwerk.billing.documents import PDF_CONTENT_TYPE, invoice_pdf_response
from hostwerk.billing.models import (
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    MolliePaymentStatus,
    PaymentKind,
    PaymentMethod,
    VatScheme,
)
from hostwerk.billing.mollie_payments import OnlinePaymentRefused, mollie_payment_start
from hostwerk.billing.payments import PaymentInvalid, payment_book
from hostwerk.core.errors import PermanentError, TransientError

router = Router(tags=["invoices"], auth=TokenAuth(area=ClientArea.BILLING))


class BillingAddressOut(Schema):
    name: str = Field(description="The client's name as on the invoice.")
    company: str = Field(description="The company name; empty for a private person.")
    address: str = Field(description="The postal address, lines separated by newlines.")
    country: str = Field(description="Country as an ISO 3166 code.")
    vat_number: str = Field(description="The client's VAT number; empty: none.")


class InvoiceOut(Schema):
    id: int = Field(description="The invoice's id; `invoice_id` elsewhere.")
    number: str = Field(description="The invoice number as printed, e.g. 2026-00042.")
    kind: InvoiceKind = Field(description="An invoice or a credit note.")
    credited_invoice_id: int | None = Field(
        description="For a credit note: the invoice it corrects; null for an invoice."
    )
    client_id: int = Field(description="The client it is addressed to.")
    order_id: int | None = Field(description="The order it was made for; null: none.")
    status: InvoiceStatus = Field(description="Whether it waits for payment, is paid or cancelled.")
    issued_on: datetime.date = Field(description="The invoice date.")
    due_on: datetime.date = Field(description="The date payment is due.")
    paid_on: datetime.date | None = Field(description="The date it was paid in full; null: not.")
    cancelled_at: datetime.datetime | None = Field(description="When it was cancelled; null: not.")
    currency: str = Field(description="ISO 4217 currency code, e.g. EUR.")
    vat_scheme: VatScheme = Field(description="Which VAT rule applies to the client.")
    vat_country: str = Field(description="The country whose VAT rate applies (ISO 3166).")
    vat_rate: Decimal = Field(description="The VAT rate in percent, e.g. 21.00.")
    vat_note: str = Field(description="The note printed for the VAT scheme, e.g. reverse charge.")
    subtotal: Decimal = Field(description="Total excluding VAT.")
    vat_amount: Decimal = Field(description="The VAT.")
    total: Decimal = Field(description="Total including VAT.")
    amount_paid: Decimal = Field(description="Paid so far: payments minus refunds.")
    amount_due: Decimal = Field(description="What is still to be paid; 0 once paid or cancelled.")
    billing_address: BillingAddressOut = Field(description="Who it is addressed to, as issued.")

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
    id: int = Field(description="The line's id; `invoice_line_id` of a credit note line.")
    order_item_id: int | None = Field(description="The order item it bills; null: none.")
    service_id: int | None = Field(description="The service it bills; null: none.")
    domain_id: int | None = Field(description="The domain it bills; null: none.")
    credits_line_id: int | None = Field(
        description="On a credit note: the invoice line it credits; null otherwise."
    )
    description: str = Field(description="The line's text as printed.")
    period_start: datetime.date | None = Field(description="First day of the period billed.")
    period_end: datetime.date | None = Field(
        description="Half-open: the first day after the period, which is the next due date."
    )
    quantity: Decimal = Field(description="How many.")
    unit_price: Decimal = Field(description="Price of one, excluding VAT.")
    amount: Decimal = Field(description="Quantity times unit price, excluding VAT.")
    vat_amount: Decimal = Field(description="The VAT on the line.")


class InvoiceDetailOut(InvoiceOut):
    lines: list[InvoiceLineOut] = Field(description="The invoice lines in order.")
    credit_reason: str = Field(description="For a credit note: why; empty otherwise.")

    @staticmethod
    def resolve_lines(obj: Invoice) -> list:
        return list(obj.lines.all())


class MarkPaidIn(Schema):
    paid_on: datetime.date | None = Field(None, description="The payment date; default: today.")


class PaymentIn(Schema):
    amount: Decimal = Field(
        description="Including VAT, e.g. 12.50; more than is open becomes credit."
    )
    reference: str = Field(
        description="The payment's reference (bank statement line, transaction id). A reference "
        "booked before books nothing again: the existing payment is returned with 200."
    )
    paid_on: datetime.date | None = Field(None, description="Default: today.")
    kind: PaymentKind = Field(PaymentKind.PAYMENT, description="payment, refund or chargeback.")
    method: PaymentMethod = Field(description="How the money came in (or went back).")


class PaymentOut(Schema):
    id: int = Field(description="The payment's id.")
    invoice_id: int = Field(description="The invoice it is booked on.")
    kind: PaymentKind = Field(description="A payment, a refund or a chargeback.")
    amount: Decimal = Field(description="The amount including VAT; positive for every kind.")
    method: PaymentMethod = Field(description="How the money came in (or went back).")
    provider: str = Field(description="Where it came from: mollie, or manual when booked by hand.")
    reference: str = Field(description="The payment's reference (bank line, transaction id).")
    paid_on: datetime.date = Field(description="The date of the payment.")
    actor_label: str = Field(description="Who booked it.")
    created_at: datetime.datetime = Field(description="When it was booked.")


class CancelIn(Schema):
    reason: str = Field("", description="Why the invoice is cancelled (audited).")


class CreditLineIn(Schema):
    invoice_line_id: int = Field(description="The invoice line to credit.")
    amount: Decimal | None = Field(
        None, description="How much of it, excluding VAT; null: the whole line."
    )


class CreditNoteIn(Schema):
    lines: list[CreditLineIn] | None = Field(
        None, description="The lines to credit; null: all of them."
    )
    reason: str = Field(description="Why, printed on the credit note.")


class PayOut(Schema):
    checkout_url: str = Field(description="Send the client here to pay.")
    payment_id: str = Field(description="Mollie's payment id (tr_...).")
    status: MolliePaymentStatus = Field(description="The payment's state at Mollie.")


def invoice_for_request(request: ApiRequest, invoice_id: int) -> Invoice:
    """The invoice if the token may see it; 404 otherwise (also for another client's)."""
    if request.user.is_staff:
        return queries.invoice_get(invoice_id=invoice_id)
    if request.client is None:
        raise HttpError(404, "Not Found")
    return queries.invoice_get_for_client(client=request.client, invoice_id=invoice_id)


@router.get("", response=list[InvoiceOut], summary="List invoices")
@paginate(Pages, page_size=50)
def list_invoices(
    request: ApiRequest,
    status: Annotated[
        InvoiceStatus | None, Query(description="Only invoices with this status.")
    ] = None,
    client_id: Annotated[
        int | None, Query(description="Only this client's invoices (staff).")
    ] = None,
    kind: Annotated[
        InvoiceKind | None, Query(description="Only invoices or only credit notes.")
    ] = None,
):
    """Invoices and credit notes, newest first. A client token sees its own client's only."""
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


@router.get("/{invoice_id}", response=InvoiceDetailOut, summary="Get an invoice")
def get_invoice(request: ApiRequest, invoice_id: InvoiceId):
    """One invoice or credit note with its lines; another client's is a 404."""
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
def get_invoice_pdf(request: ApiRequest, invoice_id: InvoiceId) -> HttpResponse:
    return invoice_pdf_response(invoice=invoice_for_request(request, invoice_id))


@router.post("/{invoice_id}/mark-paid", response=InvoiceDetailOut, summary="Mark paid")
def mark_invoice_paid(request: ApiRequest, invoice_id: InvoiceId, payload: MarkPaidIn):
    """Staff: book the open amount as paid; what waited for the payment goes ahead. A cancelled
    invoice: 409."""
    require_staff(request)
    invoice = get_object_or_404(Invoice, pk=invoice_id)
    try:
        invoice_mark_paid(actor=request.actor, invoice=invoice, paid_on=payload.paid_on)
    except InvoiceRefused as refused:
        raise HttpError(409, refused.message)
    return queries.invoice_get(invoice_id=invoice_id)


@router.post("/{invoice_id}/cancel", response=InvoiceDetailOut, summary="Cancel an invoice")
def cancel_invoice(request: ApiRequest, invoice_id: InvoiceId, payload: CancelIn):
    """Staff: withdraw an unpaid invoice; it keeps its number. A paid invoice: 409 (credit it)."""
    require_staff(request)
    invoice = get_object_or_404(Invoice, pk=invoice_id)
    try:
        invoice_cancel(actor=request.actor, invoice=invoice, reason=payload.reason)
    except InvoiceRefused as refused:
        raise HttpError(409, refused.message)
    return queries.invoice_get(invoice_id=invoice_id)


@router.post(
    "/{invoice_id}/credit-notes", response={201: InvoiceDetailOut}, summary="Credit an invoice"
)
def create_credit_note(request: ApiRequest, invoice_id: InvoiceId, payload: CreditNoteIn):
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


@router.get("/{invoice_id}/payments", response=list[PaymentOut], summary="List payments")
def list_payments(request: ApiRequest, invoice_id: InvoiceId):
    """The payments, refunds and chargebacks booked on the invoice, oldest first."""
    invoice = invoice_for_request(request, invoice_id)
    return list(queries.invoice_payments(invoice=invoice))


@router.post(
    "/{invoice_id}/payments", response={200: PaymentOut, 201: PaymentOut}, summary="Book a payment"
)
def add_payment(request: ApiRequest, invoice_id: InvoiceId, payload: PaymentIn):
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


@router.post("/{invoice_id}/pay", response=PayOut, summary="Pay online")
def pay_invoice(request: ApiRequest, invoice_id: InvoiceId):
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
