"""Staff area: services, their remote state and lifecycle actions."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hostwerk.accounts.request import StaffRequest
from hostwerk.core.errors import HostwerkError
from hostwerk.core.pages import paginate
from hostwerk.drift.queries import differences_of_service
from hostwerk.provisioning import queries
from hostwerk.provisioning.actions import (
    ServiceRefused,
    service_change_package,
    service_change_password,
    service_suspend,
    service_terminate,
    service_unsuspend,
)
from hostwerk.provisioning.models import ServiceStatus
from hostwerk.provisioning.remote_errors import remote_error_message
from hostwerk.staff.decorators import staff_required


class ServiceFilterForm(forms.Form):
    q = forms.CharField(required=False, label=gettext_lazy("Search"))
    status = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("all statuses")), *ServiceStatus.choices],
    )
    server = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


@staff_required
def service_list(request: StaffRequest) -> HttpResponse:
    filters = ServiceFilterForm(request.GET)
    values = filters.cleaned_data if filters.is_valid() else {}
    page = paginate(
        request,
        queries.service_search(
            query=values.get("q", ""),
            status=values.get("status", ""),
            server_id=values.get("server"),
        ),
    )
    return render(
        request,
        "staff/services/list.html",
        {"nav": "services", "filters": filters, "page_obj": page},
    )


def service_detail_context(service, *, billing_form=None, cancellation_form=None) -> dict:
    """The staff service page: facts, billing (form and open cancellation), audit trail."""
    from hostwerk.billing import queries as billing_queries
    from hostwerk.billing.forms import CancellationForm, ServiceBillingForm

    return {
        "nav": "services",
        "service": service,
        "events": queries.service_audit_trail(service=service)[:50],
        "billing_form": billing_form
        or ServiceBillingForm(
            initial={
                "next_due_date": service.next_due_date,
                "recurring_amount": service.recurring_amount,
                "billing_cycle": service.billing_cycle,
                "no_suspend_until": service.no_suspend_until,
            }
        ),
        "cancellation_form": cancellation_form or CancellationForm(),
        "cancellation": billing_queries.service_open_cancellation(service=service),
        "billing_lines": billing_queries.service_invoice_lines(service=service)[:10],
        "differences": list(differences_of_service(service=service)),
    }


@staff_required
def service_detail(request: StaffRequest, service_id: int) -> HttpResponse:
    service = queries.service_get(service_id=service_id)
    return render(request, "staff/services/detail.html", service_detail_context(service))


ACTIONS = {
    "suspend": (service_suspend, gettext_lazy("Service suspended.")),
    "unsuspend": (service_unsuspend, gettext_lazy("Service unsuspended.")),
    "terminate": (service_terminate, gettext_lazy("Service terminated.")),
}


@require_POST
@staff_required
def service_action(request: StaffRequest, service_id: int, action: str) -> HttpResponse:
    if action not in (*ACTIONS, "change_package", "change_password"):
        raise Http404
    service = queries.service_get(service_id=service_id)
    try:
        if action == "change_package":
            plan = request.POST.get("plan", "").strip()
            if not plan:
                messages.error(request, _("Enter the name of the Plesk service plan to switch to."))
                return redirect("staff:service_detail", service_id=service.pk)
            service_change_package(actor=request.actor, service=service, plan=plan)
            messages.success(request, _("Package changed to %(plan)s.") % {"plan": plan})
        elif action == "change_password":
            service_change_password(actor=request.actor, service=service)
            messages.success(
                request, _("A new password was set; the client sees it once in the client area.")
            )
        else:
            function, done = ACTIONS[action]
            function(actor=request.actor, service=service)
            messages.success(request, done)
    except (ServiceRefused, HostwerkError) as error:
        messages.error(request, remote_error_message(error))
    return redirect("staff:service_detail", service_id=service.pk)
