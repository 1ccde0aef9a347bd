"""Staff area: order list, order page, cancel, and staff order entry (R1 c, R2)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hostwerk.accounts.request import StaffRequest
from hostwerk.catalog.models import Product
from hostwerk.catalog.pricing import PriceMissing, product_price
from hostwerk.catalog.queries import tlds_for_sale
from hostwerk.clients import queries as client_queries
from hostwerk.clients.models import Client
from hostwerk.core.pages import paginate
from hostwerk.domains.checker import domain_check
from hostwerk.orders import queries
from hostwerk.orders.acceptance import (
    IN_REQUEST_ITEM_LIMIT,
    AcceptFailed,
    PlanInvalid,
    order_accept,
    order_accept_later,
    order_accepting_now,
    order_plan,
)
from hostwerk.orders.actions import OrderRefused, order_cancel, order_place
from hostwerk.orders.forms import (
    OrderFilterForm,
    StaffItemFormSet,
    StaffOrderItemForm,
    StaffOrderOptionsForm,
    plan_overrides_from_post,
)
from hostwerk.orders.items import OrderInvalid
from hostwerk.orders.models import ItemStatus, OrderChannel
from hostwerk.staff.bulk_views import ORDER_BULK_ACTIONS
from hostwerk.staff.decorators import staff_required

ITEM_PREFIX = "items"


@staff_required
def order_list(request: StaffRequest) -> HttpResponse:
    filters = OrderFilterForm(request.GET)
    values = filters.cleaned_data if filters.is_valid() else {}
    page = paginate(
        request,
        queries.order_search(
            status=values.get("status", ""),
            channel=values.get("channel", ""),
            client_number=values.get("client"),
            placed_from=values.get("placed_from"),
            placed_to=values.get("placed_to"),
            with_failed_items=values.get("failed", False),
        ),
    )
    return render(
        request,
        "staff/orders/list.html",
        {
            "nav": "orders",
            "filters": filters,
            "page_obj": page,
            "bulk_actions": ORDER_BULK_ACTIONS,
        },
    )


@staff_required
def order_detail(request: StaffRequest, order_id: int) -> HttpResponse:
    order = queries.order_get(order_id=order_id)
    return render(
        request,
        "staff/orders/detail.html",
        {"nav": "orders", "order": order, "events": queries.order_audit_trail(order=order)[:50]},
    )


@require_POST
@staff_required
def order_cancel_view(request: StaffRequest, order_id: int) -> HttpResponse:
    order = queries.order_get(order_id=order_id)
    try:
        order_cancel(actor=request.actor, order=order, reason=request.POST.get("reason", ""))
    except OrderRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Order %(number)s cancelled.") % {"number": order.number})
    return redirect("staff:order_detail", order_id=order.pk)


def _products():
    return list(Product.objects.filter(active=True).prefetch_related("prices"))


def _tlds():
    return list(tlds_for_sale().select_related("registrar"))


def _entry_page(request, options, formset, status=200):
    chosen = options["client"].value()
    client = Client.objects.filter(pk=chosen).first() if str(chosen or "").isdigit() else None
    return render(
        request,
        "staff/orders/entry.html",
        {"nav": "orders", "options": options, "formset": formset, "client": client},
        status=status,
    )


@staff_required
def order_entry(request: StaffRequest) -> HttpResponse:
    products = _products()
    if request.method != "POST":
        options = StaffOrderOptionsForm(initial={"client": request.GET.get("client", "")})
        formset = StaffItemFormSet(prefix=ITEM_PREFIX, products=products, tlds=_tlds())
        return _entry_page(request, options, formset)

    options = StaffOrderOptionsForm(request.POST)
    formset = StaffItemFormSet(request.POST, prefix=ITEM_PREFIX, products=products, tlds=_tlds())
    if options.is_valid() and formset.is_valid():
        try:
            order = order_place(
                actor=request.actor,
                client=options.cleaned_data["client"],
                channel=OrderChannel.STAFF,
                items=[form.item_request() for form in formset.forms],
                generate_invoice=options.cleaned_data["generate_invoice"],
                send_confirmation=options.cleaned_data["send_confirmation"],
                send_invoice_email=options.cleaned_data["send_invoice_email"],
                notes=options.cleaned_data["notes"],
                payment_method=options.cleaned_data["payment_method"],
            )
        except OrderInvalid as invalid:
            for index, errors in invalid.items.items():
                formset.forms[index].add_order_errors(errors)
            for message in invalid.general:
                options.add_error(None, message)
        else:
            messages.success(
                request, _("Order %(number)s placed; it is pending.") % {"number": order.number}
            )
            return redirect("staff:order_detail", order_id=order.pk)
    return _entry_page(request, options, formset, status=422)


@staff_required
def order_entry_row(request: StaffRequest) -> HttpResponse:
    """One item row of the entry form, re-rendered with its price (R2: visible before submitting).

    GET ?index=N gives an empty row for "add item", or with what/domain/years a filled-in row
    (the domain checker's "add to order"); POST re-prices a changed row. When the product
    changed, the cycle goes back to that product's default cycle.
    """
    products, tlds = _products(), _tlds()
    given_index = request.GET.get("index") or request.POST.get("row_index") or "0"
    index = int(given_index) if given_index.isdigit() else 0
    prefix = f"{ITEM_PREFIX}-{index}"
    if request.method != "POST":
        if not request.GET.get("domain"):
            form = StaffOrderItemForm(prefix=prefix, products=products, tlds=tlds)
            return render(request, "staff/orders/_item_row.html", {"form": form, "index": index})
        data = QueryDict(mutable=True)
        for name in ("what", "domain", "years"):
            data[f"{prefix}-{name}"] = request.GET.get(name, "")
        data[f"{prefix}-previous_what"] = data[f"{prefix}-what"]
    else:
        data = request.POST.copy()
    what, previous = data.get(f"{prefix}-what", ""), data.get(f"{prefix}-previous_what", "")
    if what != previous:
        default = next((p.default_billing_cycle for p in products if str(p.pk) == what), "")
        data[f"{prefix}-billing_cycle"] = default
        data[f"{prefix}-previous_what"] = what
    form = StaffOrderItemForm(data, prefix=prefix, products=products, tlds=tlds)
    form.is_valid()
    # A live preview judges what was filled in; a field left empty is not an error yet.
    for name in list(form.errors):
        if name != "__all__" and not data.get(f"{prefix}-{name}"):
            del form.errors[name]
    catalogue_price = None
    product = next((p for p in products if str(p.pk) == what), None)
    if product is not None and not form.priced:
        try:
            catalogue_price = product_price(
                product, data.get(f"{prefix}-billing_cycle") or product.default_billing_cycle
            )
        except PriceMissing:
            catalogue_price = None
    return render(
        request,
        "staff/orders/_item_row.html",
        {"form": form, "index": index, "catalogue_price": catalogue_price, "live": True},
    )


@staff_required
def order_domain_check(request: StaffRequest) -> HttpResponse:
    """The domain checker of staff order entry (htmx fragment): free, taken, could not check."""
    query = request.GET.get("domains", "")
    checker = domain_check(text=query, tlds=_tlds()) if query.strip() else None
    return render(request, "staff/orders/_checker_results.html", {"checker": checker})


@staff_required
def client_picker(request: StaffRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    clients = client_queries.client_search(query=query)[:8] if query else []
    return render(request, "staff/orders/_client_picker.html", {"clients": clients, "query": query})


@staff_required
def order_accept_view(request: StaffRequest, order_id: int) -> HttpResponse:
    """The acceptance plan (R3), editable; accepting shows the result per item (R4)."""
    order = queries.order_get(order_id=order_id)
    errors: dict = {}
    overrides: dict = {}
    if request.method == "POST":
        overrides = plan_overrides_from_post(request.POST, [item.pk for item in order.items.all()])
        try:
            if len(overrides) > IN_REQUEST_ITEM_LIMIT or request.POST.get("background") == "1":
                order_accept_later(actor=request.actor, order=order, overrides=overrides)
                messages.info(
                    request, _("Accepting runs in the background; this page shows its progress.")
                )
            else:
                order_accept(actor=request.actor, order=order, overrides=overrides)
                order = queries.order_get(order_id=order_id)
                failed = [item for item in order.items.all() if item.status == ItemStatus.FAILED]
                if failed:
                    messages.warning(
                        request,
                        _(
                            "%(done)s of %(total)s items accepted; fix what is listed below and accept again."
                        )
                        % {
                            "done": sum(
                                1
                                for item in order.items.all()
                                if item.status == ItemStatus.ACCEPTED
                            ),
                            "total": sum(
                                1
                                for item in order.items.all()
                                if item.status != ItemStatus.CANCELLED
                            ),
                        },
                    )
                else:
                    messages.success(request, _("Everything is accepted and created."))
            return redirect("staff:order_accept", order_id=order.pk)
        except PlanInvalid as invalid:
            errors = invalid.errors
        except AcceptFailed as refused:
            messages.error(request, str(refused))
            return redirect("staff:order_detail", order_id=order.pk)
    try:
        plans = order_plan(order=order, overrides=overrides)
    except PlanInvalid as invalid:
        errors = errors or invalid.errors
        plans = order_plan(order=order)
    context = {
        "nav": "orders",
        "order": order,
        "plans": plans,
        "errors": errors,
        "running": order_accepting_now(order),
        "retry": any(plan.item.status == ItemStatus.FAILED for plan in plans),
    }
    if request.htmx and request.GET.get("progress"):
        return render(request, "staff/orders/_accept_items.html", context)
    return render(request, "staff/orders/accept.html", context, status=422 if errors else 200)


@staff_required
def orders_to_accept_badge(request: StaffRequest) -> HttpResponse:
    """The count beside "Orders" in the staff menu, loaded by htmx so pages do not wait for it."""
    return render(
        request,
        "staff/orders/_to_accept_badge.html",
        {"count": queries.orders_to_accept_count()},
    )
