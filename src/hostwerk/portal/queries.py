"""Reads for the client area overview; every query is scoped to the request's client."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Sum

from hostwerk.billing.models import InvoiceStatus
from hostwerk.clients.models import Client
from hostwerk.orders.models import OrderStatus
from hostwerk.provisioning.models import ServiceStatus


def portal_dashboard_figures(*, client: Client) -> dict[str, Any]:
    invoices = client.invoices.filter(status=InvoiceStatus.UNPAID).aggregate(
        count=Count("id"), amount=Sum("total")
    )
    return {
        "services": list(
            client.services.filter(
                status__in=(ServiceStatus.ACTIVE, ServiceStatus.SUSPENDED, ServiceStatus.PENDING)
            )
            .select_related("product")
            .order_by("domain")[:6]
        ),
        "domains": list(
            client.domains.exclude(status__in=("cancelled", "transferred_away")).order_by(
                "expires_at"
            )[:6]
        ),
        "unpaid_invoices": list(
            client.invoices.filter(status=InvoiceStatus.UNPAID).order_by("due_on")[:5]
        ),
        "unpaid_count": invoices["count"],
        "unpaid_amount": invoices["amount"] or 0,
        "open_orders": client.orders.filter(status=OrderStatus.PENDING).count(),
    }
