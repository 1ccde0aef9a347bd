"""Staff bulk work: the action bar of the order, invoice, domain and mailbox lists posts here;
the run's page shows each object's outcome, polled with htmx while jobs are running."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from hostwerk.accounts.request import StaffRequest
from hostwerk.billing.bulk import invoices_remind
from hostwerk.billing.documents import invoices_pdf_zip_response
from hostwerk.billing.models import Invoice
from hostwerk.core.bulk import (
    BULK_LIMIT,
    BulkRefused,
    bulk_progress,
    bulk_run_get,
    bulk_run_items,
)
from hostwerk.core.models import BulkAction
from hostwerk.domains.bulk import domains_sync_later
from hostwerk.domains.models import Domain
from hostwerk.mail.bulk import mailboxes_spam_filter_fix_later
from hostwerk.mail.models import Mailbox
from hostwerk.orders.bulk import orders_accept_later, orders_cancel
from hostwerk.orders.models import Order
from hostwerk.staff.decorators import staff_required

# What each list's action bar offers: (action, button label, icon, question asked first).
ORDER_BULK_ACTIONS = [
    ("accept", _("Accept"), "bi-check2-all", ""),
    ("cancel", _("Cancel"), "bi-x-circle", _("Cancel the selected orders?")),
]
INVOICE_BULK_ACTIONS = [
    ("remind", _("Send reminder"), "bi-envelope-exclamation", ""),
    ("pdf", _("Download PDFs"), "bi-file-earmark-pdf", ""),
]
# At most this many invoices in one download: each PDF is rendered while staff wait.
PDF_DOWNLOAD_LIMIT = 100
DOMAIN_BULK_ACTIONS = [("sync", _("Sync with registry"), "bi-arrow-repeat", "")]
MAILBOX_BULK_ACTIONS = [("spam_filter_on", _("Switch spam filter on"), "bi-shield-check", "")]


@dataclass(frozen=True)
class BulkChoice:
    objects: Callable[[], QuerySet]
    start: Callable  # (actor, objects, back_url) -> BulkRun
    list_url: str


BULK_CHOICES = {
    ("orders", "accept"): BulkChoice(
        objects=lambda: Order.objects.select_related("client"),
        start=lambda actor, objects, back: orders_accept_later(
            actor=actor, orders=objects, back_url=back
        ),
        list_url="staff:order_list",
    ),
    ("orders", "cancel"): BulkChoice(
        objects=lambda: Order.objects.select_related("client"),
        start=lambda actor, objects, back: orders_cancel(
            actor=actor, orders=objects, back_url=back
        ),
        list_url="staff:order_list",
    ),
    ("invoices", "remind"): BulkChoice(
        objects=lambda: Invoice.objects.all(),
        start=lambda actor, objects, back: invoices_remind(
            actor=actor, invoices=objects, back_url=back
        ),
        list_url="staff:invoice_list",
    ),
    ("domains", "sync"): BulkChoice(
        objects=lambda: Domain.objects.all(),
        start=lambda actor, objects, back: domains_sync_later(
            actor=actor, domains=objects, back_url=back
        ),
        list_url="staff:domain_list",
    ),
    ("mailboxes", "spam_filter_on"): BulkChoice(
        objects=lambda: Mailbox.objects.all(),
        start=lambda actor, objects, back: mailboxes_spam_filter_fix_later(
            actor=actor, mailboxes=objects, back_url=back
        ),
        list_url="staff:mail_mailbox_list",
    ),
}


NAV: dict[str, str] = {
    BulkAction.ORDER_ACCEPT: "orders",
    BulkAction.ORDER_CANCEL: "orders",
    BulkAction.INVOICE_REMIND: "billing",
    BulkAction.DOMAIN_SYNC: "domains",
    BulkAction.MAILBOX_SPAM_FILTER_ON: "mail",
}


@require_POST
@staff_required
def bulk_start(request: StaffRequest, kind: str) -> HttpResponse:
    if (kind, request.POST.get("action", "")) == ("invoices", "pdf"):
        return _invoices_pdf_download(request)
    choice = BULK_CHOICES.get((kind, request.POST.get("action", "")))
    if choice is None:
        raise Http404("no such bulk action")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse(choice.list_url)
    ids = sorted({int(value) for value in request.POST.getlist("selected") if value.isdigit()})
    # One more than the limit is fetched so that the run refuses too many with its reason.
    objects = list(choice.objects().filter(pk__in=ids[: BULK_LIMIT + 1]).order_by("pk"))
    try:
        run = choice.start(request.actor, objects, back)
    except BulkRefused as refused:
        messages.error(request, refused.message)
        return redirect(back)
    return redirect("staff:bulk_run", run_id=run.pk)


def _invoices_pdf_download(request: StaffRequest) -> HttpResponse:
    ids = sorted({int(value) for value in request.POST.getlist("selected") if value.isdigit()})
    if not ids or len(ids) > PDF_DOWNLOAD_LIMIT:
        messages.error(
            request,
            _("Select between 1 and %(limit)d invoices to download.")
            % {"limit": PDF_DOWNLOAD_LIMIT},
        )
        return redirect("staff:invoice_list")
    invoices = list(Invoice.objects.filter(pk__in=ids).select_related("client").order_by("pk"))
    return invoices_pdf_zip_response(invoices=invoices)


@staff_required
def bulk_run_view(request: StaffRequest, run_id: int) -> HttpResponse:
    run = bulk_run_get(run_id=run_id)
    items = bulk_run_items(run=run)
    context = {
        "nav": NAV.get(run.action, ""),
        "run": run,
        "items": items,
        "progress": bulk_progress(items),
    }
    if request.htmx:
        return render(request, "staff/bulk/_progress.html", context)
    return render(request, "staff/bulk/run.html", context)
