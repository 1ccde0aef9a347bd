"""Client area invoices: always the request's own client, through client-scoped queries."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hostwerk.accounts.request import ClientRequest
from hostwerk.billing import documents, queries
from hostwerk.billing.models import MolliePaymentStatus
from hostwerk.billing.mollie_payments import (
    OnlinePaymentRefused,
    mollie_enabled,
    mollie_payment_start,
    mollie_payment_sync,
)
from hostwerk.core import clock
from hostwerk.core.errors import RemoteError
from hostwerk.core.pages import paginate
from hostwerk.portal.decorators import client_required

logger = logging.getLogger(__name__)


@client_required
def invoice_list(request: ClientRequest) -> HttpResponse:
    page = paginate(request, queries.invoice_list_for_client(client=request.client))
    return render(
        request,
        "portal/billing/list.html",
        {"nav": "invoices", "page_obj": page, "today": clock.today()},
    )


@client_required
def invoice_detail(request: ClientRequest, invoice_id: int) -> HttpResponse:
    invoice = queries.invoice_get_for_client(client=request.client, invoice_id=invoice_id)
    return render(
        request,
        "portal/billing/detail.html",
        {
            "nav": "invoices",
            **queries.invoice_document(invoice=invoice),
            "pay_online": mollie_enabled() and invoice.amount_due > 0,
        },
    )


@client_required
def invoice_pay(request: ClientRequest, invoice_id: int) -> HttpResponse:
    """GET (the e-mail's link): what is to be paid, with the button; POST: start the payment at
    Mollie and send the client to its checkout."""
    invoice = queries.invoice_get_for_client(client=request.client, invoice_id=invoice_id)
    if request.method != "POST":
        return render(
            request,
            "portal/billing/pay.html",
            {"nav": "invoices", "invoice": invoice, "pay_online": mollie_enabled()},
        )
    try:
        payment = mollie_payment_start(actor=request.actor, invoice=invoice)
    except OnlinePaymentRefused as refused:
        messages.warning(request, refused.message)
        return redirect("portal:invoice_detail", invoice_id=invoice.pk)
    except RemoteError as error:
        logger.warning("starting a Mollie payment for %s failed: %s", invoice, error)
        messages.error(
            request,
            _("The payment could not be started; please try again in a few minutes."),
        )
        return redirect("portal:invoice_detail", invoice_id=invoice.pk)
    return redirect(payment.checkout_url)


@client_required
def invoice_payment_return(request: ClientRequest, invoice_id: int) -> HttpResponse:
    """Where Mollie sends the client back. The address says nothing about the outcome: the
    status is asked from Mollie (and applied, as the webhook would) before it is shown."""
    invoice = queries.invoice_get_for_client(client=request.client, invoice_id=invoice_id)
    payment = queries.invoice_latest_mollie_payment(invoice=invoice)
    checked = True
    if payment is not None and not payment.is_final:
        try:
            payment = mollie_payment_sync(actor=request.actor, mollie_id=payment.mollie_id)
        except (RemoteError, OnlinePaymentRefused) as error:
            logger.warning("checking Mollie payment %s failed: %s", payment, error)
            checked = False
        invoice = queries.invoice_get_for_client(client=request.client, invoice_id=invoice_id)
    return render(
        request,
        "portal/billing/payment_return.html",
        {
            "nav": "invoices",
            "invoice": invoice,
            "payment": payment,
            "checked": checked,
            "waiting": payment is not None
            and payment.status in (MolliePaymentStatus.OPEN, MolliePaymentStatus.PENDING),
            "pay_online": mollie_enabled() and invoice.amount_due > 0,
        },
    )


@client_required
def invoice_pdf(request: ClientRequest, invoice_id: int) -> HttpResponse:
    """The client's own invoice as a PDF download; another client's is a 404."""
    invoice = queries.invoice_get_for_client(client=request.client, invoice_id=invoice_id)
    return documents.invoice_pdf_response(invoice=invoice)
