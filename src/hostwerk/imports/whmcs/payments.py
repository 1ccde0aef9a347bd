"""The WHMCS import of payments, refunds and credit (tblaccounts, tblinvoices credit, tblclients.credit)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from hostwerk.billing.models import (
    CreditEntry,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentKind,
    PaymentMethod,
)
from hostwerk.core.money import ZERO
from hostwerk.imports.whmcs import mapping as m
from hostwerk.imports.whmcs.base import ACTOR_LABEL, SOURCE, ImportBase


class PaymentImport(ImportBase):
    # --- payments, refunds, credit used ----------------------------------------------------

    def _payments(self, rows, invoices, accounts, mass_pay) -> None:
        payments = []
        credit_used = []
        paid_amounts: dict[int, Decimal] = {}
        for row in rows:
            invoice = invoices[row["id"]]
            gross = ZERO
            refunded = ZERO
            for account in accounts.get(row["id"], []):
                paid_on = m.day(account["date"]) or invoice.paid_on or invoice.issued_on
                common = {
                    "invoice_id": invoice.pk,
                    "method": m.payment_method(account["gateway"]),
                    "provider": SOURCE,
                    "paid_on": paid_on,
                    "actor_label": ACTOR_LABEL,
                }
                transid = m.text(account["transid"])
                reference = f"whmcs-{account['id']}" + (f" {transid}" if transid else "")
                if m.money(account["amountin"]) > 0:
                    gross += m.money(account["amountin"])
                    payments.append(
                        (
                            "tblaccounts",
                            account["id"],
                            {
                                **common,
                                "kind": PaymentKind.PAYMENT,
                                "amount": m.money(account["amountin"]),
                                "reference": reference[:100],
                            },
                        )
                    )
                if m.money(account["amountout"]) > 0:
                    refunded += m.money(account["amountout"])
                    payments.append(
                        (
                            "tblaccounts_refund",
                            account["id"],
                            {
                                **common,
                                "kind": PaymentKind.REFUND,
                                "amount": m.money(account["amountout"]),
                                "reference": reference[:100],
                            },
                        )
                    )
            credit = m.money(row["credit"])
            if credit > 0:
                gross += credit
                payments.append(
                    (
                        "tblinvoices_credit",
                        row["id"],
                        {
                            "invoice_id": invoice.pk,
                            "kind": PaymentKind.PAYMENT,
                            "amount": credit,
                            "method": PaymentMethod.CREDIT,
                            "provider": SOURCE,
                            "reference": f"whmcs-credit-{row['id']}",
                            "paid_on": invoice.paid_on or invoice.issued_on,
                            "actor_label": ACTOR_LABEL,
                        },
                    )
                )
                credit_used.append(
                    (
                        row["id"],
                        {
                            "client_id": invoice.client_id,
                            "amount": -credit,
                            "invoice_id": invoice.pk,
                            "description": f"Used for invoice {invoice.number} (in WHMCS)",
                        },
                    )
                )
            if invoice.status == InvoiceStatus.PAID and gross < invoice.total:
                # Paid in WHMCS without (enough) transactions: by a mass payment invoice, or
                # marked paid by staff. The rest is booked so the invoice is paid here too.
                through = mass_pay.get(row["id"])
                reference = (
                    f"whmcs-masspay-{through}-{row['id']}" if through else f"whmcs-paid-{row['id']}"
                )
                payments.append(
                    (
                        "tblinvoices_paid",
                        row["id"],
                        {
                            "invoice_id": invoice.pk,
                            "kind": PaymentKind.PAYMENT,
                            "amount": invoice.total - gross,
                            "method": PaymentMethod.OTHER,
                            "provider": SOURCE,
                            "reference": reference,
                            "paid_on": invoice.paid_on or invoice.issued_on,
                            "actor_label": ACTOR_LABEL,
                        },
                    )
                )
                gross = invoice.total
            paid_amounts[invoice.pk] = max(min(gross, invoice.total) - refunded, ZERO)
        by_table = defaultdict(list)
        for table, source_id, values in payments:
            by_table[table].append((source_id, values))
        for table, table_rows in by_table.items():
            self.upsert(table=table, entity="payments", model=Payment, rows=table_rows)
        self.upsert(
            table="tblinvoices_credit_used", entity=None, model=CreditEntry, rows=credit_used
        )
        changed = [
            invoice
            for invoice in invoices.values()
            if invoice.amount_paid != paid_amounts.get(invoice.pk, ZERO)
        ]
        for invoice in changed:
            invoice.amount_paid = paid_amounts.get(invoice.pk, ZERO)
        if changed:
            Invoice.objects.bulk_update(changed, ["amount_paid"], batch_size=1000)

    # --- client credit -----------------------------------------------------------------------

    def reconcile_credit(self) -> None:
        """Bring each client's credit to tblclients.credit with one entry for the difference."""
        clients = self.links.table("tblclients")
        balances = dict(
            CreditEntry.objects.filter(client_id__in=clients.values())
            .values("client_id")
            .annotate(total=Sum("amount"))
            .values_list("client_id", "total")
        )
        entries = []
        for source_id, credit in self.client_credit.items():
            client_id = clients.get(source_id)
            if client_id is None:
                continue
            difference = credit - (balances.get(client_id) or ZERO)
            if difference:
                entries.append(
                    CreditEntry(
                        client_id=client_id,
                        amount=difference,
                        description="Credit balance taken over from WHMCS",
                    )
                )
        with transaction.atomic():
            CreditEntry.objects.bulk_create(entries, batch_size=2000)
        self.report.counts["credit_adjustments"] += len(entries)
