"""Accepting a paid order without staff, unless a review rule holds it for them.

Billing announces a fully paid invoice (`billing.signals.invoice_paid`, sent inside the payment's
transaction); orders listens, because orders drives acceptance and billing must not import it.
The accept itself is a queued job, enqueued in that same transaction: a payment that rolls back
enqueues nothing, and the job runs the normal plan (R3) with the system as actor. A failure
leaves the order pending, on the staff "to be accepted" list with each item's message.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from hostwerk.billing.models import Invoice
from hostwerk.core.audit import Actor, audit_record
from hostwerk.orders.models import HoldReason, ItemStatus, Order, OrderStatus
from hostwerk.orders.tasks import accept_order

OPEN_ITEMS = (ItemStatus.PENDING, ItemStatus.FAILED)


def order_hold_reason(*, order: Order, invoice: Invoice) -> str:
    """The review rule that keeps this paid order for staff, or "" when it may go by itself."""
    if order.client.review_orders:
        return HoldReason.CLIENT_REVIEW
    if order.items.filter(status__in=OPEN_ITEMS, product__accept_when_paid=False).exists():
        return HoldReason.PRODUCT_MANUAL
    earlier = Order.objects.filter(client=order.client, status=OrderStatus.ACTIVE).exclude(
        pk=order.pk
    )
    if invoice.total > settings.HOSTWERK_REVIEW_ABOVE and not earlier.exists():
        return HoldReason.FIRST_ORDER_ABOVE
    return ""


@transaction.atomic
def order_accept_when_paid(*, actor: Actor, invoice: Invoice) -> str:
    """Enqueue the accept of the invoice's order, or note why it waits; return what was done:
    "enqueued", the hold reason, or "" when there is nothing to accept."""
    if invoice.order_id is None:
        return ""
    order = (
        Order.objects.select_for_update()
        .select_related("client")
        .filter(pk=invoice.order_id, status=OrderStatus.PENDING)
        .first()
    )
    if order is None or not order.items.filter(status__in=OPEN_ITEMS).exists():
        return ""
    reason = order_hold_reason(order=order, invoice=invoice)
    if reason:
        Order.objects.filter(pk=order.pk).update(hold_reason=reason)
        audit_record(
            actor=actor,
            action="order.auto_accept_held",
            obj=order,
            client=order.client,
            data={"invoice": invoice.number, "reason": reason},
        )
        return reason
    audit_record(
        actor=actor,
        action="order.auto_accept",
        obj=order,
        client=order.client,
        data={"invoice": invoice.number},
    )
    accept_order.enqueue(order.pk, None)
    return "enqueued"


def on_invoice_paid(sender, *, invoice: Invoice, actor: Actor, **kwargs) -> None:
    order_accept_when_paid(actor=actor, invoice=invoice)
