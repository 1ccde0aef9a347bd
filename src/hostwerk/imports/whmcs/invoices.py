"""The WHMCS import of invoices and their lines (tblinvoices, tblinvoiceitems)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hostwerk.billing.models import (
    Invoice,
    InvoiceCounter,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    VatScheme,
)
from hostwerk.billing.periods import period_end_for_cycle, period_end_for_years
from hostwerk.billing.vat import line_vat, seller_country
from hostwerk.clients.models import Client
from hostwerk.core.money import ZERO
from hostwerk.core.validators import EU_COUNTRIES
from hostwerk.imports.whmcs import mapping as m
from hostwerk.imports.whmcs.payments import PaymentImport

# Imported invoices whose number is not in Hostwerk's yearly series (a WHMCS proforma, a number
# from another year) are kept out of the counter's way: sequence = this + the WHMCS id.
OUTSIDE_SERIES = 1_000_000_000


class InvoiceImport(PaymentImport):
    """Invoices and their lines; each batch books its payments (PaymentImport) in the same transaction."""

    def import_invoices(self) -> None:
        mass_pay: dict[int, int] = {}  # invoice paid through a mass payment → that invoice
        mass_pay_ids: set[int] = set()
        for row in self.reader.query(
            "SELECT invoiceid, relid FROM tblinvoiceitems WHERE type = 'Invoice'"
        ):
            mass_pay_ids.add(row["invoiceid"])
            mass_pay[row["relid"]] = row["invoiceid"]
        sequential = self.config.get("SequentialInvoiceNumbering", "").lower() == "on"
        self.numbers = dict(Invoice.objects.values_list("number", "pk"))
        self.positions = {
            (year, sequence): pk
            for year, sequence, pk in Invoice.objects.filter(kind=InvoiceKind.INVOICE).values_list(
                "year", "sequence", "pk"
            )
        }
        self.position_of = {pk: position for position, pk in self.positions.items()}
        self.number_of = {pk: number for number, pk in self.numbers.items()}
        self.series_max: dict[int, int] = defaultdict(int)
        for batch in self.reader.batches("tblinvoices"):
            ids = [row["id"] for row in batch]
            items = defaultdict(list)
            for item in self.reader.rows_for("tblinvoiceitems", "invoiceid", ids):
                items[item["invoiceid"]].append(item)
            accounts = defaultdict(list)
            for account in self.reader.rows_for("tblaccounts", "invoiceid", ids):
                accounts[account["invoiceid"]].append(account)
            with transaction.atomic():
                self._invoice_batch(batch, items, accounts, mass_pay, mass_pay_ids, sequential)
        for batch in self.reader.batches(
            "tblaccounts", "id, invoiceid, userid", where="invoiceid = 0"
        ):
            for row in batch:
                self.report.skip(
                    "tblaccounts",
                    row["id"],
                    "transaction without an invoice (added funds): counted in the client's credit",
                )
        with transaction.atomic():
            for year, last in sorted(self.series_max.items()):
                counter, _ = InvoiceCounter.objects.select_for_update().get_or_create(year=year)
                if counter.last_number < last:
                    counter.last_number = last
                    counter.save(update_fields=["last_number"])

    def _invoice_batch(self, batch, items, accounts, mass_pay, mass_pay_ids, sequential) -> None:
        clients = Client.objects.in_bulk(
            [pk for row in batch if (pk := self.links.get("tblclients", row["userid"]))]
        )
        rows = []
        kept = []
        for row in batch:
            values = self._invoice_values(row, clients, mass_pay_ids, sequential, accounts)
            if values is not None:
                rows.append((row["id"], values))
                kept.append(row)
        invoices = self.upsert(table="tblinvoices", entity="invoices", model=Invoice, rows=rows)
        for invoice in invoices.values():
            self.numbers.pop(self.number_of.get(invoice.pk), None)
            self.positions.pop(self.position_of.get(invoice.pk), None)
            self.numbers[invoice.number] = invoice.pk
            self.number_of[invoice.pk] = invoice.number
            self.positions[(invoice.year, invoice.sequence)] = invoice.pk
            self.position_of[invoice.pk] = (invoice.year, invoice.sequence)
        self._lines(kept, invoices, items)
        self._payments(kept, invoices, accounts, mass_pay)

    def _invoice_values(self, row, clients, mass_pay_ids, sequential, accounts):
        source_id = row["id"]
        if source_id in mass_pay_ids:
            self.report.skip(
                "tblinvoices",
                source_id,
                "mass payment invoice: the invoices it paid are imported as paid",
            )
            for account in accounts.get(source_id, []):
                self.report.skip(
                    "tblaccounts",
                    account["id"],
                    f"payment of mass payment invoice {source_id}: booked on the invoices it paid",
                )
            return None
        status = m.INVOICE_STATUS.get(m.text(row["status"]))
        if status is None:
            reason = (
                "draft invoice: never issued"
                if m.text(row["status"]) == "Draft"
                else f"unknown status {m.text(row['status'])!r}"
            )
            self.report.skip("tblinvoices", source_id, reason)
            return None
        client = clients.get(self.links.get("tblclients", row["userid"]))
        if client is None:
            self.report.skip("tblinvoices", source_id, f"client {row['userid']} is not imported")
            return None
        issued_on = m.day(row["date"]) or m.day(row["duedate"])
        if issued_on is None:
            self.report.skip("tblinvoices", source_id, "the invoice has no date")
            return None
        legal = m.text(row["invoicenum"])
        number = legal or f"{self.options.number_prefix}{source_id}"
        if len(number) > 20:
            self.report.skip(
                "tblinvoices", source_id, f"invoice number {number!r} is longer than 20 characters"
            )
            return None
        linked = self.links.get("tblinvoices", source_id)
        if self.numbers.get(number, linked) != linked:
            self.report.skip(
                "tblinvoices", source_id, f"invoice number {number} exists in Hostwerk already"
            )
            return None
        year, sequence = self._position(row, number, legal, issued_on, sequential, linked)
        frozen = linked is not None  # an issued invoice keeps the client's details as they were
        paid_on = None
        if status == InvoiceStatus.PAID:
            paid_on = m.day(row["datepaid"]) or issued_on
        cancelled = row.get("date_cancelled")
        subtotal = m.money(row["subtotal"])
        vat_amount = m.money(row["tax"]) + m.money(row["tax2"])
        rate = m.money(row["taxrate"]) + m.money(row["taxrate2"])
        values = {
            "number": number,
            "kind": InvoiceKind.INVOICE,
            "year": year,
            "sequence": sequence,
            "client_id": client.pk,
            "status": status,
            "issued_on": issued_on,
            "due_on": m.day(row["duedate"]) or issued_on,
            "paid_on": paid_on,
            "cancelled_at": (
                timezone.make_aware(cancelled)
                if status == InvoiceStatus.CANCELLED and isinstance(cancelled, datetime.datetime)
                else None
            ),
            "vat_scheme": _vat_scheme(client, rate),
            "vat_country": client.country.code if rate else "",
            "vat_rate": rate,
            "subtotal": subtotal,
            "vat_amount": vat_amount,
            "total": subtotal + vat_amount,
            "currency": self.client_currency.get(row["userid"], settings.CURRENCY),
            "client_name": client.full_name[:200],
            "client_company": client.company,
            "client_address": "\n".join(
                part
                for part in (
                    client.address1,
                    client.address2,
                    f"{client.postcode} {client.city}".strip(),
                    client.state,
                )
                if part
            ),
            "client_country": client.country.code,
            "client_vat_number": client.vat_number,
            "client_email": client.email,
        }
        if frozen:
            for name in [name for name in values if name.startswith("client_")]:
                del values[name]
        return values

    def _position(self, row, number, legal, issued_on, sequential, linked) -> tuple[int, int]:
        """Where the invoice sits in Hostwerk's yearly series; an existing one keeps its place."""
        if linked is not None and self.number_of.get(linked) == number:
            return self.position_of[linked]
        # New, or a proforma that got its legal number in WHMCS since the last run.
        in_series = bool(legal) or not sequential  # without invoicenum a proforma is no number
        position = m.series_position(number, issued_on=issued_on) if in_series else None
        if position is not None and position not in self.positions:
            self.series_max[position[0]] = max(self.series_max[position[0]], position[1])
            return position
        if position is not None:
            self.report.grouped[
                "invoice numbers whose place in the year's series is taken: kept outside the series"
            ] += 1
        return issued_on.year, OUTSIDE_SERIES + row["id"]

    def _lines(self, rows, invoices, items) -> None:
        service_ids = set()
        domain_ids = set()
        wanted = []
        for row in rows:
            invoice = invoices[row["id"]]
            for position, item in enumerate(items.get(row["id"], []), start=1):
                kind = m.text(item["type"]).lower()
                service_id = (
                    self.links.get("tblhosting", item["relid"])
                    if kind in m.LINE_SERVICE_TYPES
                    else None
                )
                domain_id = (
                    self.links.get("tbldomains", item["relid"])
                    if kind in m.LINE_DOMAIN_TYPES
                    else None
                )
                start = m.day(item["duedate"])
                end = None
                if service_id and start:
                    end = period_end_for_cycle(start, self.service_cycles.get(item["relid"], ""))
                elif domain_id and start:
                    end = period_end_for_years(start, self.domain_years.get(item["relid"], 1))
                if end is None:
                    start = None
                amount = m.money(item["amount"])
                values = {
                    "invoice_id": invoice.pk,
                    "position": position,
                    "service_id": service_id,
                    "domain_id": domain_id,
                    "description": m.text(item["description"], limit=255) or "—",
                    "period_start": start,
                    "period_end": end,
                    "void": invoice.status == InvoiceStatus.CANCELLED,
                    "quantity": Decimal(1),
                    "unit_price": amount,
                    "amount": amount,
                    "vat_amount": line_vat(amount=amount, rate=invoice.vat_rate)
                    if item["taxed"]
                    else ZERO,
                }
                service_ids.add(service_id)
                domain_ids.add(domain_id)
                wanted.append((item["id"], values))
        # One line per service (and domain) period: a period WHMCS invoiced twice is linked to
        # the first invoice only, so Hostwerk's own constraint holds.
        known = self.links.table("tblinvoiceitems")
        charged: dict[tuple[str, int, datetime.date], Any] = {}
        for owner, ids in (("service", service_ids - {None}), ("domain", domain_ids - {None})):
            for owner_id, start, pk in InvoiceLine.objects.filter(
                **{f"{owner}_id__in": ids}, void=False, period_start__isnull=False
            ).values_list(f"{owner}_id", "period_start", "pk"):
                charged[(owner, owner_id, start)] = pk
        for source_id, values in wanted:
            if values["void"] or values["period_start"] is None:
                continue
            owner = "service" if values["service_id"] else "domain"
            key = (owner, values[f"{owner}_id"], values["period_start"])
            mine = known.get(source_id) or ("new", source_id)
            holder = charged.setdefault(key, mine)
            if holder == mine:
                continue
            values["period_start"] = values["period_end"] = None
        self.upsert(table="tblinvoiceitems", entity="lines", model=InvoiceLine, rows=wanted)


def _vat_scheme(client: Client, rate: Decimal) -> str:
    code = client.country.code
    if code == seller_country() or not code:
        return VatScheme.DOMESTIC
    if code in EU_COUNTRIES:
        return VatScheme.REVERSE_CHARGE if not rate and client.vat_number else VatScheme.EU_CONSUMER
    return VatScheme.OUTSIDE_EU
