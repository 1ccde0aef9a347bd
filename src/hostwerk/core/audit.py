"""Who acts (Actor) and the one function that writes the audit trail (R10)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models

from hostwerk.core.models import ActorKind, AuditEvent

if TYPE_CHECKING:
    from hostwerk.accounts.models import User
    from hostwerk.clients.models import Client


SYSTEM_LABEL = "system"
AS_CLIENT = " as client "


@dataclass(frozen=True)
class Actor:
    """The person or process behind an action, as the audit trail should name it."""

    kind: str
    user: User | None = None
    as_client: Client | None = None  # the client a staff member is impersonating
    via: str = "web"  # web, api, cron, worker, command
    ip_address: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def system(cls, via: str = "worker") -> Actor:
        return cls(kind=ActorKind.SYSTEM, via=via)

    @classmethod
    def for_user(
        cls,
        user: User,
        *,
        as_client: Client | None = None,
        via: str = "web",
        ip_address: str | None = None,
    ) -> Actor:
        if as_client is not None:
            kind = ActorKind.STAFF_AS_CLIENT
        elif user.is_staff:
            kind = ActorKind.STAFF
        else:
            kind = ActorKind.CLIENT
        return cls(kind=kind, user=user, as_client=as_client, via=via, ip_address=ip_address)

    @property
    def is_staff(self) -> bool:
        """True for staff acting as staff (not while impersonating) and for the system."""
        return self.kind in (ActorKind.STAFF, ActorKind.SYSTEM)

    @property
    def staff_user(self) -> User | None:
        """The staff member behind the action, also while impersonating."""
        if self.user is not None and self.user.is_staff:
            return self.user
        return None

    @property
    def label(self) -> str:
        # Stored as written here; core.audit_labels.actor_text words it for the reader.
        if self.user is None:
            return f"{SYSTEM_LABEL} ({self.via})"
        if self.as_client is not None:
            return f"{self.user.email}{AS_CLIENT}{self.as_client.number}"
        return self.user.email


def _json_value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json_value(item) for key, item in value.items()}
    return value


def apply_changes(instance: models.Model, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set `values` on `instance` and return {field: [before, after]} for what really changed."""
    changes: dict[str, list[Any]] = {}
    for name, new in values.items():
        old = getattr(instance, name)
        if old != new:
            changes[name] = [_json_value(old), _json_value(new)]
            setattr(instance, name, new)
    return changes


def audit_build(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    client: Client | None = None,
    changes: dict[str, list[Any]] | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """One audit event, not saved yet: for batch work that writes many with one bulk insert."""
    return AuditEvent(
        actor=actor.user,
        actor_kind=actor.kind,
        actor_label=actor.label[:200],
        as_client=actor.as_client,
        client=client,
        via=actor.via,
        ip_address=actor.ip_address,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=str(obj)[:255] if obj is not None else "",
        changes=_json_value(changes or {}),
        data=_json_value(data or {}),
    )


def audit_record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    client: Client | None = None,
    changes: dict[str, list[Any]] | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event. Call inside the action's transaction, so both land or neither."""
    event = audit_build(
        actor=actor, action=action, obj=obj, client=client, changes=changes, data=data
    )
    event.save()
    return event
