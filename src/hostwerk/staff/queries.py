"""Reads for staff overview screens that span several apps."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, Sum

from hostwerk.accounts.queries import client_users
from hostwerk.billing.models import Invoice, InvoiceKind, InvoiceStatus, Payment
from hostwerk.billing.queries import (
    INCOME_EXCLUDED_METHODS,
    client_balance,
    signed_payment_amount,
)
from hostwerk.catalog.models import Product, Tld
from hostwerk.clients.models import Client, ClientStatus
from hostwerk.core import clock
from hostwerk.core.counts import related_count
from hostwerk.core.money import ZERO
from hostwerk.core.tallies import tally
from hostwerk.dns.models import PublishStatus, Zone
from hostwerk.domains.models import Domain, DomainStatus, Registrar
from hostwerk.mail.models import Mailbox, MailboxStatus, SpamFilterState
from hostwerk.orders.models import ItemStatus, Order, OrderItem, OrderStatus
from hostwerk.provisioning.models import Server, ServerGroup, Service, ServiceStatus
from hostwerk.provisioning.queries import servers_with_live

EXPIRY_WARNING = timedelta(days=30)


def staff_dashboard_figures() -> dict[str, Any]:
    """What needs attention today, in a fixed number of queries."""
    today = clock.today()
    totals = tally(DASHBOARD_TOTALS, count=f"{__name__}.dashboard_totals")
    servers = list(Server.objects.order_by("-active", "kind", "name"))
    servers_with_live(servers)
    # Only the pending orders (by their status index), each looked at once: joining the items of
    # every order and counting distinct orders read the whole table.
    failing_items = OrderItem.objects.filter(order=OuterRef("pk"), status=ItemStatus.FAILED)
    orders = Order.objects.filter(status=OrderStatus.PENDING).aggregate(
        pending=Count("id"), failing=Count("id", filter=Exists(failing_items))
    )
    open_amount = F("total") - F("amount_paid")
    invoices = Invoice.objects.filter(
        status=InvoiceStatus.UNPAID, kind=InvoiceKind.INVOICE
    ).aggregate(
        # Counted by due_on (never null), not id: the partial index invoice_unpaid_open holds
        # every column read here.
        count=Count("due_on"),
        amount=Sum(open_amount),
        overdue=Count("due_on", filter=Q(due_on__lt=today)),
        overdue_amount=Sum(open_amount, filter=Q(due_on__lt=today)),
    )
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    income = (
        Payment.objects.filter(paid_on__gte=last_month, paid_on__lte=today)
        .exclude(method__in=INCOME_EXCLUDED_METHODS)
        .aggregate(
            this_month=Sum(signed_payment_amount(), filter=Q(paid_on__gte=this_month)),
            last_month=Sum(signed_payment_amount(), filter=Q(paid_on__lt=this_month)),
        )
    )
    expiring = Domain.objects.filter(
        status=DomainStatus.ACTIVE,
        expires_at__gte=clock.now(),
        expires_at__lte=clock.now() + EXPIRY_WARNING,
    )
    return {
        "client_count": totals.value["clients"],
        "active_client_count": totals.value["active_clients"],
        "totals_counted_at": totals.counted_at,
        "pending_order_count": orders["pending"],
        "failing_order_count": orders["failing"],
        "unpaid_invoice_count": invoices["count"],
        "unpaid_invoice_amount": invoices["amount"] or ZERO,
        "overdue_invoice_count": invoices["overdue"],
        "overdue_invoice_amount": invoices["overdue_amount"] or ZERO,
        "income_this_month": income["this_month"] or ZERO,
        "income_last_month": income["last_month"] or ZERO,
        "this_month": this_month,
        "last_month": last_month,
        "failed_item_count": OrderItem.objects.filter(
            status=ItemStatus.FAILED, order__status=OrderStatus.PENDING
        ).count(),
        "mailboxes_needing_attention": Mailbox.objects.filter(status=MailboxStatus.ACTIVE)
        .exclude(spam_filter=SpamFilterState.ON)
        .count(),
        "servers": servers,
        "active_service_count": totals.value["active_services"],
        "zones_not_published": Zone.objects.exclude(status=PublishStatus.PUBLISHED).count(),
        "domains_expiring_count": expiring.count(),
        "domains_expiring": list(expiring.select_related("client").order_by("expires_at")[:5]),
        "orders_needing_attention": _orders_needing_attention(),
        "recent_clients": list(Client.objects.order_by("-created_at")[:5]),
    }


def _orders_needing_attention(limit: int = 8) -> list[Order]:
    """Pending orders, most failed items first: the keys are picked first, so only those orders
    are joined to their clients, not every pending order."""
    orders = Order.objects.annotate(
        failed_items=related_count(OrderItem.objects.filter(status=ItemStatus.FAILED), to="order")
    ).order_by("-failed_items", "created_at")
    keys = orders.filter(status=OrderStatus.PENDING).values("pk")[:limit]
    return list(orders.filter(pk__in=keys).select_related("client"))


DASHBOARD_TOTALS = "staff.dashboard_totals"


def dashboard_totals() -> dict[str, int]:
    """Count the dashboard's totals over every client and service: kept (core/tallies.py), not
    counted per request."""
    clients = Client.objects.aggregate(
        total=Count("id"), active=Count("id", filter=Q(status=ClientStatus.ACTIVE))
    )
    return {
        "clients": clients["total"],
        "active_clients": clients["active"],
        "active_services": Service.objects.filter(status=ServiceStatus.ACTIVE).count(),
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


def email_template_audit_trail(*, kind: str, language: str):
    from hostwerk.core.models import AuditEvent

    return AuditEvent.objects.filter(
        action__startswith="email_template.", data__kind=kind, data__language=language
    ).order_by("-created_at", "-id")
