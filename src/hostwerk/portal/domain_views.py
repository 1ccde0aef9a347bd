"""Client area: the client's domains, and changing where a domain's name servers are."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hostwerk.accounts.request import ClientRequest
from hostwerk.core.pages import paginate
from hostwerk.domains import queries
from hostwerk.domains.actions import domain_nameservers_update
from hostwerk.domains.common import DomainRefused
from hostwerk.domains.forms import NameserversForm
from hostwerk.domains.tld_rules import tld_rule
from hostwerk.portal.decorators import client_required


@client_required
def domain_list(request: ClientRequest) -> HttpResponse:
    page = paginate(request, queries.domains_for_client(client=request.client))
    return render(request, "portal/domains/list.html", {"nav": "domains", "page_obj": page})


@client_required
def domain_detail(request: ClientRequest, domain_id: int) -> HttpResponse:
    """The domain's facts and its name-server form (GET shows, POST changes them)."""
    domain = queries.domain_get_for_client(client=request.client, domain_id=domain_id)
    form = NameserversForm(
        request.POST if request.method == "POST" else None,
        initial={"nameservers": "\n".join(domain.nameservers)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            domain_nameservers_update(
                actor=request.actor, domain=domain, nameservers=form.cleaned_data["nameservers"]
            )
        except DomainRefused as refused:
            form.add_error("nameservers", refused.message)
        else:
            messages.success(
                request, _("The name servers of %(domain)s are changed.") % {"domain": domain}
            )
            return redirect("portal:domain_detail", domain_id=domain.pk)
    return render(
        request,
        "portal/domains/detail.html",
        {
            "nav": "domains",
            "domain": domain,
            "form": form,
            "renews_automatically": tld_rule(domain.tld.name).renews_automatically,
            "zone": queries.domain_zone(domain=domain, client=request.client),
        },
        status=422 if request.method == "POST" else 200,
    )
