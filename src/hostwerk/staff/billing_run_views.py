"""Staff area: the billing run (last runs, a preview of the next, run a day), the domains to be
cancelled, a service's billing and cancellation, and credit notes."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hostwerk.accounts.request import StaffRequest
from hostwerk.billing import queries
from hostwerk.billing.credit_notes import CreditNoteInvalid, credit_note_create
from hostwerk.billing.domain_work import domains_to_cancel
from hostwerk.billing.forms import (
    BillingRunForm,
    CancellationForm,
    CreditNoteForm,
    ServiceBillingForm,
)
from hostwerk.billing.lifecycle import cancellation_withdraw
from hostwerk.billing.models import BillingRun, CancellationRequest
from hostwerk.billing.run import billing_preview, billing_run_queue
from hostwerk.billing.service_billing import ServiceBillingInvalid, service_billing_update
from hostwerk.core import clock
from hostwerk.core.errors import HostwerkError
from hostwerk.domains.cancellation import domain_cancel
from hostwerk.provisioning import queries as service_queries
from hostwerk.staff.billing_views import invoice_detail_page
from hostwerk.staff.decorators import staff_required

RECENT_RUNS = 20


@staff_required
def billing_runs(request: StaffRequest) -> HttpResponse:
    """GET: the last runs, and what a run of the chosen day would do (`billing_run_preview`,
    loaded after the page: it reads every due service, invoice and domain); POST: queue that
    run."""
    form, day = _day_chosen(request.POST or request.GET or None)
    if request.method == "POST" and form.is_valid():
        billing_run_queue(actor=request.actor, day=day)
        messages.success(
            request,
            _("The billing run for %(day)s is queued; it appears below when it is done.")
            % {"day": day.isoformat()},
        )
        return redirect("staff:billing_runs")
    return render(request, "staff/billing/runs.html", _runs_context(form, day))


@staff_required
def billing_run_preview(request: StaffRequest) -> HttpResponse:
    """What a run of the chosen day would do and the domains to cancel: the part of the billing
    run page that htmx loads once the page is shown, or the whole page with it (no script)."""
    form, day = _day_chosen(request.GET or None)
    context = {
        **_runs_context(form, day),
        "preview": billing_preview(day),
        "to_cancel": list(domains_to_cancel(day)[:100]),
    }
    template = "staff/billing/_run_preview.html" if request.htmx else "staff/billing/runs.html"
    return render(request, template, context)


def _day_chosen(data) -> tuple[BillingRunForm, datetime.date]:
    """The day form and the day it names; today when none or a bad one was given."""
    form = BillingRunForm(data, initial={"day": clock.today()})
    return form, form.cleaned_data["day"] if form.is_bound and form.is_valid() else clock.today()


def _runs_context(form: BillingRunForm, day: datetime.date) -> dict:
    return {
        "nav": "billing",
        "form": form,
        "day": day,
        "runs": BillingRun.objects.order_by("-started_at", "-id")[:RECENT_RUNS],
    }


@require_POST
@staff_required
def domain_cancel_confirm(request: StaffRequest, domain_id: int) -> HttpResponse:
    domain = get_object_or_404(domains_to_cancel(clock.today()), pk=domain_id)
    try:
        domain_cancel(actor=request.actor, domain=domain, reason=_("not paid"))
    except HostwerkError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(domain)s is cancelled at the registry.") % {"domain": domain.name_unicode},
        )
    return redirect("staff:billing_runs")


def _service_page(request: StaffRequest, service, *, billing_form=None, cancellation_form=None):
    from hostwerk.staff.service_views import service_detail_context

    return render(
        request,
        "staff/services/detail.html",
        service_detail_context(
            service, billing_form=billing_form, cancellation_form=cancellation_form
        ),
        status=422 if billing_form or cancellation_form else 200,
    )


@require_POST
@staff_required
def service_billing(request: StaffRequest, service_id: int) -> HttpResponse:
    service = service_queries.service_get(service_id=service_id)
    form = ServiceBillingForm(request.POST)
    if form.is_valid():
        try:
            service_billing_update(actor=request.actor, service=service, values=form.cleaned_data)
        except ServiceBillingInvalid as invalid:
            form.add_error(invalid.field if invalid.field in form.fields else None, invalid.message)
        else:
            messages.success(request, _("Billing of the service saved."))
            return redirect("staff:service_detail", service_id=service.pk)
    return _service_page(request, service, billing_form=form)


@require_POST
@staff_required
def service_cancellation(request: StaffRequest, service_id: int) -> HttpResponse:
    service = service_queries.service_get(service_id=service_id)
    form = CancellationForm(request.POST)
    cancellation = form.submit(actor=request.actor, service=service)
    if cancellation is not None:
        messages.success(
            request, _("The service ends on %(day)s.") % {"day": cancellation.ends_on.isoformat()}
        )
        return redirect("staff:service_detail", service_id=service.pk)
    return _service_page(request, service, cancellation_form=form)


@require_POST
@staff_required
def cancellation_withdraw_view(request: StaffRequest, cancellation_id: int) -> HttpResponse:
    cancellation = get_object_or_404(CancellationRequest, pk=cancellation_id)
    cancellation_withdraw(actor=request.actor, request=cancellation)
    messages.success(request, _("The cancellation is withdrawn."))
    return redirect("staff:service_detail", service_id=cancellation.service_id)


@require_POST
@staff_required
def invoice_credit_note(request: StaffRequest, invoice_id: int) -> HttpResponse:
    invoice = queries.invoice_get(invoice_id=invoice_id)
    form = CreditNoteForm(request.POST, lines=invoice.lines.all())
    if form.is_valid():
        wanted = form.credit_requests()
        try:
            note = credit_note_create(
                actor=request.actor,
                invoice=invoice,
                lines=wanted,
                reason=form.cleaned_data["reason"],
            )
        except CreditNoteInvalid as invalid:
            field = invalid.field
            if field.startswith("lines.") and field.endswith(".amount"):
                line_id = wanted[int(field.split(".")[1])].line_id
                form.add_error(f"line_{line_id}", invalid.message)
            else:
                form.add_error("reason" if field == "reason" else None, invalid.message)
        else:
            messages.success(request, _("Credit note %(number)s issued.") % {"number": note.number})
            return redirect("staff:invoice_detail", invoice_id=note.pk)
    return invoice_detail_page(request, invoice, credit_form=form)
