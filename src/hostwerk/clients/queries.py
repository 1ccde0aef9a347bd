"""Reads of clients, scoped to what the asking user may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from hostwerk.clients.models import Client
from hostwerk.core.models import AuditEvent


def client_search(*, query: str = "") -> QuerySet[Client]:
    clients = Client.objects.all()
    query = query.strip()
    if query:
        condition = (
            Q(company__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
            | Q(city__icontains=query)
        )
        if query.isdigit():
            condition |= Q(number=int(query))
        words = query.split()
        if len(words) >= 2:
            # "Jan de Vries": first name and the rest as last name.
            condition |= Q(first_name__icontains=words[0]) & Q(
                last_name__icontains=" ".join(words[1:])
            )
        clients = clients.filter(condition)
    return clients.order_by("-number")


def client_get(*, client_id: int) -> Client:
    return get_object_or_404(Client, pk=client_id)


def client_audit_trail(*, client: Client) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(client=client).select_related("actor").order_by("-created_at")
