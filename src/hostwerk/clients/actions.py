"""Writes on clients: create and update, atomic and audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F

from hostwerk.clients.models import Client
from hostwerk.core.audit import Actor, apply_changes, audit_record

FIRST_CLIENT_NUMBER = 10001


@transaction.atomic
def client_create(*, actor: Actor, values: dict[str, Any]) -> Client:
    """Create a client (accounts.actions.client_create_with_login also makes its owner login)."""
    client = Client.objects.create(**values)
    # The number follows the primary key, so it is unique without a lock and readable on paper.
    Client.objects.filter(pk=client.pk).update(number=F("pk") + FIRST_CLIENT_NUMBER - 1)
    client.refresh_from_db(fields=["number"])
    audit_record(
        actor=actor,
        action="client.create",
        obj=client,
        client=client,
        data={"email": client.email, "name": client.display_name},
    )
    return client


@transaction.atomic
def client_update(*, actor: Actor, client: Client, values: dict[str, Any]) -> Client:
    client = Client.objects.select_for_update().get(pk=client.pk)
    changes = apply_changes(client, values)
    if changes:
        client.save()
        audit_record(
            actor=actor, action="client.update", obj=client, client=client, changes=changes
        )
    return client
