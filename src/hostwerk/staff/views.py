"""Staff area views: each one reads through queries, writes through actions, and renders."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hostwerk.accounts.actions import (
    ClientUserInvalid,
    client_create_with_login,
    client_user_create,
    client_user_remove,
    login_link_send,
)
from hostwerk.accounts.forms import ClientUserForm, StaffClientCreateForm
from hostwerk.accounts.impersonation import ImpersonationRefused, impersonation_start
from hostwerk.accounts.models import LoginLinkPurpose
from hostwerk.accounts.request import StaffRequest
from hostwerk.clients import queries as client_queries
from hostwerk.clients.actions import client_update
from hostwerk.clients.forms import ClientSearchForm, StaffClientForm
from hostwerk.core.pages import paginate
from hostwerk.core.redirects import next_target, next_value
from hostwerk.staff import queries
from hostwerk.staff.decorators import staff_required


@staff_required
def dashboard(request: StaffRequest) -> HttpResponse:
    return render(
        request, "staff/dashboard.html", {"nav": "dashboard", **queries.staff_dashboard_figures()}
    )


@staff_required
def client_list(request: StaffRequest) -> HttpResponse:
    search = ClientSearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    page = paginate(request, client_queries.client_search(query=query))
    template = "staff/clients/_table.html" if request.htmx else "staff/clients/list.html"
    return render(
        request,
        template,
        {"nav": "clients", "search": search, "query": query, "page_obj": page},
    )


@staff_required
def client_create_view(request: StaffRequest) -> HttpResponse:
    form = StaffClientCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        invite = values.pop("invite")
        client = client_create_with_login(actor=request.actor, values=values, invite=invite)
        messages.success(request, _("Client %(name)s created.") % {"name": client.display_name})
        if invite:
            messages.info(
                request,
                _("An invitation to choose a password was sent to %(email)s.")
                % {"email": client.email},
            )
        return redirect("staff:client_detail", client_id=client.pk)
    return render(request, "staff/clients/form.html", {"nav": "clients", "form": form})


@staff_required
def client_detail(request: StaffRequest, client_id: int) -> HttpResponse:
    client = client_queries.client_get(client_id=client_id)
    return render(
        request,
        "staff/clients/detail.html",
        {
            "nav": "clients",
            "client": client,
            "events": client_queries.client_audit_trail(client=client)[:50],
            **queries.client_overview(client=client),
        },
    )


@staff_required
def client_edit(request: StaffRequest, client_id: int) -> HttpResponse:
    client = client_queries.client_get(client_id=client_id)
    form = StaffClientForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        client_update(actor=request.actor, client=client, values=form.cleaned_data)
        messages.success(request, _("Changes saved."))
        # From an order's "fix it here": back to the order, to accept again.
        return redirect(next_target(request, reverse("staff:client_detail", args=[client.pk])))
    return render(
        request,
        "staff/clients/form.html",
        {"nav": "clients", "form": form, "client": client, "next": next_value(request)},
    )


@staff_required
def client_user_add(request: StaffRequest, client_id: int) -> HttpResponse:
    client = client_queries.client_get(client_id=client_id)
    form = ClientUserForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            user = client_user_create(
                actor=request.actor,
                client=client,
                email=form.cleaned_data["email"],
                access=form.cleaned_data["permissions"],
                invite=form.cleaned_data["invite"],
            )
        except ClientUserInvalid as refused:
            form.add_error(refused.field or None, refused.message)
        else:
            messages.success(request, _("Login %(email)s added.") % {"email": user.email})
            return redirect(reverse("staff:client_detail", args=[client.pk]) + "#logins")
    return render(
        request, "staff/clients/user_form.html", {"nav": "clients", "form": form, "client": client}
    )


@require_POST
@staff_required
def client_user_remove_view(request: StaffRequest, client_id: int, user_id: int) -> HttpResponse:
    client = client_queries.client_get(client_id=client_id)
    user = get_object_or_404(client.users, pk=user_id)
    try:
        client_user_remove(actor=request.actor, user=user)
    except ClientUserInvalid as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Login %(email)s removed.") % {"email": user.email})
    return redirect(reverse("staff:client_detail", args=[client.pk]) + "#logins")


@require_POST
@staff_required
def client_user_send_link(request: StaffRequest, client_id: int, user_id: int) -> HttpResponse:
    """ "Send password reset" (or, for a login that never chose one, the invitation again)."""
    client = client_queries.client_get(client_id=client_id)
    user = get_object_or_404(client.users, pk=user_id)
    purpose = (
        LoginLinkPurpose.PASSWORD_RESET
        if user.has_usable_password()
        else LoginLinkPurpose.INVITATION
    )
    login_link_send(actor=request.actor, user=user, purpose=purpose)
    if purpose == LoginLinkPurpose.INVITATION:
        message = _("A new invitation was sent to %(email)s.")
    else:
        message = _("A link to choose a new password was sent to %(email)s.")
    messages.success(request, message % {"email": user.email})
    return redirect(reverse("staff:client_detail", args=[client.pk]) + "#logins")


@require_POST
@staff_required
def client_impersonate(request: StaffRequest, client_id: int) -> HttpResponse:
    client = client_queries.client_get(client_id=client_id)
    try:
        impersonation_start(request=request, client=client)
    except ImpersonationRefused:
        messages.error(request, _("You do not have permission to log in as a client."))
        return redirect("staff:client_detail", client_id=client.pk)
    return redirect("portal:dashboard")


# Sections whose screens arrive with later work; each says what it will hold.
PLACEHOLDERS = {
    "orders": (
        "bi-cart3",
        gettext_lazy("Orders"),
        gettext_lazy(
            "Orders from the client area, impersonation and staff entry will be listed here."
        ),
        [
            gettext_lazy("Filters by status, channel, client and date"),
            gettext_lazy("Acceptance with a per-item plan"),
        ],
    ),
    "services": (
        "bi-box-seam",
        gettext_lazy("Services"),
        gettext_lazy("Hosting, forwarding and mail filtering services will be listed here."),
        [gettext_lazy("Suspend, unsuspend, terminate, change package")],
    ),
    "domains": (
        "bi-globe2",
        gettext_lazy("Domains"),
        gettext_lazy("Domain names with registrar, status and expiry will be listed here."),
        [gettext_lazy("Renew, sync, update name servers")],
    ),
    "dns": (
        "bi-diagram-3",
        gettext_lazy("DNS"),
        gettext_lazy("DNS zones, records, templates and their history will be managed here."),
        [gettext_lazy("Zones follow the hosting server")],
    ),
    "mail": (
        "bi-envelope",
        gettext_lazy("Mail"),
        gettext_lazy(
            "Mailboxes with their spam filter state and mail filtering requests will be here."
        ),
        [gettext_lazy("SpamExperts confirmation and MX switch-over")],
    ),
    "billing": (
        "bi-receipt",
        gettext_lazy("Billing"),
        gettext_lazy("Invoices with their status, VAT and due date will be listed here."),
        [gettext_lazy("Mark paid, cancel, send again")],
    ),
}


@staff_required
def placeholder(request: StaffRequest, section: str) -> HttpResponse:
    icon, title, intro, coming = PLACEHOLDERS[section]
    return render(
        request,
        "staff/placeholder.html",
        {"nav": section, "icon": icon, "title": title, "intro": intro, "coming": coming},
    )
