"""Bulk work on orders from the staff order list: accept many (one job each), cancel many."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hostwerk.core.audit import Actor, audit_record
from hostwerk.core.bulk import (
    BulkTarget,
    bulk_item_actor,
    bulk_item_carry_out,
    bulk_run_start,
)
from hostwerk.core.models import BulkAction, BulkItem, BulkRun
from hostwerk.orders.acceptance import order_accept
from hostwerk.orders.actions import OrderRefused, order_cancel
from hostwerk.orders.models import ItemStatus, Order


def _targets(orders: list[Order], url_name: str) -> list[BulkTarget]:
    return [
        BulkTarget(
            object_id=order.pk,
            label=_("Order %(number)s") % {"number": order.number},
            url=reverse(url_name, args=[order.pk]),
        )
        for order in orders
    ]


@transaction.atomic
def orders_accept_later(*, actor: Actor, orders: list[Order], back_url: str = "") -> BulkRun:
    """Enqueue one accept job per order; the run's page shows how far they are."""
    from hostwerk.orders.tasks import accept_order_of_bulk_run

    run, items = bulk_run_start(
        actor=actor,
        action=BulkAction.ORDER_ACCEPT,
        targets=_targets(orders, "staff:order_accept"),
        back_url=back_url,
    )
    for order, item in zip(orders, items, strict=True):
        audit_record(
            actor=actor,
            action="order.accept_enqueued",
            obj=order,
            client=order.client,
            data={"bulk_run": run.pk},
        )
        accept_order_of_bulk_run.enqueue(item.pk)
    return run


def order_accept_bulk_item(*, item: BulkItem) -> BulkItem:
    """The job of one order in a bulk accept: the ordinary accept, as the staff member."""

    def work() -> str:
        order = Order.objects.get(pk=item.object_id)
        outcome = order_accept(actor=bulk_item_actor(item), order=order)
        failed = [i for i in outcome.items if i.status == ItemStatus.FAILED]
        if failed:
            return ngettext(
                "%(count)s item failed: %(error)s",
                "%(count)s items failed, the first: %(error)s",
                len(failed),
            ) % {"count": len(failed), "error": failed[0].error}
        if outcome.busy:
            return _("Another accept is still working on this order; look at it in a moment.")
        return ""

    return bulk_item_carry_out(item=item, work=work)


def orders_cancel(*, actor: Actor, orders: list[Order], reason: str = "", back_url="") -> BulkRun:
    """Cancel each order on its own, now; an order that cannot be cancelled is reported."""
    with transaction.atomic():
        run, items = bulk_run_start(
            actor=actor,
            action=BulkAction.ORDER_CANCEL,
            targets=_targets(orders, "staff:order_detail"),
            back_url=back_url,
        )
    for order, item in zip(orders, items, strict=True):

        def work(order: Order = order) -> str:
            try:
                order_cancel(actor=actor, order=order, reason=reason)
            except OrderRefused as refused:
                return str(refused)
            return ""

        bulk_item_carry_out(item=item, work=work)
    return run
