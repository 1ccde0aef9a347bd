"""Every kind of e-mail Hostwerk sends: the variables its senders give it, and sample values
for the staff area's preview. A staff template may use only its kind's variables."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

LANGUAGES = ("nl", "en")

CLIENT = _("the client: first_name, last_name, company, display_name, number, email")
ORDER = _("the order: number, total, get_channel_display")
ITEMS = _("the order's items, each with description, price, years, billing_cycle, domain_display")
INVOICE = _("the invoice: number, total, amount_due, issued_on, due_on, paid_on, status")
SERVICE = _("the service: domain, username, product.name")
SELLER = _("the provider's name")


class _Sample(SimpleNamespace):
    """A made-up object that prints like the real one ({{ service }} in a subject)."""

    def __init__(self, _text: str = "", **values: Any) -> None:
        super().__init__(**values)
        self._text = _text

    def __str__(self) -> str:
        return self._text


@dataclass(frozen=True)
class EmailKind:
    name: str  # the folder under templates/notifications/, and OutgoingEmail.template
    label: str | Promise
    variables: dict[str, str | Promise]  # name -> what it holds

    @property
    def variable_rows(self) -> list[tuple[str, str | Promise]]:
        # For templates: {{ kind.variables.items }} would find a variable named "items".
        return list(self.variables.items())


def _kind(name: str, label: str | Promise, **variables: str | Promise) -> EmailKind:
    # Every e-mail may name the provider (its header and signature do).
    return EmailKind(name, label, {**variables, "seller_name": SELLER})


KINDS: tuple[EmailKind, ...] = (
    _kind(
        "order_confirmation",
        _("Order confirmation"),
        client=CLIENT,
        order=ORDER,
        items=ITEMS,
        invoice=_("the order's invoice, if one was made: number"),
        order_url=_("link to the order in the client area; empty without a login"),
    ),
    _kind(
        "order_ready",
        _("Order ready"),
        client=CLIENT,
        order=ORDER,
        items=ITEMS,
        order_url=_("link to the order in the client area; empty without a billing login"),
        services_url=_("link to the services in the client area; empty without a login"),
        has_login=_("whether the client has a login for the client area"),
    ),
    _kind(
        "staff_new_order",
        _("New order (to staff)"),
        client=CLIENT,
        order=ORDER,
        items=ITEMS,
        accept_url=_("link to the order's acceptance in the staff area"),
    ),
    _kind(
        "welcome_hosting",
        _("Welcome to your hosting"),
        client=CLIENT,
        service=SERVICE,
        panel_url=_("link to the Plesk control panel"),
        service_url=_("link to the service in the client area; empty without a login"),
    ),
    _kind(
        "invoice",
        _("Invoice"),
        client=CLIENT,
        invoice=INVOICE,
        url=_("link to the invoice in the client area"),
        pay_url=_("link to pay online; empty when online payment is off"),
        seller_name=SELLER,
    ),
    _kind(
        "invoice_reminder",
        _("Payment reminder (before the due date)"),
        client=CLIENT,
        invoice=INVOICE,
        url=_("link to the invoice in the client area"),
        pay_url=_("link to pay online; empty when online payment is off"),
        seller_name=SELLER,
        days_overdue=_("days past the due date (0 before it)"),
        notice=_("which overdue notice this is: 1, 2, 3 (0 for a reminder)"),
        suspend_days=_("days overdue after which services are suspended"),
    ),
    _kind(
        "invoice_overdue",
        _("Overdue notice"),
        client=CLIENT,
        invoice=INVOICE,
        url=_("link to the invoice in the client area"),
        pay_url=_("link to pay online; empty when online payment is off"),
        seller_name=SELLER,
        days_overdue=_("days past the due date (0 before it)"),
        notice=_("which overdue notice this is: 1, 2, 3 (0 for a reminder)"),
        suspend_days=_("days overdue after which services are suspended"),
    ),
    _kind(
        "service_suspended",
        _("Service suspended"),
        client=CLIENT,
        service=SERVICE,
        invoices_url=_("link to the invoices in the client area"),
        seller_name=SELLER,
    ),
    _kind(
        "service_terminated",
        _("Service terminated"),
        client=CLIENT,
        service=SERVICE,
        invoices_url=_("link to the invoices in the client area"),
        seller_name=SELLER,
    ),
    _kind(
        "domain_expiry",
        _("Domain renewal notice"),
        client=CLIENT,
        domain=_("the domain: name, name_unicode"),
        days=_("days until it expires"),
        expires_at=_("the expiry date"),
        renews_automatically=_("whether it renews without the client doing anything"),
        domains_url=_("link to the domains in the client area"),
    ),
    _kind(
        "login_invitation",
        _("Client area invitation"),
        client=CLIENT,
        user=_("the login: email, first_name"),
        link_url=_("the one-time link to choose a password"),
        login_url=_("link to the client area's login page"),
        hours=_("hours the link stays valid"),
        areas=_("what the login may see: billing, technical"),
    ),
    _kind(
        "password_reset",
        _("Password reset"),
        client=CLIENT,
        user=_("the login: email, first_name"),
        link_url=_("the one-time link to choose a password"),
        login_url=_("link to the client area's login page"),
        hours=_("hours the link stays valid"),
        areas=_("what the login may see: billing, technical"),
    ),
    _kind(
        "mail_filter_request",
        _("Mail filtering request (to the provider)"),
        action=_("what is asked: add or remove"),
        provider=_("the filtering provider: name"),
        domain=_("the domain, as people read it"),
        domain_ascii=_("the domain in ASCII (punycode)"),
        destination=_("the host the filter delivers to"),
        port=_("the port the filter delivers to"),
        mx_records=_("the MX records the domain will get"),
        reference=_("Hostwerk's reference of the request"),
    ),
)
KIND_BY_NAME = {kind.name: kind for kind in KINDS}


def sample_context(kind: EmailKind) -> dict[str, Any]:
    """Made-up values of every variable of `kind`, for previews: no database rows needed."""
    client = _Sample(
        "Bakkerij De Vries",
        first_name="Anna",
        last_name="de Vries",
        company="Bakkerij De Vries",
        display_name="Bakkerij De Vries",
        number=10042,
        email="anna@bakkerij-devries.nl",
        language="nl",
    )
    items = [
        SimpleNamespace(
            description="Webhosting Basis — bakkerij-devries.nl",
            price=Decimal("59.88"),
            years=None,
            billing_cycle="annually",
            get_billing_cycle_display=_("Annually"),
            kind="hosting",
            domain_display="bakkerij-devries.nl",
        ),
        SimpleNamespace(
            description="bakkerij-devries.nl",
            price=Decimal("9.95"),
            years=1,
            billing_cycle="",
            get_billing_cycle_display="",
            kind="domain_register",
            domain_display="bakkerij-devries.nl",
        ),
    ]
    today = datetime.date(2026, 3, 1)
    invoice = SimpleNamespace(
        number="2026-0042",
        total=Decimal("84.45"),
        amount_due=Decimal("84.45"),
        issued_on=today,
        due_on=today + datetime.timedelta(days=14),
        paid_on=None,
        status="unpaid",
        payment_method="bank_transfer",
    )
    service = _Sample(
        "Webhosting Basis — bakkerij-devries.nl",
        domain="bakkerij-devries.nl",
        username="hw10042",
        product=SimpleNamespace(name="Webhosting Basis"),
    )
    base = "https://hostwerk.example"
    values: dict[str, Any] = {
        "client": client,
        "order": SimpleNamespace(
            number="ORD-2026-0042", total=Decimal("69.83"), get_channel_display=_("staff")
        ),
        "items": items,
        "invoice": invoice,
        "order_url": f"{base}/portal/orders/42/",
        "services_url": f"{base}/portal/services/",
        "has_login": True,
        "accept_url": f"{base}/staff/orders/42/accept/",
        "service": service,
        "panel_url": "https://plesk1.example:8443/",
        "service_url": f"{base}/portal/services/7/",
        "url": f"{base}/portal/invoices/42/",
        "pay_url": f"{base}/portal/invoices/42/pay/",
        "seller_name": settings.HOSTWERK_SELLER_NAME,
        "days_overdue": 7,
        "notice": 1,
        "suspend_days": 14,
        "invoices_url": f"{base}/portal/invoices/",
        "domain": SimpleNamespace(name="bakkerij-devries.nl", name_unicode="bakkerij-devries.nl"),
        "days": 30,
        "expires_at": today + datetime.timedelta(days=30),
        "renews_automatically": True,
        "domains_url": f"{base}/portal/domains/",
        "user": SimpleNamespace(email="anna@bakkerij-devries.nl", first_name="Anna"),
        "link_url": f"{base}/password/set/sample/",
        "login_url": f"{base}/portal/login/",
        "hours": 72,
        "areas": ["billing", "technical"],
        "action": "add",
        "provider": SimpleNamespace(name="SpamExperts"),
        "domain_ascii": "bakkerij-devries.nl",
        "destination": "mn-mx1.bakkerij-devries.nl",
        "port": 25,
        "mx_records": [
            "MX 10 spamx.bakkerij-devries.nl.",
            "MX 20 spamx-fallback.bakkerij-devries.nl.",
        ],
        "reference": "MF-7",
    }
    if kind.name == "mail_filter_request":
        values["domain"] = "bakkerij-devries.nl"
    return {name: values[name] for name in kind.variables}
