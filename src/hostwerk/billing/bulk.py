"""Bulk work on invoices from the staff invoice list: send each its payment reminder."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from hostwerk.billing.dunning import invoice_reminder_send
from hostwerk.billing.models import Invoice
from hostwerk.core.audit import Actor
from hostwerk.core.bulk import BulkTarget, bulk_item_carry_out, bulk_run_start
from hostwerk.core.models import BulkAction, BulkRun


def invoices_remind(*, actor: Actor, invoices: list[Invoice], back_url: str = "") -> BulkRun:
    """Send each invoice the reminder that fits it, now; refusals are reported per invoice."""
    with transaction.atomic():
        run, items = bulk_run_start(
            actor=actor,
            action=BulkAction.INVOICE_REMIND,
            targets=[
                BulkTarget(
                    object_id=invoice.pk,
                    label=invoice.number,
                    url=reverse("staff:invoice_detail", args=[invoice.pk]),
                )
                for invoice in invoices
            ],
            back_url=back_url,
        )
    for invoice, item in zip(invoices, items, strict=True):

        def work(invoice: Invoice = invoice) -> str:
            invoice_reminder_send(actor=actor, invoice=invoice)
            return ""

        bulk_item_carry_out(item=item, work=work)
    return run
