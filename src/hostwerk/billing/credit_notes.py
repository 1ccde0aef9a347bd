"""Credit notes: the only correction of a paid invoice. A credit note is a document of its own
gapless series per year ("C2026-000001"), with negative amounts, the original's VAT and client
details, and the original's number and date printed on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from hostwerk.billing.actions import InvoiceRefused
from hostwerk.billing.models import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus
from hostwerk.billing.numbering import invoice_number_take
from hostwerk.billing.vat import line_vat
from hostwerk.core import clock
from hostwerk.core.audit import Actor, audit_record
from hostwerk.core.errors import InputInvalid
from hostwerk.core.money import ZERO, round_money


class CreditNoteInvalid(InvoiceRefused, InputInvalid):
    """The credit note asked for does not fit the invoice; `field` says which input is wrong."""


@dataclass(frozen=True)
class CreditRequest:
    line_id: int
    amount: Decimal | None = None  # None: what is left of the line


def credited_per_line(invoice: Invoice) -> dict[int, Decimal]:
    """How much of each line of `invoice` earlier credit notes credited (positive amounts)."""
    rows = (
        InvoiceLine.objects.filter(credits_line__invoice=invoice)
        .values("credits_line_id")
        .annotate(total=Sum("amount"))
    )
    return {row["credits_line_id"]: -row["total"] for row in rows}


def _amount(value: Decimal | str | None, *, field: str) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError):
        raise CreditNoteInvalid(_("Enter an amount such as 12.50."), field=field) from None
    if (
        not amount.is_finite()
        or amount <= 0
        or amount >= Decimal("1e10")
        or amount != round_money(amount)
    ):
        raise CreditNoteInvalid(
            _("Enter a positive amount with at most two decimals."), field=field
        )
    return amount


@transaction.atomic
def credit_note_create(
    *,
    actor: Actor,
    invoice: Invoice,
    lines: list[CreditRequest] | None,
    reason: str,
) -> Invoice:
    """Credit `lines` of the paid `invoice` (all of what is left when None) for `reason`."""
    invoice = Invoice.objects.select_for_update().select_related("client").get(pk=invoice.pk)
    if invoice.kind != InvoiceKind.INVOICE:
        raise CreditNoteInvalid(
            _("%(number)s is a credit note itself; credit the original invoice.")
            % {"number": invoice.number},
            field="invoice",
            code="is_credit_note",
        )
    if invoice.status != InvoiceStatus.PAID:
        raise CreditNoteInvalid(
            _("Invoice %(number)s is not paid: cancel it instead of crediting it.")
            % {"number": invoice.number},
            field="invoice",
            code="not_paid",
        )
    reason = (reason or "").strip()
    if not reason:
        raise CreditNoteInvalid(_("Say why the invoice is credited."), field="reason")
    originals = {line.pk: line for line in invoice.lines.all()}
    credited = credited_per_line(invoice)
    wanted = lines if lines is not None else [CreditRequest(line_id=pk) for pk in originals]
    if not wanted:
        raise CreditNoteInvalid(_("Choose at least one line to credit."), field="lines")
    credit_lines: list[InvoiceLine] = []
    seen: set[int] = set()
    for index, request in enumerate(wanted):
        field = f"lines.{index}"
        original = originals.get(request.line_id)
        if original is None or request.line_id in seen:
            raise CreditNoteInvalid(
                _("Line %(id)s is not a line of invoice %(number)s (or is listed twice).")
                % {"id": request.line_id, "number": invoice.number},
                field=f"{field}.invoice_line_id",
            )
        seen.add(request.line_id)
        left = original.amount - credited.get(original.pk, ZERO)
        amount = _amount(request.amount, field=f"{field}.amount")
        if amount is None:
            amount = left
            if amount <= 0 and lines is None:
                continue  # crediting "all": skip what was credited before
        if amount <= 0 or amount > left:
            raise CreditNoteInvalid(
                _("At most %(left)s of this line can still be credited.") % {"left": left},
                field=f"{field}.amount",
            )
        credit_lines.append(
            InvoiceLine(
                position=len(credit_lines) + 1,
                credits_line=original,
                service_id=None,
                domain_id=None,
                description=original.description,
                period_start=original.period_start,
                period_end=original.period_end,
                quantity=Decimal(1),
                unit_price=-amount,
                amount=-amount,
                vat_amount=-line_vat(amount=amount, rate=invoice.vat_rate),
            )
        )
    if not credit_lines:
        raise CreditNoteInvalid(
            _("Everything on invoice %(number)s has been credited already.")
            % {"number": invoice.number},
            field="lines",
            code="fully_credited",
        )
    today = clock.today()
    sequence, number = invoice_number_take(year=today.year, kind=InvoiceKind.CREDIT_NOTE)
    subtotal = sum((line.amount for line in credit_lines), ZERO)
    vat_amount = sum((line.vat_amount for line in credit_lines), ZERO)
    note = Invoice.objects.create(
        number=number,
        kind=InvoiceKind.CREDIT_NOTE,
        credited_invoice=invoice,
        credit_reason=reason,
        year=today.year,
        sequence=sequence,
        client=invoice.client,
        # A credit note is final when issued: it is not paid, it is settled.
        status=InvoiceStatus.PAID,
        issued_on=today,
        due_on=today,
        paid_on=today,
        vat_scheme=invoice.vat_scheme,
        vat_country=invoice.vat_country,
        vat_rate=invoice.vat_rate,
        vat_note=invoice.vat_note,
        subtotal=subtotal,
        vat_amount=vat_amount,
        total=subtotal + vat_amount,
        currency=invoice.currency,
        client_name=invoice.client_name,
        client_company=invoice.client_company,
        client_address=invoice.client_address,
        client_country=invoice.client_country,
        client_vat_number=invoice.client_vat_number,
        client_email=invoice.client_email,
    )
    for line in credit_lines:
        line.invoice = note
    InvoiceLine.objects.bulk_create(credit_lines)
    audit_record(
        actor=actor,
        action="invoice.credit_note",
        obj=note,
        client=invoice.client,
        data={
            "invoice": invoice.number,
            "total": note.total,
            "reason": reason,
            "lines": [line.credits_line_id for line in credit_lines],
            "at": timezone.now(),
        },
    )
    return note
