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
