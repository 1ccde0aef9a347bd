"""Client area invoices: always the request's own client, through client-scoped queries."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hostwerk.billing import documents, queries
from hostwerk.core import clock
from hostwerk.portal.decorators import client_required
from hostwerk.staff.context import paginate


@client_required
def invoice_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, queries.invoice_list_for_client(client=request.client))
    return render(
        request,
        "portal/billing/list.html",
        {"nav": "invoices", "page_obj": page, "today": clock.today()},
    )


@client_required
def invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = queries.invoice_get_for_client(client=request.client, invoice_id=invoice_id)
    return render(
        request,
        "portal/billing/detail.html",
        {"nav": "invoices", **queries.invoice_document(invoice=invoice)},
    )


@client_required
def invoice_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """The client's own invoice as a PDF download; another client's is a 404."""
    invoice = queries.invoice_get_for_client(client=request.client, invoice_id=invoice_id)
    return documents.invoice_pdf_response(invoice=invoice)
