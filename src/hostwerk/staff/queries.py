"""Reads for staff overview screens that span several apps."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from hostwerk.catalog.models import Product, Tld
from hostwerk.clients.models import Client, ClientStatus
from hostwerk.domains.models import Registrar
from hostwerk.provisioning.models import Server, ServerGroup


def staff_dashboard_figures() -> dict[str, Any]:
    counts = Client.objects.aggregate(
        total=Count("id"), active=Count("id", filter=Q(status=ClientStatus.ACTIVE))
    )
    return {
        "client_count": counts["total"],
        "active_client_count": counts["active"],
        "recent_clients": list(Client.objects.order_by("-created_at")[:5]),
    }


def client_overview(*, client: Client) -> dict[str, Any]:
    return {"users": list(client.users.all())}


def settings_overview() -> dict[str, Any]:
    return {
        "servers": list(Server.objects.select_related("group").order_by("kind", "name")),
        "server_groups": list(ServerGroup.objects.select_related("default_server")),
        "products": list(Product.objects.select_related("server_group").prefetch_related("prices")),
        "tlds": list(Tld.objects.select_related("registrar").prefetch_related("prices")),
        "registrars": list(Registrar.objects.all()),
    }
