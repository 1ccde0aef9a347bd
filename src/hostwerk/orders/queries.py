"""Reads of orders: the staff list with filters, and client-scoped reads for the client area."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from hostwerk.clients.models import Client
from hostwerk.core.counts import related_count
from hostwerk.core.models import AuditEvent
from hostwerk.orders.models import ItemStatus, Order, OrderItem, OrderStatus


def _item_count():
    """The items of each listed order that are not cancelled, counted for the page's rows only."""
    return related_count(OrderItem.objects.exclude(status=ItemStatus.CANCELLED), to="order")


def order_search(
    *,
    status: str = "",
    channel: str = "",
    client_number: int | None = None,
    placed_from: date | None = None,
    placed_to: date | None = None,
    with_failed_items: bool = False,
    with_list_columns: bool = True,
) -> QuerySet[Order]:
    """Orders matching the filters, newest first. `with_list_columns`: with what the staff list
    shows besides the order's own fields (client, who placed it, item count); the API lists
    give ids only, and these joins and the count cost more than the rows themselves."""
    orders = Order.objects.all()
    if with_list_columns:
        orders = orders.select_related("client", "placed_by").annotate(item_count=_item_count())
    if status:
        orders = orders.filter(status=status)
    if channel:
        orders = orders.filter(channel=channel)
    if client_number:
        orders = orders.filter(client__number=client_number)
    if placed_from:
        orders = orders.filter(created_at__date__gte=placed_from)
    if placed_to:
        orders = orders.filter(created_at__date__lte=placed_to)
    if with_failed_items:
        # A subquery, not a join: a join would multiply the item count above.
        orders = orders.filter(
            pk__in=OrderItem.objects.filter(status=ItemStatus.FAILED).values("order_id")
        )
    return orders.order_by("-created_at", "-id")


def orders_with_items(orders: QuerySet[Order]) -> QuerySet[Order]:
    return orders.select_related("client", "placed_by").prefetch_related(
        Prefetch("items", queryset=OrderItem.objects.select_related("product", "linked_item"))
    )


def order_get(*, order_id: int) -> Order:
    return get_object_or_404(orders_with_items(Order.objects.all()), pk=order_id)


def orders_for_client(*, client: Client) -> QuerySet[Order]:
    return (
        Order.objects.filter(client=client)
        .annotate(item_count=_item_count())
        .order_by("-created_at", "-id")
    )


def order_get_for_client(*, client: Client, order_id: int) -> Order:
    """The client's own order; another client's order is a 404."""
    return get_object_or_404(orders_with_items(Order.objects.filter(client=client)), pk=order_id)


def order_audit_trail(*, order: Order) -> QuerySet[AuditEvent]:
    item_ids = [str(item.pk) for item in order.items.all()]
    return (
        AuditEvent.objects.filter(
            Q(object_type="orders.order", object_id=str(order.pk))
            | Q(object_type="orders.orderitem", object_id__in=item_ids)
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def orders_to_accept_count() -> int:
    """Pending orders (not items): the number beside "Orders" in the staff menu."""
    return Order.objects.filter(status=OrderStatus.PENDING).count()
