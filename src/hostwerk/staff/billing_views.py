"""Staff billing screens: invoice list with filters, invoice page, payments, cancel, send again."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hostwerk.accounts.request import StaffRequest
from hostwerk.billing import documents, queries
from hostwerk.billing.actions import (
    InvoiceRefused,
    invoice_cancel,
    invoice_send_email,
)
from hostwerk.billing.forms import (
    CreditNoteForm,
    InvoiceCancelForm,
    InvoiceFilterForm,
    PaymentFilterForm,
    PaymentForm,
)
from hostwerk.billing.models import InvoiceStatus
from hostwerk.billing.payments import PaymentInvalid, payment_book
from hostwerk.core import clock
from hostwerk.core.pages import paginate
from hostwerk.staff.bulk_views import INVOICE_BULK_ACTIONS
from hostwerk.staff.decorators import staff_required


@staff_required
def invoice_list(request: StaffRequest) -> HttpResponse:
    filters = InvoiceFilterForm(request.GET)
    arguments = filters.filters()
    page = paginate(request, queries.invoice_list(**arguments))
    template = "staff/billing/_table.html" if request.htmx else "staff/billing/list.html"
    return render(
        request,
        template,
        {
            "nav": "billing",
            "filters": filters,
            "filtered": any(arguments.values()),
            "filter_client": queries.invoice_client_filter(client_id=arguments.get("client_id")),
            "page_obj": page,
            "today": clock.today(),
            "bulk_actions": INVOICE_BULK_ACTIONS,
        },
    )


@staff_required
def payment_list(request: StaffRequest) -> HttpResponse:
    filters = PaymentFilterForm(request.GET)
    payments = queries.payment_list(**filters.filters())
    return render(
        request,
        "staff/billing/payments.html",
        {
            "nav": "billing",
            "filters": filters,
            "page_obj": paginate(request, payments),
            "income": queries.payment_total(payments),
        },
    )


def invoice_detail_page(
    request: HttpRequest,
    invoice,
    *,
    credit_form: CreditNoteForm | None = None,
    payment_form: PaymentForm | None = None,
) -> HttpResponse:
    """The staff invoice page; with a credit-note or payment form that was refused, shown open
    again with what was typed."""
    document = queries.invoice_document(invoice=invoice)
    lines = document["lines"]
    refused = credit_form is not None or payment_form is not None
    return render(
        request,
        "staff/billing/detail.html",
        {
            "nav": "billing",
            **document,
            "events": queries.invoice_audit_trail(invoice=invoice)[:50],
            "payment_form": payment_form
            or PaymentForm(
                initial={
                    "kind": "payment" if invoice.amount_due else "refund",
                    "amount": invoice.amount_due or None,
                    "paid_on": clock.today(),
                    "token": uuid.uuid4().hex,
                }
            ),
            "payment_form_open": payment_form is not None,
            "payments": queries.invoice_payments(invoice=invoice),
            "cancel_form": InvoiceCancelForm(),
            "credit_form": credit_form or CreditNoteForm(lines=lines),
            "credit_form_open": credit_form is not None,
            "credit_notes": invoice.credit_notes.order_by("-year", "-sequence"),
            "today": clock.today(),
        },
        status=422 if refused else 200,
    )


@staff_required
def invoice_detail(request: StaffRequest, invoice_id: int) -> HttpResponse:
    return invoice_detail_page(request, queries.invoice_get(invoice_id=invoice_id))


@staff_required
def invoice_pdf(request: StaffRequest, invoice_id: int) -> HttpResponse:
    """The invoice as the client receives it: a PDF in the client's language."""
    return documents.invoice_pdf_response(invoice=queries.invoice_get(invoice_id=invoice_id))


@require_POST
@staff_required
def invoice_payment_add(request: StaffRequest, invoice_id: int) -> HttpResponse:
    invoice = queries.invoice_get(invoice_id=invoice_id)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        return invoice_detail_page(request, invoice, payment_form=form)
    data = form.cleaned_data
    try:
        booking = payment_book(
            actor=request.actor,
            invoice=invoice,
            amount=data["amount"],
            method=data["method"],
            reference=form.booking_reference(),
            kind=data["kind"],
            paid_on=data["paid_on"],
        )
    except PaymentInvalid as invalid:
        form.add_error(invalid.field if invalid.field in form.fields else None, invalid.message)
        return invoice_detail_page(request, invoice, payment_form=form)
    if not booking.created:
        messages.warning(
            request,
            _("This payment (reference %(reference)s) was booked before; nothing was booked again.")
            % {"reference": booking.payment.reference},
        )
    elif booking.invoice.status == InvoiceStatus.PAID and data["kind"] == "payment":
        messages.success(request, _("Invoice %(number)s is paid.") % {"number": invoice.number})
    else:
        messages.success(
            request,
            _("Booked %(amount)s; %(due)s remains open.")
            % {"amount": data["amount"], "due": booking.invoice.amount_due},
        )
    return redirect("staff:invoice_detail", invoice_id=invoice.pk)


@require_POST
@staff_required
def invoice_cancel_view(request: StaffRequest, invoice_id: int) -> HttpResponse:
    invoice = queries.invoice_get(invoice_id=invoice_id)
    form = InvoiceCancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        invoice_cancel(actor=request.actor, invoice=invoice, reason=reason)
    except InvoiceRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Invoice %(number)s cancelled.") % {"number": invoice.number})
    return redirect("staff:invoice_detail", invoice_id=invoice.pk)


@require_POST
@staff_required
def invoice_send_view(request: StaffRequest, invoice_id: int) -> HttpResponse:
    invoice = queries.invoice_get(invoice_id=invoice_id)
    try:
        email = invoice_send_email(actor=request.actor, invoice=invoice)
    except InvoiceRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("Invoice %(number)s is being sent to %(email)s.")
            % {"number": invoice.number, "email": email.to},
        )
    return redirect("staff:invoice_detail", invoice_id=invoice.pk)
