"""Reads of clients, scoped to what the asking user may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from hostwerk.clients.models import Client
from hostwerk.core.models import AuditEvent
from hostwerk.core.text_search import contains, searched_newest_first


def client_search(*, query: str = "") -> QuerySet[Client]:
    clients = Client.objects.all()
    query = query.strip()
    if query:
        condition = Q()
        for field in ("company", "first_name", "last_name", "email", "city"):
            condition |= contains(field, query)
        if query.isdigit():
            condition |= Q(number=int(query))
        words = query.split()
        if len(words) >= 2:
            # "Jan de Vries": first name and the rest as last name.
            condition |= contains("first_name", words[0]) & contains(
                "last_name", " ".join(words[1:])
            )
        return clients.filter(condition).order_by(*searched_newest_first(query, "number"))
    return clients.order_by("-number")


def clients_named(*, query: str) -> QuerySet[Client]:
    """Clients whose company or last name holds `query`, or whose number it is: the client part
    of the staff list filters of services, domains, zones and mail (`core.text_search.any_of`)."""
    condition = contains("company", query) | contains("last_name", query)
    if query.isdigit():
        condition |= Q(number=int(query))
    return Client.objects.filter(condition).order_by()


def client_get(*, client_id: int) -> Client:
    return get_object_or_404(Client, pk=client_id)


def client_audit_trail(*, client: Client) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(client=client).select_related("actor").order_by("-created_at")
