"""Reads of services and servers, scoped to who asks."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from hostwerk.clients.models import Client
from hostwerk.clients.queries import clients_named
from hostwerk.core.models import AuditEvent
from hostwerk.core.tallies import Totals, tally
from hostwerk.core.text_search import any_of, contains
from hostwerk.provisioning.models import Service


def service_search(
    *,
    query: str = "",
    status: str = "",
    server_id: int | None = None,
    with_list_columns: bool = True,
) -> QuerySet[Service]:
    """Services matching, newest first. `with_list_columns`: with the client, product and server
    the staff list shows; the API lists give their ids only."""
    services = Service.objects.all()
    if with_list_columns:
        services = services.select_related("client", "product", "server")
    if query:
        services = services.filter(
            any_of(
                Service,
                contains("domain", query.strip()),
                Q(client__in=clients_named(query=query)),
            )
        )
    if status:
        services = services.filter(status=status)
    if server_id:
        services = services.filter(server_id=server_id)
    return services.order_by("-created_at", "-id")


def service_get(*, service_id: int) -> Service:
    return get_object_or_404(
        Service.objects.select_related(
            "client", "product", "server", "order_item__order"
        ).prefetch_related("steps"),
        pk=service_id,
    )


def services_for_client(*, client: Client) -> QuerySet[Service]:
    return (
        Service.objects.filter(client=client)
        .select_related("product", "server")
        .order_by("-created_at", "-id")
    )


def service_get_for_client(*, client: Client, service_id: int) -> Service:
    """The client's own service; another client's is a 404."""
    return get_object_or_404(services_for_client(client=client), pk=service_id)


def service_audit_trail(*, service: Service) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        object_type="provisioning.service", object_id=str(service.pk)
    ).select_related("actor")


def server_list():
    """Servers with their group, in the order of the settings page; their live services come
    from `servers_with_live`."""
    from hostwerk.provisioning.models import Server

    return Server.objects.select_related("group").order_by("kind", "name")


LIVE_PER_SERVER = "provisioning.live_services_per_server"


def live_services_per_server() -> dict[str, dict[str, int]]:
    """Count live services (those that take a place) per server id: the kept totals of
    `servers_with_live` (core/tallies.py), counted by the recount job."""
    from django.db.models import Count

    from hostwerk.provisioning.placement import LIVE_STATUSES

    counted = (
        Service.objects.filter(status__in=LIVE_STATUSES, server__isnull=False)
        .order_by()
        .values("server")
        .annotate(n=Count("*"))
    )
    return {"per_server": {str(row["server"]): row["n"] for row in counted}}


def servers_with_live(servers) -> Totals:
    """Give each server `live` (services that take a place on it, as last counted) and
    `used_percent` of its capacity (None without a limit); returns the kept totals, whose
    `counted_at` the page shows."""
    totals = tally(LIVE_PER_SERVER, count=f"{__name__}.live_services_per_server")
    per_server = totals.value.get("per_server", {})
    for server in servers:
        server.live = per_server.get(str(server.pk), 0)
        server.used_percent = (
            min(100, round(100 * server.live / server.capacity)) if server.capacity else None
        )
    return totals


def server_group_list():
    from django.db.models import Count

    from hostwerk.provisioning.models import ServerGroup

    return (
        ServerGroup.objects.select_related("default_server")
        .annotate(server_count=Count("servers", distinct=True))
        .order_by("name")
    )
