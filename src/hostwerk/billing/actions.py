"""Writes on invoices: the parts every invoice is made of, mark paid, cancel, send by e-mail;
atomic and audited. Orders makes its invoices from these parts (orders/invoicing.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hostwerk.billing.models import Invoice, InvoiceLine, InvoiceStatus
from hostwerk.billing.payments import invoice_pay_in_full
from hostwerk.billing.vat import VatRateMissing, VatTreatment, line_vat, vat_treatment
from hostwerk.clients.models import Client
from hostwerk.core import clock
from hostwerk.core.audit import Actor, apply_changes, audit_record
from hostwerk.core.errors import HostwerkError
from hostwerk.core.money import ZERO, round_money
from hostwerk.notifications.actions import email_queue
from hostwerk.notifications.models import OutgoingEmail


class InvoiceRefused(HostwerkError):
    """The invoice action is not allowed in the invoice's (or order's) current state."""


def _client_address(client: Client) -> str:
    town = f"{client.postcode} {client.city}".strip()
    parts = [client.address1, client.address2, town, client.state]
    return "\n".join(part.strip() for part in parts if part and part.strip())


def client_vat_treatment(client: Client, *, on: datetime.date) -> VatTreatment:
    """The VAT of the client's invoices on `on`, its note worded in the client's language."""
    # The invoice is the client's document: its texts are written in the client's language.
    try:
        with translation.override(client.language):
            return vat_treatment(country=client.country.code, vat_number=client.vat_number, on=on)
    except VatRateMissing:
        # A refusal is for the person invoicing: ask again to word it in their language.
        vat_treatment(country=client.country.code, vat_number=client.vat_number, on=on)
        raise


@dataclass(frozen=True)
class VatPreview:
    """What the client will pay on top of net amounts, as their invoice will compute it."""

    rate: Decimal
    vat: Decimal
    total: Decimal  # including VAT
    note: str  # the invoice's VAT note (reverse charge, outside EU VAT), in the client's language


def vat_preview(*, client: Client, amounts: list[Decimal]) -> VatPreview | None:
    """The VAT and total of `amounts` (one invoice line each, rounded per line as invoices are)
    for `client` today; None when no VAT rate is known for the client's country."""
    try:
        treatment = client_vat_treatment(client, on=clock.today())
    except VatRateMissing:
        return None
    vat = sum((line_vat(amount=amount, rate=treatment.rate) for amount in amounts), start=ZERO)
    net = sum(amounts, start=ZERO)
    return VatPreview(rate=treatment.rate, vat=vat, total=net + vat, note=treatment.note)


def invoice_values(
    *,
    client: Client,
    treatment: VatTreatment,
    issued_on: datetime.date,
    due_on: datetime.date,
    lines: list[InvoiceLine],
    payment_method: str = "",
) -> dict:
    """The fields of a new invoice: VAT, totals of `lines`, and the client's details frozen.

    The payment method is the order's when given, else the client's (renewals)."""
    subtotal = sum((line.amount for line in lines), ZERO)
    vat_amount = sum((line.vat_amount for line in lines), ZERO)
    return {
        "year": issued_on.year,
        "client": client,
        "status": InvoiceStatus.UNPAID,
        "issued_on": issued_on,
        "due_on": due_on,
        "vat_scheme": treatment.scheme,
        "vat_country": treatment.country,
        "vat_rate": treatment.rate,
        "vat_note": treatment.note[:255],
        "subtotal": subtotal,
        "vat_amount": vat_amount,
        "total": subtotal + vat_amount,
        "currency": settings.CURRENCY,
        "client_name": client.full_name,
        "client_company": client.company,
        "client_address": _client_address(client),
        "client_country": client.country.code,
        "client_vat_number": client.vat_number,
        "client_email": client.email,
        "payment_method": payment_method or client.payment_method,
    }


def invoice_line_build(
    *,
    position: int,
    description: str,
    unit_price: Decimal,
    treatment: VatTreatment,
    order_item: Any = None,  # orders.OrderItem: orders invoices its items through here
    service_id: int | None = None,
    domain_id: int | None = None,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    quantity: Decimal = Decimal(1),
) -> InvoiceLine:
    amount = round_money(quantity * unit_price)
    return InvoiceLine(
        position=position,
        order_item=order_item,
        service_id=service_id,
        domain_id=domain_id,
        description=description[:255],
        period_start=period_start,
        period_end=period_end,
        quantity=quantity,
        unit_price=unit_price,
        amount=amount,
        vat_amount=line_vat(amount=amount, rate=treatment.rate),
    )


@transaction.atomic
def invoice_mark_paid(
    *, actor: Actor, invoice: Invoice, paid_on: datetime.date | None = None
) -> Invoice:
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status == InvoiceStatus.PAID:
        raise InvoiceRefused(
            _("Invoice %(number)s is already paid.") % {"number": invoice.number},
            code="already_paid",
        )
    if invoice.status == InvoiceStatus.CANCELLED:
        raise InvoiceRefused(
            _("Invoice %(number)s was cancelled; a cancelled invoice cannot be marked paid.")
            % {"number": invoice.number},
            code="cancelled",
        )
    today = clock.today()
    paid_on = paid_on or today
    if paid_on > today:
        raise InvoiceRefused(
            _("The payment date cannot be in the future."), code="paid_on_in_future"
        )
    audit_record(
        actor=actor,
        action="invoice.mark_paid",
        obj=invoice,
        client=invoice.client,
        changes={
            "status": [invoice.status, InvoiceStatus.PAID],
            "paid_on": [invoice.paid_on, paid_on],
        },
        data={"total": invoice.total},
    )
    # The open amount is booked as one payment; its reference makes a second "mark paid" (a
    # double click, a retry) book nothing more.
    return invoice_pay_in_full(
        actor=actor, invoice=invoice, paid_on=paid_on, reference=f"mark-paid-{invoice.pk}"
    )


@transaction.atomic
def invoice_cancel(*, actor: Actor, invoice: Invoice, reason: str = "") -> Invoice:
    """Cancel an unpaid invoice. It keeps its number, so the numbering stays without gaps."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status == InvoiceStatus.PAID:
        raise InvoiceRefused(
            _("Invoice %(number)s has been paid; a paid invoice cannot be cancelled.")
            % {"number": invoice.number},
            code="paid",
        )
    if invoice.status == InvoiceStatus.CANCELLED:
        raise InvoiceRefused(
            _("Invoice %(number)s is already cancelled.") % {"number": invoice.number},
            code="already_cancelled",
        )
    reason = reason.strip()
    changes = apply_changes(
        invoice,
        {
            "status": InvoiceStatus.CANCELLED,
            "cancelled_at": timezone.now(),
            "cancel_reason": reason,
        },
    )
    invoice.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    # Its periods are no longer charged: the next billing run invoices them anew, unless staff
    # move the service's due date (to skip a period) or end the service.
    invoice.lines.update(void=True)
    audit_record(
        actor=actor,
        action="invoice.cancel",
        obj=invoice,
        client=invoice.client,
        changes=changes,
        data={"reason": reason},
    )
    return invoice


def invoice_url(invoice: Invoice) -> str:
    """The invoice's page in the client area, as an absolute link for e-mails."""
    return settings.BASE_URL + reverse("portal:invoice_detail", kwargs={"invoice_id": invoice.pk})


@transaction.atomic
def invoice_send_email(*, actor: Actor, invoice: Invoice) -> OutgoingEmail:
    """Queue the invoice e-mail to the client, in the client's language, sent after commit."""
    invoice = Invoice.objects.select_related("client").get(pk=invoice.pk)
    client = invoice.client
    if invoice.status == InvoiceStatus.CANCELLED:
        raise InvoiceRefused(
            _("Invoice %(number)s is cancelled; it is not sent to the client.")
            % {"number": invoice.number},
            code="cancelled",
        )
    if not client.email:
        raise InvoiceRefused(
            _("The client has no e-mail address: add one on the client's profile."),
            code="no_email",
        )
    from hostwerk.billing.mollie_payments import invoice_pay_url

    email = email_queue(
        template="invoice",
        to=client.email,
        language=client.language,
        client=client,
        obj=invoice,
        context={
            "invoice": invoice,
            "client": client,
            "url": invoice_url(invoice),
            "pay_url": invoice_pay_url(invoice),
            "seller_name": settings.HOSTWERK_SELLER_NAME,
        },
        attachments=[("invoice_pdf", invoice)],
    )
    audit_record(
        actor=actor,
        action="invoice.send_email",
        obj=invoice,
        client=client,
        data={"to": client.email, "language": client.language, "email": email.pk},
    )
    return email


@transaction.atomic
def billing_settings_update(*, actor: Actor, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Store staff's billing settings; None for a name removes the override (the environment's
    value holds again). Audited with the value in force before and after."""
    from hostwerk.billing.config import SPEC_BY_NAME
    from hostwerk.billing.models import BillingSetting

    stored = {row.name: row for row in BillingSetting.objects.select_for_update()}
    changes: dict[str, list[Any]] = {}
    for name, value in values.items():
        spec = SPEC_BY_NAME[name]
        row = stored.get(name)
        before = spec.environment_value if row is None else row.value
        after = spec.environment_value if value is None else value
        if value is None:
            if row is not None:
                row.delete()
        elif row is None:
            BillingSetting.objects.create(name=name, value=value)
        elif row.value != value:
            row.value = value
            row.save(update_fields=["value", "updated_at"])
        if before != after or (row is None) != (value is None):
            changes[name] = [before, after]
    if changes:
        audit_record(actor=actor, action="billing_settings.update", changes=changes)
    return changes
