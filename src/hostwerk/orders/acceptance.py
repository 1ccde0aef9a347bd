"""Order acceptance (R3, R4): a plan per item, then each item processed on its own.

Each item is claimed with a lease (a conditional UPDATE), so two accepts of one order at the same
time never work on the same item. Remote work happens outside long transactions, checkpointed
per step; the item's final state, its audit event and its follow-up jobs are written in one
transaction. A failed item keeps a message saying what to fix and where, and the next accept
retries only unfinished items, resuming from their last completed step.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hostwerk.core.audit import Actor, audit_record
from hostwerk.core.errors import HostwerkError
from hostwerk.core.workers import run_id_new
from hostwerk.orders.accept_domains import DomainHandler
from hostwerk.orders.accept_mail_filters import MailFilterHandler
from hostwerk.orders.accept_services import ServiceHandler
from hostwerk.orders.handlers import (
    ITEM_LEASE,
    AcceptFailed,
    ItemHandler,
    ItemPlan,
    PlanContext,
    PlanInvalid,
    order_refresh,
)
from hostwerk.orders.models import ItemKind, ItemStatus, Order, OrderItem, OrderStatus
from hostwerk.provisioning.remote_errors import remote_error_record

logger = logging.getLogger(__name__)

# Domains first (a .de zone and the registration exist before hosting points at them), then
# services, then mail filtering (which needs to know whether the domain is new).
PROCESSING_ORDER: dict[str, int] = {
    ItemKind.DOMAIN_REGISTER: 0,
    ItemKind.DOMAIN_TRANSFER: 0,
    ItemKind.HOSTING: 1,
    ItemKind.FORWARDING: 1,
    ItemKind.OTHER: 2,
    ItemKind.MAIL_FILTER: 3,
}
# Orders with more items than this are accepted by a task; the page shows its progress.
IN_REQUEST_ITEM_LIMIT = 5


def handler_for(kind: str) -> ItemHandler:
    if kind in (ItemKind.DOMAIN_REGISTER, ItemKind.DOMAIN_TRANSFER):
        return DomainHandler()
    if kind == ItemKind.MAIL_FILTER:
        return MailFilterHandler()
    return ServiceHandler()


def _open_items(order: Order) -> list[OrderItem]:
    return list(
        order.items.select_related(
            "product", "product__server_group__default_server", "order__client"
        )
        .exclude(status=ItemStatus.CANCELLED)
        .order_by("position", "id")
    )


def order_plan(
    *, order: Order, overrides: dict[int, dict[str, Any]] | None = None
) -> list[ItemPlan]:
    """The acceptance plan: R3 defaults, then the item's saved edits, then `overrides`."""
    items = _open_items(order)
    context = PlanContext(items=items)
    plans = []
    errors: dict[int, dict[str, str]] = {}
    for item in items:
        plan = ItemPlan(item=item)
        handler = handler_for(item.kind)
        handler.default_plan(plan, context)
        if item.status != ItemStatus.ACCEPTED:
            edits = {**(item.plan or {}), **((overrides or {}).get(item.pk, {}))}
            if edits:
                item_errors = handler.apply_overrides(plan, edits)
                if item_errors:
                    errors[item.pk] = item_errors
        if plan.server is not None and item.status != ItemStatus.ACCEPTED:
            context.planned_load[plan.server.pk] += 1
        plans.append(plan)
    if errors:
        raise PlanInvalid(errors)
    return plans


def _claim(item: OrderItem, run_id: str) -> bool:
    now = timezone.now()
    return bool(
        OrderItem.objects.filter(pk=item.pk, status__in=(ItemStatus.PENDING, ItemStatus.FAILED))
        .filter(Q(processing_by="") | Q(processing_since__lt=now - ITEM_LEASE))
        .update(processing_by=run_id, processing_since=now)
    )


def _release(item: OrderItem, run_id: str) -> None:
    OrderItem.objects.filter(pk=item.pk, processing_by=run_id).update(
        processing_by="", processing_since=None
    )


@transaction.atomic
def _mark_failed(
    *, actor: Actor, item: OrderItem, message: str, link: str, cause: BaseException | None = None
) -> None:
    remote = remote_error_record(cause)
    OrderItem.objects.filter(pk=item.pk).update(
        status=ItemStatus.FAILED, error=message, error_field=link, remote_error=remote
    )
    item.status, item.error, item.error_field = ItemStatus.FAILED, message, link
    item.remote_error = remote
    audit_record(
        actor=actor,
        action="order_item.fail",
        obj=item,
        client=item.order.client,
        data={
            "order": item.order.number,
            "error": message,
            **({"remote": remote} if remote else {}),
        },
    )


@dataclass
class AcceptOutcome:
    order: Order
    items: list[OrderItem]
    busy: list[OrderItem] = field(default_factory=list)  # being accepted by another run


def order_plan_save(
    *, actor: Actor, order: Order, overrides: dict[int, dict[str, Any]]
) -> list[ItemPlan]:
    """Validate staff's plan edits and keep them on the items, so a retry uses the same plan."""
    if not overrides:
        return order_plan(order=order)  # nothing to keep: no transaction needed to read
    with transaction.atomic():
        plans = order_plan(order=order, overrides=overrides)
        for plan in plans:
            edits = overrides.get(plan.item.pk)
            if edits and plan.item.status != ItemStatus.ACCEPTED:
                merged = {**(plan.item.plan or {}), **edits}
                OrderItem.objects.filter(pk=plan.item.pk).update(plan=merged)
                plan.item.plan = merged
        return plans


def order_accept(
    *, actor: Actor, order: Order, overrides: dict[int, dict[str, Any]] | None = None
) -> AcceptOutcome:
    """Accept every unfinished item of `order` (R4). Safe to call again, and concurrently."""
    if order.status in (OrderStatus.CANCELLED, OrderStatus.FRAUD):
        raise AcceptFailed(
            _("A %(status)s order cannot be accepted.") % {"status": order.get_status_display()}
        )
    plans = order_plan_save(actor=actor, order=order, overrides=overrides or {})
    run_id = run_id_new()
    outcome = AcceptOutcome(order=order, items=[])
    worked = False
    for plan in sorted(
        plans, key=lambda p: (PROCESSING_ORDER[p.item.kind], p.item.position, p.item.pk)
    ):
        item = plan.item
        if item.status not in (ItemStatus.PENDING, ItemStatus.FAILED):
            continue
        if not _claim(item, run_id):
            outcome.busy.append(item)
            continue
        try:
            if plan.blocked:
                raise AcceptFailed(plan.blocked, link=f"#plan-{item.pk}")
            handler_for(item.kind).accept(plan, actor)
        except AcceptFailed as failure:
            _mark_failed(
                actor=actor, item=item, message=failure.message, link=failure.link, cause=failure
            )
        except HostwerkError as error:
            _mark_failed(actor=actor, item=item, message=str(error), link="", cause=error)
        except Exception as error:  # one broken item must not stop the others (R4)
            logger.exception("accepting order item %s failed", item.pk)
            _mark_failed(
                actor=actor,
                item=item,
                message=_("Unexpected error (%(error)s); the technical details are in the log.")
                % {"error": type(error).__name__},
                link="",
            )
        finally:
            _release(item, run_id)
        worked = True
    if worked:
        # Once, not after every item: until the last item is done the order stays pending, and
        # a run that stops half-way leaves it pending either way. It reads the order under its
        # lock and sets its status, the one field of the order that accepting changes.
        order_refresh(actor=Actor.system(), order=order)
    else:
        order.refresh_from_db()
    outcome.items = list(order.items.order_by("position", "id"))
    return outcome


@transaction.atomic
def order_accept_later(
    *, actor: Actor, order: Order, overrides: dict[int, dict[str, Any]] | None = None
) -> None:
    """Save the plan and enqueue the accept as a task (large orders, API async), atomically."""
    from hostwerk.orders.tasks import accept_order

    order_plan_save(actor=actor, order=order, overrides=overrides or {})
    audit_record(actor=actor, action="order.accept_enqueued", obj=order, client=order.client)
    accept_order.enqueue(order.pk, actor.user.pk if actor.user else None)


def order_accepting_now(order: Order) -> bool:
    """Is some run still working on this order (for the progress page)?"""
    return (
        order.items.exclude(processing_by="")
        .filter(processing_since__gte=timezone.now() - ITEM_LEASE)
        .exists()
    )
