"""Order tasks: accepting a large order in the background."""

from __future__ import annotations

from django_tasks import task

from hostwerk.accounts.models import User
from hostwerk.core.audit import Actor
from hostwerk.orders.models import Order


@task()
def accept_order(order_id: int, user_id: int | None) -> list[tuple[int, str]]:
    from hostwerk.orders.acceptance import order_accept

    user = User.objects.filter(pk=user_id).first() if user_id else None
    actor = Actor.for_user(user, via="worker") if user else Actor.system()
    outcome = order_accept(actor=actor, order=Order.objects.get(pk=order_id))
    return [(item.pk, item.status) for item in outcome.items]


@task()
def accept_order_of_bulk_run(item_id: int) -> str:
    """One order of a bulk accept; the outcome is kept on the run's item."""
    from hostwerk.core.bulk import bulk_item_for_job
    from hostwerk.orders.bulk import order_accept_bulk_item

    item = bulk_item_for_job(item_id)
    if item is None:
        return "gone"
    return order_accept_bulk_item(item=item).status
