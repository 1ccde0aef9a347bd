"""Reads for staff overview screens that span several apps."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q, Sum

from hostwerk.accounts.queries import client_users
from hostwerk.billing.models import Invoice, InvoiceKind, InvoiceStatus
from hostwerk.billing.queries import client_balance
from hostwerk.catalog.models import Product, Tld
from hostwerk.clients.models import Client, ClientStatus
from hostwerk.core import clock
from hostwerk.dns.models import PublishStatus, Zone
from hostwerk.domains.models import Domain, DomainStatus, Registrar
from hostwerk.orders.models import ItemStatus, Order, OrderStatus
from hostwerk.provisioning.models import Server, ServerGroup, Service, ServiceStatus

EXPIRY_WARNING = timedelta(days=30)


def staff_dashboard_figures() -> dict[str, Any]:
    """What needs attention today, in a fixed number of queries."""
    today = clock.today()
    clients = Client.objects.aggregate(
        total=Count("id"), active=Count("id", filter=Q(status=ClientStatus.ACTIVE))
    )
    # distinct: the failing count joins the items, which would count an order once per item.
    orders = Order.objects.aggregate(
        pending=Count("id", filter=Q(status=OrderStatus.PENDING), distinct=True),
        failing=Count(
            "id",
            filter=Q(status=OrderStatus.PENDING, items__status=ItemStatus.FAILED),
            distinct=True,
        ),
    )
    invoices = Invoice.objects.filter(status=InvoiceStatus.UNPAID).aggregate(
        count=Count("id"),
        amount=Sum("total"),
        overdue=Count("id", filter=Q(due_on__lt=today)),
    )
    return {
        "client_count": clients["total"],
        "active_client_count": clients["active"],
        "pending_order_count": orders["pending"],
        "failing_order_count": orders["failing"],
        "unpaid_invoice_count": invoices["count"],
        "unpaid_invoice_amount": invoices["amount"] or 0,
        "overdue_invoice_count": invoices["overdue"],
        "active_service_count": Service.objects.filter(status=ServiceStatus.ACTIVE).count(),
        "zones_not_published": Zone.objects.exclude(status=PublishStatus.PUBLISHED).count(),
        "domains_expiring": list(
            Domain.objects.filter(
                status=DomainStatus.ACTIVE, expires_at__lt=clock.now() + EXPIRY_WARNING
            )
            .select_related("client")
            .order_by("expires_at")[:5]
        ),
        "orders_needing_attention": list(
            Order.objects.filter(status=OrderStatus.PENDING)
            .select_related("client")
            .annotate(failed_items=Count("items", filter=Q(items__status=ItemStatus.FAILED)))
            .order_by("-failed_items", "created_at")[:8]
        ),
        "recent_clients": list(Client.objects.order_by("-created_at")[:5]),
    }


def client_overview(*, client: Client) -> dict[str, Any]:
    """The client's logins, services, domains, recent orders and open invoices for the client page."""
    return {
        "users": list(client_users(client=client)),
        "services": list(
            client.services.select_related("product", "server").order_by("-created_at")[:20]
        ),
        "domains": list(client.domains.order_by("name")[:20]),
        "orders": list(client.orders.order_by("-created_at")[:10]),
        "open_invoices": list(
            client.invoices.filter(status=InvoiceStatus.UNPAID).order_by("due_on")[:10]
        ),
        "balance": client_balance(client=client),
        "credit_notes": list(
            client.invoices.filter(kind=InvoiceKind.CREDIT_NOTE).order_by("-year", "-sequence")[:10]
        ),
    }


def settings_overview() -> dict[str, Any]:
    """How many of each settings object there are, for the settings page's cards."""
    from hostwerk.catalog.models import ProductGroup
    from hostwerk.dns.models import ZoneTemplate

    return {
        "counts": {
            "products": Product.objects.count(),
            "groups": ProductGroup.objects.count(),
            "tlds": Tld.objects.count(),
            "registrars": Registrar.objects.count(),
            "servers": Server.objects.count(),
            "server_groups": ServerGroup.objects.count(),
            "zone_templates": ZoneTemplate.objects.count(),
        },
        "tlds_without_registrar": list(
            Tld.objects.filter(active=True, registrar__isnull=True).order_by("name")[:10]
        ),
    }


def billing_settings_audit_trail():
    from hostwerk.core.models import AuditEvent

    return AuditEvent.objects.filter(action="billing_settings.update").order_by(
        "-created_at", "-id"
    )
