"""Renewal invoices: services and domains whose next due date comes near are invoiced for their
next period, one invoice per client per run, in batches of clients.

One line per service (or domain) and period start is enforced by a partial unique constraint on
invoice lines, so an overlapping run, a second worker or a retry cannot invoice a period twice:
the batch that loses the race rolls back (giving its invoice numbers back) and is redone client
by client, finding nothing left to invoice.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from hostwerk.billing.actions import client_vat_treatment, invoice_line_build, invoice_values
from hostwerk.billing.config import billing_setting
from hostwerk.billing.models import (
    CancellationRequest,
    CancellationStatus,
    Invoice,
    InvoiceLine,
)
from hostwerk.billing.numbering import invoice_numbers_take
from hostwerk.billing.periods import cycle_months, period_end_after_months
from hostwerk.billing.vat import VatRateMissing, VatTreatment
from hostwerk.catalog.models import BillingCycle, DomainAction
from hostwerk.clients.models import Client
from hostwerk.core.audit import Actor, audit_build
from hostwerk.core.models import AuditEvent
from hostwerk.domains.models import Domain, DomainStatus
from hostwerk.provisioning.models import Service, ServiceStatus

# Clients invoiced per transaction: large enough to keep the query count low, small enough that
# a lost race redoes little.
BATCH_CLIENTS = 500

RECURRING_CYCLES = [cycle for cycle in BillingCycle.values if cycle_months(cycle) > 0]
INVOICED_SERVICE_STATUSES = (ServiceStatus.ACTIVE, ServiceStatus.SUSPENDED)


def _period_invoiced(**outer: str) -> Exists:
    return Exists(
        InvoiceLine.objects.filter(
            void=False, **{key: OuterRef(value) for key, value in outer.items()}
        )
    )


def services_due(day: datetime.date) -> QuerySet[Service]:
    """Services whose next period starts within the "invoice renewals" setting of `day` and is not
    invoiced yet; a service whose cancellation takes effect by then is left out."""
    horizon = day + datetime.timedelta(days=billing_setting("invoice_days_before"))
    ending = Exists(
        CancellationRequest.objects.filter(
            service=OuterRef("pk"),
            status=CancellationStatus.PENDING,
            ends_on__lte=OuterRef("next_due_date"),
        )
    )
    return (
        Service.objects.filter(
            status__in=INVOICED_SERVICE_STATUSES,
            billing_cycle__in=RECURRING_CYCLES,
            recurring_amount__gt=0,
            next_due_date__isnull=False,
            next_due_date__lte=horizon,
        )
        .exclude(_period_invoiced(service="pk", period_start="next_due_date"))
        .exclude(ending)
    )


def domains_due(day: datetime.date) -> QuerySet[Domain]:
    """Held domains whose next year starts within the "invoice domain renewals" setting of `day`,
    not marked "do not renew" and not invoiced yet for that year."""
    horizon = day + datetime.timedelta(days=billing_setting("domain_invoice_days_before"))
    return Domain.objects.filter(
        status__in=(DomainStatus.ACTIVE, DomainStatus.EXPIRED),
        do_not_renew=False,
        next_due_date__isnull=False,
        next_due_date__lte=horizon,
    ).exclude(_period_invoiced(domain="pk", period_start="next_due_date"))


@dataclass
class Charge:
    """One period to invoice: a service's cycle or a domain's year."""

    client_id: int
    period_start: datetime.date
    period_end: datetime.date
    amount: Decimal
    service: Service | None = None
    domain: Domain | None = None

    def description(self) -> str:
        if self.service is not None:
            service = self.service
            cycle = BillingCycle(service.billing_cycle).label
            name = (
                f"{service.product.name} \u2014 {service.domain}"
                if service.domain
                else str(service.product.name)
            )
            return _("%(service)s (%(cycle)s)") % {"service": name, "cycle": cycle}
        assert self.domain is not None
        return _("Domain name renewal: %(domain)s (1 year)") % {"domain": self.domain.name_unicode}


def _service_charges(services: Iterable[Service]) -> list[Charge]:
    charges = []
    for service in services:
        start = service.next_due_date
        assert start is not None
        end = period_end_after_months(
            start,
            cycle_months(service.billing_cycle),
            anchor_day=service.billing_anchor_day or start.day,
        )
        assert end is not None
        charges.append(
            Charge(
                client_id=service.client_id,
                service=service,
                period_start=start,
                period_end=end,
                amount=service.recurring_amount,
            )
        )
    return charges


def _domain_renewal_price(domain: Domain) -> Decimal | None:
    if domain.recurring_amount is not None:
        return domain.recurring_amount
    for price in domain.tld.prices.all():
        if price.action == DomainAction.RENEW and price.years == 1:
            return price.amount
    return None


def _domain_charges(domains: Iterable[Domain], skipped: list[dict]) -> list[Charge]:
    charges = []
    for domain in domains:
        start = domain.next_due_date
        assert start is not None
        amount = _domain_renewal_price(domain)
        if amount is None:
            skipped.append(
                {
                    "step": "invoices",
                    "object": domain.name,
                    "error": _("There is no one-year renewal price for .%(tld)s.")
                    % {"tld": domain.tld.name},
                }
            )
            continue
        if amount <= 0:
            continue
        end = period_end_after_months(start, 12)
        assert end is not None
        charges.append(
            Charge(
                client_id=domain.client_id,
                domain=domain,
                period_start=start,
                period_end=end,
                amount=amount,
            )
        )
    return charges


@dataclass
class _Draft:
    client: Client
    treatment: VatTreatment
    lines: list[InvoiceLine]
    due_on: datetime.date


def _drafts(
    charges: list[Charge], *, day: datetime.date, clients: dict[int, Client], errors: list[dict]
) -> list[_Draft]:
    by_client: dict[int, list[Charge]] = defaultdict(list)
    for charge in charges:
        by_client[charge.client_id].append(charge)
    drafts = []
    # VAT depends on the country, whether there is a VAT number, and (for its note) the language.
    treatments: dict[tuple[str, bool, str], VatTreatment] = {}
    for client_id, client_charges in by_client.items():
        client = clients[client_id]
        key = (client.country.code, bool(client.vat_number), client.language)
        try:
            if key not in treatments:
                treatments[key] = client_vat_treatment(client, on=day)
        except VatRateMissing as error:  # a missing VAT rate stops this client, not the run
            errors.append({"step": "invoices", "object": client.number, "error": str(error)})
            continue
        treatment = treatments[key]
        client_charges.sort(key=lambda charge: (charge.period_start, charge.description()))
        with translation.override(client.language):
            lines = [
                invoice_line_build(
                    position=position,
                    description=charge.description(),
                    unit_price=charge.amount,
                    treatment=treatment,
                    service_id=charge.service.pk if charge.service else None,
                    domain_id=charge.domain.pk if charge.domain else None,
                    period_start=charge.period_start,
                    period_end=charge.period_end,
                )
                for position, charge in enumerate(client_charges, start=1)
            ]
        # Due on the first period's start, but never before the invoice date (a late run).
        due_on = max(day, min(charge.period_start for charge in client_charges))
        drafts.append(_Draft(client=client, treatment=treatment, lines=lines, due_on=due_on))
    return drafts


def _issue(drafts: list[_Draft], *, actor: Actor, day: datetime.date) -> list[Invoice]:
    """Number and store the drafted invoices in the caller's transaction, with bulk inserts."""
    if not drafts:
        return []
    numbers = invoice_numbers_take(year=day.year, count=len(drafts))
    invoices = [
        Invoice(
            number=number,
            sequence=sequence,
            **invoice_values(
                client=draft.client,
                treatment=draft.treatment,
                issued_on=day,
                due_on=draft.due_on,
                lines=draft.lines,
            ),
        )
        for draft, (sequence, number) in zip(drafts, numbers, strict=True)
    ]
    Invoice.objects.bulk_create(invoices)
    lines = []
    for invoice, draft in zip(invoices, drafts, strict=True):
        for line in draft.lines:
            line.invoice = invoice
            lines.append(line)
    InvoiceLine.objects.bulk_create(lines)
    AuditEvent.objects.bulk_create(
        [
            audit_build(
                actor=actor,
                action="invoice.create_renewal",
                obj=invoice,
                client=draft.client,
                data={
                    "lines": len(draft.lines),
                    "total": invoice.total,
                    "periods": sorted({line.period_start for line in draft.lines}),
                },
            )
            for invoice, draft in zip(invoices, drafts, strict=True)
        ]
    )
    return invoices


def _charges_for(client_ids: list[int], day: datetime.date, errors: list[dict]) -> list[Charge]:
    services = (
        services_due(day)
        .filter(client_id__in=client_ids)
        .select_related("product")
        .order_by("client_id", "next_due_date", "id")
    )
    domains = (
        domains_due(day)
        .filter(client_id__in=client_ids)
        .select_related("tld")
        .prefetch_related("tld__prices")
        .order_by("client_id", "next_due_date", "id")
    )
    return _service_charges(services) + _domain_charges(domains, errors)


def _invoice_clients(
    client_ids: list[int], *, actor: Actor, day: datetime.date, errors: list[dict]
) -> list[Invoice]:
    with transaction.atomic():
        charges = _charges_for(client_ids, day, errors)
        if not charges:
            return []
        clients = Client.objects.in_bulk({charge.client_id for charge in charges})
        drafts = _drafts(charges, day=day, clients=clients, errors=errors)
        return _issue(drafts, actor=actor, day=day)


def clients_due(day: datetime.date) -> list[int]:
    """Ids of the clients with a service or domain to invoice on `day`, in order."""
    ids = set(services_due(day).values_list("client_id", flat=True))
    ids |= set(domains_due(day).values_list("client_id", flat=True))
    return sorted(ids)


def renewal_invoices_create(*, actor: Actor, day: datetime.date, errors: list[dict]) -> int:
    """Invoice every due service and domain for its next period; return the invoices made."""
    client_ids = clients_due(day)
    created = 0
    for start in range(0, len(client_ids), BATCH_CLIENTS):
        batch = client_ids[start : start + BATCH_CLIENTS]
        try:
            created += len(_invoice_clients(batch, actor=actor, day=day, errors=errors))
            continue
        except IntegrityError:
            pass  # another run invoiced some of these periods meanwhile: redo client by client
        for client_id in batch:
            try:
                created += len(_invoice_clients([client_id], actor=actor, day=day, errors=errors))
            except IntegrityError:
                continue  # this client's periods were invoiced by the other run
    return created
