"""Reads of logins, scoped to one client."""

from __future__ import annotations

from django.db.models import QuerySet

from hostwerk.accounts.models import CLIENT_ACCESS_AREAS, User
from hostwerk.clients.models import Client


def client_users(*, client: Client) -> QuerySet[User]:
    """The client's logins, the owner first (the oldest login)."""
    return User.objects.filter(client=client, is_staff=False).order_by("date_joined", "id")


def client_area_reachable(*, client: Client, area: str) -> bool:
    """Can someone of the client open this part of the client area (a login, maybe still invited)?

    E-mails use it to promise only links the client can follow.
    """
    accesses = [access for access, areas in CLIENT_ACCESS_AREAS.items() if area in areas]
    return User.objects.filter(
        client=client, is_active=True, is_staff=False, client_access__in=accesses
    ).exists()


def client_areas_reachable(*, client: Client) -> frozenset[str]:
    """Every part of the client area someone of the client can open (client_area_reachable for
    all areas, in one query)."""
    accesses = (
        User.objects.filter(client=client, is_active=True, is_staff=False)
        .values_list("client_access", flat=True)
        .distinct()
    )
    return frozenset().union(*(CLIENT_ACCESS_AREAS.get(access, frozenset()) for access in accesses))
