"""Staff area: the drift check's differences, with one-click repair where it is safe, and the
per-object "check against server" of a service or a domain."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from hostwerk.accounts.request import StaffRequest
from hostwerk.core.audit import audit_record
from hostwerk.core.errors import HostwerkError
from hostwerk.core.pages import paginate
from hostwerk.drift import queries
from hostwerk.drift.actions import (
    CheckRefused,
    difference_repair,
    drift_check_domain,
    drift_check_service,
)
from hostwerk.drift.models import Difference
from hostwerk.staff.decorators import staff_required


class DifferenceFilterForm(forms.Form):
    state = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Show"),
        choices=[
            ("open", gettext_lazy("open differences")),
            ("resolved", gettext_lazy("resolved")),
            ("all", gettext_lazy("all")),
        ],
    )
    system = forms.CharField(required=False, label=gettext_lazy("System"))


@staff_required
def difference_list(request: StaffRequest) -> HttpResponse:
    filters = DifferenceFilterForm(request.GET)
    values = filters.cleaned_data if filters.is_valid() else {}
    page = paginate(
        request,
        queries.difference_search(
            state=values.get("state") or "open", system=values.get("system", "")
        ),
    )
    return render(
        request,
        "staff/drift/list.html",
        {
            "nav": "drift",
            "filters": filters,
            "page_obj": page,
            "counts": queries.difference_counts(),
            "last_check": queries.last_check(),
        },
    )


@require_POST
@staff_required
def difference_repair_view(request: StaffRequest, difference_id: int) -> HttpResponse:
    try:
        difference = queries.difference_get(difference_id=difference_id)
    except Difference.DoesNotExist:
        raise Http404 from None
    try:
        difference_repair(actor=request.actor, difference=difference)
    except HostwerkError as error:
        messages.error(
            request,
            _("%(object)s was not repaired: %(error)s")
            % {"object": difference.object_label, "error": error},
        )
    else:
        messages.success(
            request,
            _("%(object)s repaired; the next check confirms it.")
            % {"object": difference.object_label},
        )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    return redirect(back or "staff:drift_list")


@require_POST
@staff_required
def drift_check_start(request: StaffRequest) -> HttpResponse:
    from django.db import transaction

    from hostwerk.drift.tasks import run_drift_check

    with transaction.atomic():
        audit_record(actor=request.actor, action="drift.check_enqueued")
        run_drift_check.enqueue()
    messages.success(request, _("The drift check runs in the background; reload in a minute."))
    return redirect("staff:drift_list")


def _checked_message(request: StaffRequest, outcome, label: str) -> None:
    for system, why in outcome.unreachable:
        messages.error(
            request,
            _("%(system)s could not be asked: %(why)s") % {"system": system, "why": why},
        )
    if outcome.unreachable:
        return
    if outcome.differences:
        messages.warning(
            request,
            ngettext(
                "%(object)s differs from the server in %(count)d way; see below.",
                "%(object)s differs from the server in %(count)d ways; see below.",
                len(outcome.differences),
            )
            % {"object": label, "count": len(outcome.differences)},
        )
    else:
        messages.success(request, _("%(object)s agrees with the server.") % {"object": label})


@require_POST
@staff_required
def service_drift_check_view(request: StaffRequest, service_id: int) -> HttpResponse:
    from hostwerk.provisioning.queries import service_get

    service = service_get(service_id=service_id)
    try:
        outcome = drift_check_service(actor=request.actor, service=service)
    except CheckRefused as refused:
        messages.error(request, str(refused))
    else:
        _checked_message(request, outcome, service.domain)
    return redirect(reverse("staff:service_detail", args=[service.pk]) + "#differences")


@require_POST
@staff_required
def domain_drift_check_view(request: StaffRequest, domain_id: int) -> HttpResponse:
    from hostwerk.domains.queries import domain_get

    domain = domain_get(domain_id=domain_id)
    try:
        outcome = drift_check_domain(actor=request.actor, domain=domain)
    except CheckRefused as refused:
        messages.error(request, str(refused))
    else:
        _checked_message(request, outcome, domain.name_unicode)
    return redirect(reverse("staff:domain_detail", args=[domain.pk]) + "#differences")
