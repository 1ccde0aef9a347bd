"""Reads of services and servers, scoped to who asks."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from hostwerk.clients.models import Client
from hostwerk.clients.queries import clients_named
from hostwerk.core.models import AuditEvent
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
    """Servers with their group and how many live services each holds (for capacity)."""
    from hostwerk.core.counts import related_count
    from hostwerk.provisioning.models import Server, ServiceStatus

    live = Service.objects.filter(status__in=(ServiceStatus.ACTIVE, ServiceStatus.SUSPENDED))
    return (
        Server.objects.select_related("group")
        .annotate(service_count=related_count(live, to="server"))
        .order_by("kind", "name")
    )


def server_group_list():
    from django.db.models import Count

    from hostwerk.provisioning.models import ServerGroup

    return (
        ServerGroup.objects.select_related("default_server")
        .annotate(server_count=Count("servers", distinct=True))
        .order_by("name")
    )
