"""Client area: catalogue, cart, checkout, and the client's orders (R1 a and b)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hostwerk.accounts.request import ClientRequest
from hostwerk.billing.actions import vat_preview
from hostwerk.catalog.queries import products_for_sale, tlds_for_sale
from hostwerk.core.pages import paginate
from hostwerk.domains.checker import domain_check
from hostwerk.orders import queries
from hostwerk.orders.actions import order_place
from hostwerk.orders.cart import cart_add, cart_clear, cart_items, cart_remove
from hostwerk.orders.forms import domain_item_form, product_item_form
from hostwerk.orders.items import OrderInvalid, items_price
from hostwerk.orders.models import OrderChannel
from hostwerk.portal.decorators import client_required


def _catalogue(request: ClientRequest, *, bound_form=None, status: int = 200) -> HttpResponse:
    tlds = list(tlds_for_sale().select_related("registrar"))
    forms = []
    for product in products_for_sale(listed_only=True):
        if bound_form is not None and getattr(bound_form, "product", None) == product:
            forms.append(bound_form)
        else:
            forms.append(product_item_form(product, tlds=tlds))
    domain_form = (
        bound_form
        if bound_form is not None and bound_form.prefix == "domain"
        else domain_item_form(tlds=tlds)
    )
    query = request.GET.get("domains", "")
    cart = cart_items(request.session, request.client.pk)
    context = {
        "nav": "order",
        "product_forms": forms,
        "domain_form": domain_form,
        "cart_count": len(cart),
        "checker": domain_check(text=query, tlds=tlds) if query.strip() else None,
        "in_cart": _domains_in(cart),
        "tlds": tlds,
    }
    if request.htmx and request.htmx.target == "checker-results":
        return render(request, "portal/orders/_checker_results.html", context)
    return render(request, "portal/orders/catalogue.html", context, status=status)


def _domains_in(cart) -> set[str]:
    return {item.domain for item in cart if item.domain_action and item.domain}


@client_required
def catalogue(request: ClientRequest) -> HttpResponse:
    """The catalogue, with the domain checker (?domains=...) on top."""
    return _catalogue(request)


@require_POST
@client_required
def cart_add_view(request: ClientRequest) -> HttpResponse:
    cart = cart_items(request.session, request.client.pk)
    product_id = request.POST.get("product")
    if product_id and product_id.isdigit():
        product = products_for_sale().filter(pk=int(product_id)).first()
        if product is None:
            messages.error(request, _("That product is no longer for sale."))
            return redirect("portal:catalogue")
        form = product_item_form(product, data=request.POST, client=request.client, same_order=cart)
    else:
        form = domain_item_form(data=request.POST)
    if not form.is_valid():
        return _catalogue(request, bound_form=form, status=422)
    if not cart_add(request.session, request.client.pk, form.item_request()):
        messages.error(request, _("Your cart is full. Place this order first, then start another."))
        return redirect("portal:cart")
    messages.success(
        request,
        _("Added to your cart: %(item)s.")
        % {"item": form.priced[0].domain_unicode or form.priced[0].product},
    )
    return redirect("portal:cart")


@require_POST
@client_required
def checker_add(request: ClientRequest) -> HttpResponse:
    """One click in the domain checker: the name goes into the cart (htmx: the row says so)."""
    action = request.POST.get("action", "register")
    form = domain_item_form(
        data={
            "domain-what": action,
            "domain-domain": request.POST.get("name", ""),
            "domain-years": request.POST.get("years", ""),
            "domain-auth_code": request.POST.get("auth_code", ""),
        }
    )
    added = form.is_valid() and cart_add(request.session, request.client.pk, form.item_request())
    errors = [] if added else [e for errors in form.errors.values() for e in errors]
    if not added and not errors:
        errors = [_("Your cart is full. Place this order first, then start another.")]
    if not request.htmx:
        if added:
            messages.success(
                request,
                _("Added to your cart: %(item)s.") % {"item": form.priced[0].domain_unicode},
            )
            return redirect("portal:cart")
        for error in errors:
            messages.error(request, error)
        query = urlencode({"domains": request.POST.get("name", "")})
        return redirect(f"{reverse('portal:catalogue')}?{query}")
    checked = domain_check(text=request.POST.get("name", ""))
    row = next((item for item in checked.names if item.typed), None)
    return render(
        request,
        "portal/orders/_checker_action.html",
        {
            "row": row,
            "added": added,
            "errors": errors,
            "action": action,
            "cart_count": len(cart_items(request.session, request.client.pk)),
            "in_cart": _domains_in(cart_items(request.session, request.client.pk)),
            "oob": True,
        },
    )


def _priced_cart(request: ClientRequest):
    items = cart_items(request.session, request.client.pk)
    if not items:
        return items, [], None
    try:
        return (
            items,
            items_price(requests=items, allow_price_override=False, client=request.client),
            None,
        )
    except OrderInvalid as invalid:
        return items, [], invalid


@client_required
def cart(request: ClientRequest) -> HttpResponse:
    items, priced, invalid = _priced_cart(request)
    return render(
        request,
        "portal/orders/cart.html",
        {
            "nav": "order",
            "requests": items,
            "priced": priced,
            "invalid": invalid,
            "total": sum((item.price + item.setup_fee for item in priced), start=0),
            "vat": vat_preview(
                client=request.client,
                amounts=[
                    amount for item in priced for amount in (item.price, item.setup_fee) if amount
                ],
            )
            if priced
            else None,
        },
    )


@require_POST
@client_required
def cart_remove_view(request: ClientRequest) -> HttpResponse:
    index = request.POST.get("index", "")
    if index.isdigit():
        cart_remove(request.session, request.client.pk, int(index))
    return redirect("portal:cart")


@require_POST
@client_required
def checkout(request: ClientRequest) -> HttpResponse:
    items = cart_items(request.session, request.client.pk)
    channel = OrderChannel.IMPERSONATION if request.impersonating else OrderChannel.CLIENT_AREA
    try:
        order = order_place(
            actor=request.actor, client=request.client, channel=channel, items=items
        )
    except OrderInvalid:
        messages.error(request, _("Your cart needs a change before you can order; see below."))
        return redirect("portal:cart")
    cart_clear(request.session, request.client.pk)
    messages.success(
        request,
        _("Thank you! Order %(number)s has been placed. We will start on it shortly.")
        % {"number": order.number},
    )
    return redirect("portal:order_detail", order_id=order.pk)


@client_required
def order_list(request: ClientRequest) -> HttpResponse:
    page = paginate(request, queries.orders_for_client(client=request.client))
    return render(request, "portal/orders/list.html", {"nav": "orders", "page_obj": page})


@client_required
def order_detail(request: ClientRequest, order_id: int) -> HttpResponse:
    order = queries.order_get_for_client(client=request.client, order_id=order_id)
    return render(request, "portal/orders/detail.html", {"nav": "orders", "order": order})
