"""Client area: the client's services; the panel password is shown once, then only after a reset."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hostwerk.accounts.request import ClientRequest
from hostwerk.billing import queries as billing_queries
from hostwerk.billing.forms import CancellationForm
from hostwerk.core.errors import HostwerkError
from hostwerk.core.pages import paginate
from hostwerk.portal.decorators import client_required
from hostwerk.provisioning import queries
from hostwerk.provisioning.actions import (
    ServiceRefused,
    service_change_password,
    service_reveal_password,
)


@client_required
def service_list(request: ClientRequest) -> HttpResponse:
    page = paginate(request, queries.services_for_client(client=request.client))
    return render(request, "portal/services/list.html", {"nav": "services", "page_obj": page})


@client_required
def service_detail(request: ClientRequest, service_id: int) -> HttpResponse:
    service = queries.service_get_for_client(client=request.client, service_id=service_id)
    password = None
    if request.method == "POST" and request.POST.get("reveal") == "1":
        password = service_reveal_password(actor=request.actor, service=service)
        service.refresh_from_db()
    return _detail(request, service, password=password)


def _detail(request: ClientRequest, service, *, password=None, cancellation_form=None):
    return render(
        request,
        "portal/services/detail.html",
        {
            "nav": "services",
            "service": service,
            "password": password,
            "cancellation": billing_queries.service_open_cancellation(service=service),
            "cancellation_form": cancellation_form or CancellationForm(),
        },
        status=422 if cancellation_form is not None else 200,
    )


@require_POST
@client_required
def service_cancel(request: ClientRequest, service_id: int) -> HttpResponse:
    """The client asks to end the service, at the end of the paid period or now."""
    service = queries.service_get_for_client(client=request.client, service_id=service_id)
    form = CancellationForm(request.POST)
    cancellation = form.submit(actor=request.actor, service=service)
    if cancellation is not None:
        messages.success(
            request,
            _("Your cancellation is received: the service ends on %(day)s.")
            % {"day": date_format(cancellation.ends_on, "DATE_FORMAT")},
        )
        return redirect("portal:service_detail", service_id=service.pk)
    return _detail(request, service, cancellation_form=form)


@require_POST
@client_required
def service_password_reset(request: ClientRequest, service_id: int) -> HttpResponse:
    service = queries.service_get_for_client(client=request.client, service_id=service_id)
    try:
        password = service_change_password(actor=request.actor, service=service)
    except (ServiceRefused, HostwerkError) as error:
        messages.error(request, str(error))
        return redirect("portal:service_detail", service_id=service.pk)
    service.refresh_from_db()
    service_reveal_password(actor=request.actor, service=service)
    messages.success(
        request,
        _(
            "Your new password is shown below, once. Write it down or store it in a password manager."
        ),
    )
    return _detail(request, service, password=password)
