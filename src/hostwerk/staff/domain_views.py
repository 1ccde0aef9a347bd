"""Staff area: domains, their registry data and EPP log, and the lifecycle actions."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hostwerk.accounts.request import StaffRequest
from hostwerk.core.pages import paginate
from hostwerk.domains import queries
from hostwerk.domains.actions import domain_nameservers_update
from hostwerk.domains.common import DomainRefused
from hostwerk.domains.forms import DomainFilterForm, NameserversForm, RenewForm, TransferForm
from hostwerk.domains.models import Domain
from hostwerk.domains.renewal import domain_renew
from hostwerk.domains.sync import domain_sync
from hostwerk.domains.tld_rules import tld_rule
from hostwerk.drift.queries import differences_of_domain
from hostwerk.orders.accept_domains import domain_registration_resend, domain_transfer_resend
from hostwerk.staff.bulk_views import DOMAIN_BULK_ACTIONS
from hostwerk.staff.decorators import staff_required


@staff_required
def domain_list(request: StaffRequest) -> HttpResponse:
    filters = DomainFilterForm(request.GET)
    values = filters.cleaned_data if filters.is_valid() else {}
    domains = queries.domain_search(
        query=values.get("q", ""),
        status=values.get("status", ""),
        expiring=values.get("expiring", False),
    )
    return render(
        request,
        "staff/domains/list.html",
        {
            "nav": "domains",
            "filters": filters,
            "page_obj": paginate(request, domains),
            "bulk_actions": DOMAIN_BULK_ACTIONS,
        },
    )


def _detail(request: StaffRequest, domain: Domain, *, status: int = 200, **forms) -> HttpResponse:
    context = {
        "nav": "domains",
        "domain": domain,
        "rule": tld_rule(domain.tld.name),
        "zone": queries.domain_zone(domain=domain),
        "epp_log": queries.domain_epp_log(domain=domain),
        "events": queries.domain_audit_trail(domain=domain)[:50],
        "nameservers_form": forms.get("nameservers_form")
        or NameserversForm(initial={"nameservers": "\n".join(domain.nameservers)}),
        "renew_form": RenewForm(tld=domain.tld),
        "transfer_form": forms.get("transfer_form") or TransferForm(),
        "differences": list(differences_of_domain(domain=domain)),
    }
    return render(request, "staff/domains/detail.html", context, status=status)


@staff_required
def domain_detail(request: StaffRequest, domain_id: int) -> HttpResponse:
    return _detail(request, queries.domain_get(domain_id=domain_id))


def _done(request: StaffRequest, domain: Domain, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("staff:domain_detail", domain_id=domain.pk)


def _refused(request: StaffRequest, domain: Domain, refused: DomainRefused) -> HttpResponse:
    messages.error(request, refused.message)
    return redirect("staff:domain_detail", domain_id=domain.pk)


@require_POST
@staff_required
def domain_renew_view(request: StaffRequest, domain_id: int) -> HttpResponse:
    domain = queries.domain_get(domain_id=domain_id)
    form = RenewForm(request.POST, tld=domain.tld)
    years = form.cleaned_data["years"] if form.is_valid() else domain.tld.min_years
    try:
        domain = domain_renew(actor=request.actor, domain=domain, years=years)
    except DomainRefused as refused:
        return _refused(request, domain, refused)
    return _done(
        request,
        domain,
        _("%(domain)s is renewed until %(date)s.")
        % {"domain": domain.name_unicode, "date": domain.expires_at.date().isoformat()},
    )


@require_POST
@staff_required
def domain_sync_view(request: StaffRequest, domain_id: int) -> HttpResponse:
    domain = queries.domain_get(domain_id=domain_id)
    try:
        domain = domain_sync(actor=request.actor, domain=domain)
    except DomainRefused as refused:
        return _refused(request, domain, refused)
    return _done(
        request,
        domain,
        _("%(domain)s is synchronised with the registry: %(status)s.")
        % {"domain": domain.name_unicode, "status": domain.get_status_display()},
    )


@require_POST
@staff_required
def domain_nameservers_view(request: StaffRequest, domain_id: int) -> HttpResponse:
    domain = queries.domain_get(domain_id=domain_id)
    form = NameserversForm(request.POST)
    if not form.is_valid():
        return _detail(request, domain, status=422, nameservers_form=form)
    try:
        domain = domain_nameservers_update(
            actor=request.actor, domain=domain, nameservers=form.cleaned_data["nameservers"]
        )
    except DomainRefused as refused:
        form.add_error("nameservers", refused.message)
        return _detail(request, domain, status=422, nameservers_form=form)
    return _done(request, domain, _("The name servers are changed at the registry."))


@require_POST
@staff_required
def domain_resend_view(request: StaffRequest, domain_id: int) -> HttpResponse:
    domain = queries.domain_get(domain_id=domain_id)
    try:
        domain = domain_registration_resend(actor=request.actor, domain=domain)
    except DomainRefused as refused:
        return _refused(request, domain, refused)
    return _done(
        request,
        domain,
        _("%(domain)s is registered.") % {"domain": domain.name_unicode},
    )


@require_POST
@staff_required
def domain_transfer_view(request: StaffRequest, domain_id: int) -> HttpResponse:
    domain = queries.domain_get(domain_id=domain_id)
    form = TransferForm(request.POST)
    if not form.is_valid():
        return _detail(request, domain, status=422, transfer_form=form)
    try:
        domain = domain_transfer_resend(
            actor=request.actor, domain=domain, auth_code=form.cleaned_data["auth_code"]
        )
    except DomainRefused as refused:
        return _refused(request, domain, refused)
    return _done(
        request,
        domain,
        _("The registry accepted the transfer request for %(domain)s.")
        % {"domain": domain.name_unicode},
    )
