"""Client area: catalogue, cart, checkout, and the client's orders (R1 a and b)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hostwerk.catalog.queries import products_for_sale
from hostwerk.orders import queries
from hostwerk.orders.actions import order_place
from hostwerk.orders.cart import cart_add, cart_clear, cart_items, cart_remove
from hostwerk.orders.forms import domain_item_form, product_item_form
from hostwerk.orders.items import OrderInvalid, items_price
from hostwerk.orders.models import OrderChannel
from hostwerk.portal.decorators import client_required
from hostwerk.staff.context import paginate


def _catalogue(request: HttpRequest, *, bound_form=None, status: int = 200) -> HttpResponse:
    forms = []
    for product in products_for_sale(listed_only=True):
        if bound_form is not None and getattr(bound_form, "product", None) == product:
            forms.append(bound_form)
        else:
            forms.append(product_item_form(product))
    domain_form = (
        bound_form
        if bound_form is not None and bound_form.prefix == "domain"
        else domain_item_form()
    )
    return render(
        request,
        "portal/orders/catalogue.html",
        {
            "nav": "order",
            "product_forms": forms,
            "domain_form": domain_form,
            "cart_count": len(cart_items(request.session, request.client.pk)),
        },
        status=status,
    )


@client_required
def catalogue(request: HttpRequest) -> HttpResponse:
    return _catalogue(request)


@require_POST
@client_required
def cart_add_view(request: HttpRequest) -> HttpResponse:
    product_id = request.POST.get("product")
    if product_id and product_id.isdigit():
        product = products_for_sale().filter(pk=int(product_id)).first()
        if product is None:
            messages.error(request, _("That product is no longer for sale."))
            return redirect("portal:catalogue")
        form = product_item_form(product, data=request.POST, client=request.client)
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


def _priced_cart(request: HttpRequest):
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
def cart(request: HttpRequest) -> HttpResponse:
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
        },
    )


@require_POST
@client_required
def cart_remove_view(request: HttpRequest) -> HttpResponse:
    index = request.POST.get("index", "")
    if index.isdigit():
        cart_remove(request.session, request.client.pk, int(index))
    return redirect("portal:cart")


@require_POST
@client_required
def checkout(request: HttpRequest) -> HttpResponse:
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
def order_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, queries.orders_for_client(client=request.client))
    return render(request, "portal/orders/list.html", {"nav": "orders", "page_obj": page})


@client_required
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    order = queries.order_get_for_client(client=request.client, order_id=order_id)
    return render(request, "portal/orders/detail.html", {"nav": "orders", "order": order})
