"""Client area views: always for request.client, never for an id the visitor chooses."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hostwerk.accounts.impersonation import impersonation_stop
from hostwerk.accounts.models import ClientArea
from hostwerk.accounts.request import ClientRequest
from hostwerk.clients.actions import client_update
from hostwerk.clients.forms import ClientContactForm
from hostwerk.portal import queries
from hostwerk.portal.decorators import client_required


@client_required
def dashboard(request: ClientRequest) -> HttpResponse:
    return render(
        request,
        "portal/dashboard.html",
        {
            "nav": "dashboard",
            "may_billing": ClientArea.BILLING in request.client_areas,
            "may_technical": ClientArea.TECHNICAL in request.client_areas,
            **queries.portal_dashboard_figures(client=request.client),
        },
    )


@client_required
def profile(request: ClientRequest) -> HttpResponse:
    form = ClientContactForm(request.POST or None, instance=request.client)
    if request.method == "POST" and form.is_valid():
        client_update(actor=request.actor, client=request.client, values=form.cleaned_data)
        messages.success(request, _("Your details have been saved."))
        return redirect("portal:profile")
    return render(request, "portal/profile.html", {"nav": "profile", "form": form})


@require_POST
def stop_impersonating(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated or not request.user.is_staff:
        return redirect("portal:login")
    client = impersonation_stop(request=request)
    if client is None:
        return redirect("staff:dashboard")
    return redirect("staff:client_detail", client_id=client.pk)
