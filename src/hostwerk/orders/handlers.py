"""The contract between order acceptance and the item handlers (services, domains, mail
filters), and what every handler does at its end: mark its item accepted, activate the order.

Orders orchestrates acceptance: the handlers live in orders/ (accept_services, accept_domains,
accept_mail_filters) and call the plain actions of provisioning, domains, mail and dns, which
know nothing of orders.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from hostwerk.core.audit import Actor, audit_record
from hostwerk.core.errors import HostwerkError
from hostwerk.orders.actions import order_status_update
from hostwerk.orders.models import ItemStatus, Order, OrderItem

# An accept run that stopped (crash, killed worker) releases its items after this long.
ITEM_LEASE = timedelta(minutes=15)


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
    mail_filter_provider: Any = None  # mail.MailFilterProvider, read once for plan and accept
    new_registration: bool = False  # the domain is registered in the same order (R8)
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
    """What the plans of one order share: servers already planned for earlier items, and the
    order's items that are not cancelled."""

    planned_load: Counter = field(default_factory=Counter)
    items: list[OrderItem] = field(default_factory=list)


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


def item_mark_accepted(
    *, actor: Actor, item: OrderItem, data: dict[str, Any] | None = None
) -> None:
    """Call inside the handler's final transaction, with the objects the item created."""
    OrderItem.objects.filter(pk=item.pk).update(
        status=ItemStatus.ACCEPTED,
        error="",
        error_field="",
        remote_error={},
        accepted_at=timezone.now(),
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


def item_being_accepted(order_item_id: int | None) -> bool:
    """Is an accept run working on this item right now (its lease has not run out)?"""
    return bool(
        order_item_id
        and OrderItem.objects.filter(
            pk=order_item_id, processing_since__gte=timezone.now() - ITEM_LEASE
        )
        .exclude(processing_by="")
        .exists()
    )


@transaction.atomic
def order_refresh(*, actor: Actor, order: Order) -> str:
    """Derive the order's status after an item changed, under the order's lock; activation is
    audited and sends the "ready" e-mail (orders.actions.order_status_update)."""
    locked = Order.objects.select_for_update().select_related("client").get(pk=order.pk)
    order.status = order_status_update(actor=actor, order=locked)
    return order.status


def leases_of_stopped_worker_release(*, worker_id: str, **_) -> int:
    """A worker died mid-accept: its item leases go, so its queued-again task may claim them."""
    from hostwerk.core.workers import run_id_prefix

    return OrderItem.objects.filter(processing_by__startswith=run_id_prefix(worker_id)).update(
        processing_by="", processing_since=None
    )
