"""Impersonation ("log in as client", R1 b): start, stop, and the Actor a request acts as."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from hostwerk.accounts.request import HostwerkRequest, StaffRequest
from hostwerk.clients.models import Client
from hostwerk.core.audit import Actor, audit_record

IMPERSONATION_SESSION_KEY = "hostwerk_impersonate_client_id"


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def request_actor(request: HostwerkRequest) -> Actor | None:
    if not request.user.is_authenticated:
        return None
    return Actor.for_user(
        request.user,
        as_client=request.client if getattr(request, "impersonating", False) else None,
        ip_address=client_ip(request),
    )


class ImpersonationRefused(PermissionError):
    pass


@transaction.atomic
def impersonation_start(*, request: StaffRequest, client: Client) -> None:
    user = request.user
    if not user.can_impersonate:
        raise ImpersonationRefused("this staff member may not log in as a client")
    actor = Actor.for_user(user, ip_address=client_ip(request))
    audit_record(actor=actor, action="impersonation.start", obj=client, client=client)
    request.session[IMPERSONATION_SESSION_KEY] = client.pk
    request.session.cycle_key()


@transaction.atomic
def impersonation_stop(*, request: HttpRequest) -> Client | None:
    client_id = request.session.pop(IMPERSONATION_SESSION_KEY, None)
    client = Client.objects.filter(pk=client_id).first() if client_id else None
    if client is not None and request.user.is_authenticated:
        actor = Actor.for_user(request.user, ip_address=client_ip(request))
        audit_record(actor=actor, action="impersonation.stop", obj=client, client=client)
    return client
