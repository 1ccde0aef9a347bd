"""Order acceptance (R3, R4): a plan per item, then each item processed on its own.

Each item is claimed with a lease (a conditional UPDATE), so two accepts of one order at the same
time never work on the same item. Remote work happens outside long transactions, checkpointed
per step; the item's final state, its audit event and its follow-up jobs are written in one
transaction. A failed item keeps a message saying what to fix and where, and the next accept
retries only unfinished items, resuming from their last completed step.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hostwerk.core.audit import Actor, audit_record
from hostwerk.core.errors import HostwerkError
from hostwerk.orders.models import ItemKind, ItemStatus, Order, OrderItem, OrderStatus

logger = logging.getLogger(__name__)

# An accept run that stopped (crash, killed worker) releases its items after this long.
ITEM_LEASE = timedelta(minutes=15)
# Domains first (a .de zone and the registration exist before hosting points at them), then
# services, then mail filtering (which needs to know whether the domain is new).
PROCESSING_ORDER = {
    ItemKind.DOMAIN_REGISTER: 0,
    ItemKind.DOMAIN_TRANSFER: 0,
    ItemKind.HOSTING: 1,
    ItemKind.FORWARDING: 1,
    ItemKind.OTHER: 2,
    ItemKind.MAIL_FILTER: 3,
}
# Orders with more items than this are accepted by a task; the page shows its progress.
IN_REQUEST_ITEM_LIMIT = 5


class AcceptFailed(HostwerkError):
    """An item could not be accepted; `message` says what to fix, `link` where."""

    def __init__(self, message: str, *, link: str = "") -> None:
        super().__init__(message)
        self.link = link


class PlanInvalid(Exception):
    def __init__(self, errors: dict[int, dict[str, str]]) -> None:
        super().__init__(str(errors))
        self.errors = errors


@dataclass
class ItemPlan:
    """What accepting will do with one item; shown and editable before accepting (R3)."""

    item: OrderItem
    server: Any = None  # provisioning.Server
    server_choices: list[Any] = field(default_factory=list)
    server_reason: str = ""
    server_skipped: list[str] = field(default_factory=list)
    server_locked: bool = False  # remote steps are done there: the server can no longer change
    create_on_server: bool = False
    automatic: bool = False  # the product's module can create it on a server
    welcome_email: bool = False
    registrar: Any = None  # domains.Registrar
    registrar_choices: list[Any] = field(default_factory=list)
    register: bool = False
    request_filtering: bool = False
    blocked: str = ""  # why the item cannot be accepted as planned
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "item_id": self.item.pk,
            "kind": self.item.kind,
            "status": self.item.status,
            "server_id": self.server.pk if self.server else None,
            "server_reason": self.server_reason,
            "servers_skipped": self.server_skipped,
            "server_locked": self.server_locked,
            "create_on_server": self.create_on_server,
            "welcome_email": self.welcome_email,
            "registrar": self.registrar.name if self.registrar else None,
            "register": self.register,
            "request_filtering": self.request_filtering,
            "blocked": self.blocked,
        }


@dataclass
class PlanContext:
    """What the plans of one order share: servers already planned for earlier items."""

    planned_load: Counter = field(default_factory=Counter)


class ItemHandler:
    """Plans and accepts items of some kinds; see the handlers in provisioning, domains, mail."""

    def default_plan(self, plan: ItemPlan, context: PlanContext) -> None:
        raise NotImplementedError

    def apply_overrides(self, plan: ItemPlan, overrides: dict[str, Any]) -> dict[str, str]:
        """Apply staff's edits to the plan; return field errors."""
        raise NotImplementedError

    def accept(self, plan: ItemPlan, actor: Actor) -> None:
        """Do the work and mark the item accepted (in one final transaction), or raise."""
        raise NotImplementedError


def handler_for(kind: str) -> ItemHandler:
    from hostwerk.domains.acceptance import DomainHandler
    from hostwerk.mail.acceptance import MailFilterHandler
    from hostwerk.provisioning.acceptance import ServiceHandler

    if kind in (ItemKind.DOMAIN_REGISTER, ItemKind.DOMAIN_TRANSFER):
        return DomainHandler()
    if kind == ItemKind.MAIL_FILTER:
        return MailFilterHandler()
    return ServiceHandler()


def _open_items(order: Order) -> list[OrderItem]:
    return list(
        order.items.select_related("product", "product__server_group", "order__client")
        .exclude(status=ItemStatus.CANCELLED)
        .order_by("position", "id")
    )


def order_plan(
    *, order: Order, overrides: dict[int, dict[str, Any]] | None = None
) -> list[ItemPlan]:
    """The acceptance plan: R3 defaults, then the item's saved edits, then `overrides`."""
    context = PlanContext()
    plans = []
    errors: dict[int, dict[str, str]] = {}
    for item in _open_items(order):
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


def item_mark_accepted(
    *, actor: Actor, item: OrderItem, data: dict[str, Any] | None = None
) -> None:
    """Call inside the handler's final transaction, with the objects the item created."""
    OrderItem.objects.filter(pk=item.pk).update(
        status=ItemStatus.ACCEPTED, error="", error_field="", accepted_at=timezone.now()
    )
    item.status = ItemStatus.ACCEPTED
    audit_record(
        actor=actor,
        action="order_item.accept",
        obj=item,
        client=item.order.client,
        changes={"status": [ItemStatus.PENDING, ItemStatus.ACCEPTED]},
        data={"order": item.order.number, **(data or {})},
    )


@transaction.atomic
def _mark_failed(*, actor: Actor, item: OrderItem, message: str, link: str) -> None:
    OrderItem.objects.filter(pk=item.pk).update(
        status=ItemStatus.FAILED, error=message, error_field=link
    )
    item.status, item.error, item.error_field = ItemStatus.FAILED, message, link
    audit_record(
        actor=actor,
        action="order_item.fail",
        obj=item,
        client=item.order.client,
        data={"order": item.order.number, "error": message},
    )


@transaction.atomic
def _refresh_order(order: Order) -> None:
    from hostwerk.orders.actions import order_status_update

    locked = Order.objects.select_for_update().select_related("client").get(pk=order.pk)
    order.status = order_status_update(actor=Actor.system(), order=locked)


@dataclass
class AcceptOutcome:
    order: Order
    items: list[OrderItem]
    busy: list[OrderItem] = field(default_factory=list)  # being accepted by another run


@transaction.atomic
def order_plan_save(
    *, actor: Actor, order: Order, overrides: dict[int, dict[str, Any]]
) -> list[ItemPlan]:
    """Validate staff's plan edits and keep them on the items, so a retry uses the same plan."""
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
    run_id = uuid.uuid4().hex
    outcome = AcceptOutcome(order=order, items=[])
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
            _mark_failed(actor=actor, item=item, message=failure.message, link=failure.link)
        except HostwerkError as error:
            _mark_failed(actor=actor, item=item, message=str(error), link="")
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
        _refresh_order(order)
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
