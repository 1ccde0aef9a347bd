"""Reads of logins, scoped to one client."""

from __future__ import annotations

from django.db.models import QuerySet

from hostwerk.accounts.models import User
from hostwerk.clients.models import Client


def client_users(*, client: Client) -> QuerySet[User]:
    """The client's logins, the owner first (the oldest login)."""
    return User.objects.filter(client=client, is_staff=False).order_by("date_joined", "id")
