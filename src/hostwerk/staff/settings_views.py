"""Staff area settings: the catalogue (products, groups, TLDs), registrars, servers and their
groups, and the billing settings. Reads through queries, writes through audited actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hostwerk.accounts.request import StaffRequest
from hostwerk.billing.actions import billing_settings_update
from hostwerk.billing.config import billing_settings_overview
from hostwerk.billing.forms import BillingSettingsForm
from hostwerk.catalog import queries as catalog_queries
from hostwerk.catalog.actions import (
    CatalogueInvalid,
    product_create,
    product_group_create,
    product_group_update,
    product_update,
    tld_create,
    tld_update,
)
from hostwerk.catalog.forms import ProductForm, ProductGroupForm, TldForm, add_catalogue_errors
from hostwerk.catalog.models import Product, ProductGroup, Tld
from hostwerk.core.pages import paginate
from hostwerk.core.redirects import next_target, next_value
from hostwerk.domains import queries as domain_queries
from hostwerk.domains.actions import registrar_connection_test, registrar_create, registrar_update
from hostwerk.domains.forms import RegistrarForm
from hostwerk.domains.models import Registrar
from hostwerk.provisioning import queries as provisioning_queries
from hostwerk.provisioning.actions import (
    ServerInvalid,
    server_connection_test,
    server_create,
    server_group_create,
    server_group_update,
    server_update,
)
from hostwerk.provisioning.forms import ServerForm, ServerGroupForm
from hostwerk.provisioning.models import Server, ServerGroup
from hostwerk.staff import queries
from hostwerk.staff.decorators import staff_required

AUDIT_EVENTS_SHOWN = 20


@staff_required
def settings_overview(request: StaffRequest) -> HttpResponse:
    return render(
        request, "staff/settings.html", {"nav": "settings", **queries.settings_overview()}
    )


def _list_page(request, *, template: str, section: str, queryset) -> HttpResponse:
    return render(
        request,
        template,
        {"nav": "settings", "section": section, "page_obj": paginate(request, queryset)},
    )


def _edit_page(
    request: HttpRequest,
    *,
    form,
    obj: models.Model | None,
    save: Callable[[], Any],
    template: str,
    section: str,
    back: str,
    saved: str,
    context: dict | None = None,
) -> HttpResponse:
    """Show `form`; on a valid POST run `save` (an action) and go `back`. An action's refusal
    puts its errors beside the fields and keeps what was typed (status 422)."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = save()
            except (CatalogueInvalid, ServerInvalid) as invalid:
                add_catalogue_errors(form, invalid)
            else:
                messages.success(request, saved % {"name": str(result)})
                return redirect(back)
        status = 422
    return render(
        request,
        template,
        {
            "nav": "settings",
            "section": section,
            "form": form,
            "object": obj,
            "back": back,
            "events": catalog_queries.catalogue_audit_trail(obj=obj)[:AUDIT_EVENTS_SHOWN]
            if obj is not None
            else [],
            **(context or {}),
        },
        status=status,
    )


# -- products and groups ----------------------------------------------------------------------


@staff_required
def product_list(request: StaffRequest) -> HttpResponse:
    return _list_page(
        request,
        template="staff/settings/product_list.html",
        section="products",
        queryset=catalog_queries.product_list(),
    )


def _product_page(request: StaffRequest, product: Product | None) -> HttpResponse:
    form = ProductForm(request.POST or None, instance=product or Product())

    def save():
        if product is None:
            return product_create(actor=request.actor, values=form.values(), prices=form.prices())
        return product_update(
            actor=request.actor, product=product, values=form.values(), prices=form.prices()
        )

    return _edit_page(
        request,
        form=form,
        obj=product,
        save=save,
        template="staff/settings/product_form.html",
        section="products",
        back=reverse("staff:product_list"),
        saved=_("Product %(name)s saved."),
    )


@staff_required
def product_create_view(request: StaffRequest) -> HttpResponse:
    return _product_page(request, None)


@staff_required
def product_edit(request: StaffRequest, product_id: int) -> HttpResponse:
    return _product_page(request, get_object_or_404(Product, pk=product_id))


@staff_required
def product_group_list(request: StaffRequest) -> HttpResponse:
    return _list_page(
        request,
        template="staff/settings/product_group_list.html",
        section="groups",
        queryset=catalog_queries.product_group_list(),
    )


def _product_group_page(request: StaffRequest, group: ProductGroup | None) -> HttpResponse:
    form = ProductGroupForm(request.POST or None, instance=group or ProductGroup())

    def save():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if group is None:
            return product_group_create(actor=request.actor, values=values)
        return product_group_update(actor=request.actor, group=group, values=values)

    return _edit_page(
        request,
        form=form,
        obj=group,
        save=save,
        template="staff/settings/form.html",
        section="groups",
        back=reverse("staff:product_group_list"),
        saved=_("Product group %(name)s saved."),
    )


@staff_required
def product_group_create_view(request: StaffRequest) -> HttpResponse:
    return _product_group_page(request, None)


@staff_required
def product_group_edit(request: StaffRequest, group_id: int) -> HttpResponse:
    return _product_group_page(request, get_object_or_404(ProductGroup, pk=group_id))


# -- TLDs and registrars ----------------------------------------------------------------------


@staff_required
def tld_list(request: StaffRequest) -> HttpResponse:
    return _list_page(
        request,
        template="staff/settings/tld_list.html",
        section="tlds",
        queryset=catalog_queries.tld_list(),
    )


def _tld_page(request: StaffRequest, tld: Tld | None) -> HttpResponse:
    form = TldForm(request.POST or None, instance=tld or Tld())

    def save():
        if tld is None:
            return tld_create(actor=request.actor, values=form.values(), prices=form.prices())
        return tld_update(actor=request.actor, tld=tld, values=form.values(), prices=form.prices())

    return _edit_page(
        request,
        form=form,
        obj=tld,
        save=save,
        template="staff/settings/tld_form.html",
        section="tlds",
        back=reverse("staff:tld_list"),
        saved=_("TLD %(name)s saved."),
    )


@staff_required
def tld_create_view(request: StaffRequest) -> HttpResponse:
    return _tld_page(request, None)


@staff_required
def tld_edit(request: StaffRequest, tld_id: int) -> HttpResponse:
    return _tld_page(request, get_object_or_404(Tld, pk=tld_id))


@staff_required
def registrar_list(request: StaffRequest) -> HttpResponse:
    return _list_page(
        request,
        template="staff/settings/registrar_list.html",
        section="registrars",
        queryset=domain_queries.registrar_list(),
    )


def _registrar_page(request: StaffRequest, registrar: Registrar | None) -> HttpResponse:
    form = RegistrarForm(request.POST or None, instance=registrar or Registrar())

    def save():
        if registrar is None:
            return registrar_create(actor=request.actor, values=form.values())
        return registrar_update(actor=request.actor, registrar=registrar, values=form.values())

    return _edit_page(
        request,
        form=form,
        obj=registrar,
        save=save,
        template="staff/settings/form.html",
        section="registrars",
        back=reverse("staff:registrar_list"),
        saved=_("Registrar %(name)s saved."),
        context={
            "test_url": reverse("staff:registrar_test", args=[registrar.pk]) if registrar else ""
        },
    )


@staff_required
def registrar_create_view(request: StaffRequest) -> HttpResponse:
    return _registrar_page(request, None)


@staff_required
def registrar_edit(request: StaffRequest, registrar_id: int) -> HttpResponse:
    return _registrar_page(request, get_object_or_404(Registrar, pk=registrar_id))


def _report_test(request: StaffRequest, worked: bool, message: str) -> None:
    (messages.success if worked else messages.error)(request, message)


@require_POST
@staff_required
def registrar_test(request: StaffRequest, registrar_id: int) -> HttpResponse:
    registrar = get_object_or_404(Registrar, pk=registrar_id)
    _report_test(request, *registrar_connection_test(actor=request.actor, registrar=registrar))
    return redirect("staff:registrar_edit", registrar_id=registrar.pk)


# -- servers and server groups ----------------------------------------------------------------


@staff_required
def server_list(request: StaffRequest) -> HttpResponse:
    page = paginate(request, provisioning_queries.server_list())
    servers = list(page.object_list)
    totals = provisioning_queries.servers_with_live(servers)
    return render(
        request,
        "staff/settings/server_list.html",
        {
            "nav": "settings",
            "section": "servers",
            "page_obj": page,
            "servers": servers,
            "totals_counted_at": totals.counted_at,
        },
    )


@staff_required
def server_create_view(request: StaffRequest) -> HttpResponse:
    form = ServerForm(request.POST or None)
    return _edit_page(
        request,
        form=form,
        obj=None,
        save=lambda: server_create(actor=request.actor, values=form.changed_values()),
        template="staff/server_form.html",
        section="servers",
        back=reverse("staff:server_list"),
        saved=_("Server %(name)s saved."),
    )


@staff_required
def server_edit(request: StaffRequest, server_id: int) -> HttpResponse:
    server = get_object_or_404(Server, pk=server_id)
    form = ServerForm(request.POST or None, instance=server)

    def save():
        server_update(actor=request.actor, server=server, values=form.changed_values())
        return server

    return _edit_page(
        request,
        form=form,
        obj=server,
        save=save,
        template="staff/server_form.html",
        section="servers",
        back=next_target(request, reverse("staff:server_list")),
        saved=_("Server %(name)s saved."),
        context={"server": server, "next": next_value(request)},
    )


@require_POST
@staff_required
def server_test(request: StaffRequest, server_id: int) -> HttpResponse:
    server = get_object_or_404(Server, pk=server_id)
    _report_test(request, *server_connection_test(actor=request.actor, server=server))
    return redirect("staff:server_edit", server_id=server.pk)


@staff_required
def server_group_list(request: StaffRequest) -> HttpResponse:
    return _list_page(
        request,
        template="staff/settings/server_group_list.html",
        section="server_groups",
        queryset=provisioning_queries.server_group_list(),
    )


def _server_group_page(request: StaffRequest, group: ServerGroup | None) -> HttpResponse:
    form = ServerGroupForm(request.POST or None, instance=group or ServerGroup())

    def save():
        if group is None:
            return server_group_create(actor=request.actor, values=form.values())
        return server_group_update(actor=request.actor, group=group, values=form.values())

    return _edit_page(
        request,
        form=form,
        obj=group,
        save=save,
        template="staff/settings/form.html",
        section="server_groups",
        back=reverse("staff:server_group_list"),
        saved=_("Server group %(name)s saved."),
    )


@staff_required
def server_group_create_view(request: StaffRequest) -> HttpResponse:
    return _server_group_page(request, None)


@staff_required
def server_group_edit(request: StaffRequest, group_id: int) -> HttpResponse:
    return _server_group_page(request, get_object_or_404(ServerGroup, pk=group_id))


# -- billing settings -------------------------------------------------------------------------


@staff_required
def billing_settings(request: StaffRequest) -> HttpResponse:
    overview = billing_settings_overview()
    form = BillingSettingsForm(request.POST or None, overview=overview)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            changes = billing_settings_update(
                actor=request.actor, values={name: form.cleaned_data[name] for name in form.specs}
            )
            if changes:
                messages.success(request, _("Billing settings saved."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("staff:billing_settings")
        status = 422
    return render(
        request,
        "staff/settings/billing.html",
        {
            "nav": "settings",
            "section": "billing",
            "form": form,
            "overview": overview,
            "events": queries.billing_settings_audit_trail()[:AUDIT_EVENTS_SHOWN],
        },
        status=status,
    )
