"""The request as Hostwerk's middleware and API authentication leave it, typed for the views."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from hostwerk.accounts.models import User
from hostwerk.clients.models import Client
from hostwerk.core.audit import Actor


class HostwerkRequest(HttpRequest):
    """Any request past the middleware of settings.MIDDLEWARE (ImpersonationMiddleware, htmx)."""

    # The client the request acts for: a client user's own, or the one staff impersonate.
    client: Client | None
    impersonating: bool
    client_areas: frozenset[str]
    # Lazy: most requests never audit anything. None for anonymous visitors.
    actor: Actor | None
    htmx: HtmxDetails


class AuthenticatedRequest(HostwerkRequest):
    """A request of a logged-in user, so there is an actor; for code both areas share."""

    user: User
    actor: Actor


class StaffRequest(AuthenticatedRequest):
    """A request that passed staff_required."""


class ClientRequest(AuthenticatedRequest):
    """A request that passed client_required: it acts for a client (own login or impersonation)."""

    client: Client


class ApiRequest(AuthenticatedRequest):
    """An API request that TokenAuth let through; client is None for a staff token."""
