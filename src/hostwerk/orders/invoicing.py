"""Invoicing an order: one invoice with a line per item (and per setup fee), made from billing's
parts, in the order's transaction. Orders calls billing; billing never imports orders."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from hostwerk.billing.actions import (
    InvoiceRefused,
    client_vat_treatment,
    invoice_line_build,
    invoice_values,
)
from hostwerk.billing.config import billing_setting
from hostwerk.billing.models import Invoice, InvoiceLine
from hostwerk.billing.numbering import invoice_number_take
from hostwerk.billing.payments import credit_apply
from hostwerk.billing.periods import period_end_for_cycle, period_end_for_years
from hostwerk.billing.queries import credit_balance
from hostwerk.billing.vat import VatTreatment
from hostwerk.core import clock
from hostwerk.core.audit import Actor, audit_record
from hostwerk.orders.models import ItemStatus, Order, OrderItem


def _lines_for_order_item(
    item: OrderItem, *, start: datetime.date, treatment: VatTreatment, position: int
) -> list[InvoiceLine]:
    if item.is_domain:
        period_end = period_end_for_years(start, item.years or 1)
    else:
        period_end = period_end_for_cycle(start, item.billing_cycle)
    description = item.description
    lines = [
        invoice_line_build(
            position=position,
            order_item=item,
            description=description,
            period_start=start,
            period_end=period_end,
            unit_price=item.price,
            treatment=treatment,
        )
    ]
    if item.setup_fee:
        # A setup fee is charged once and covers no period.
        lines.append(
            invoice_line_build(
                position=position + 1,
                order_item=item,
                description=_("Setup fee: %(description)s") % {"description": description},
                unit_price=item.setup_fee,
                treatment=treatment,
            )
        )
    return lines


@transaction.atomic
def invoice_create_for_order(
    *, actor: Actor, order: Order, issued_on: datetime.date | None = None
) -> Invoice:
    """Invoice every item of `order` that was not cancelled; run inside the order's transaction.

    Numbers are taken from the year's counter in this transaction, so an order placement that
    rolls back gives the number back.
    """
    # Lock the order only: locking the joined client too would queue all of its orders.
    order = Order.objects.select_for_update(of=("self",)).select_related("client").get(pk=order.pk)
    existing = Invoice.objects.filter(order=order).values_list("number", flat=True).first()
    if existing:
        raise InvoiceRefused(
            _("Order %(order)s already has invoice %(invoice)s.")
            % {"order": order.number, "invoice": existing},
            code="already_invoiced",
        )
    items = list(
        order.items.exclude(status=ItemStatus.CANCELLED)
        .select_related("product")
        .order_by("position", "id")
    )
    if not items:
        raise InvoiceRefused(
            _("Order %(order)s has no items to invoice.") % {"order": order.number},
            code="nothing_to_invoice",
        )
    client = order.client
    issued_on = issued_on or clock.today()
    period_start = clock.local_day(order.created_at)
    treatment = client_vat_treatment(client, on=issued_on)
    with translation.override(client.language):
        lines: list[InvoiceLine] = []
        for item in items:
            lines += _lines_for_order_item(
                item, start=period_start, treatment=treatment, position=len(lines) + 1
            )
    sequence, number = invoice_number_take(year=issued_on.year)
    invoice = Invoice.objects.create(
        number=number,
        sequence=sequence,
        order=order,
        **invoice_values(
            client=client,
            treatment=treatment,
            issued_on=issued_on,
            due_on=issued_on + datetime.timedelta(days=billing_setting("invoice_due_days")),
            lines=lines,
            payment_method=order.payment_method,
        ),
    )
    for line in lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(lines)
    audit_record(
        actor=actor,
        action="invoice.create",
        obj=invoice,
        client=client,
        data={
            "order": order.number,
            "vat_scheme": invoice.vat_scheme,
            "vat_rate": invoice.vat_rate,
            "total": invoice.total,
            "lines": len(lines),
        },
    )
    if credit_balance(client) > 0:
        credit_apply(actor=actor, client=client)
        invoice.refresh_from_db()
    return invoice
