"""The payment ledger: booking payments, refunds and chargebacks on invoices, and client credit.

Every booking is a Payment row, unique on (provider, reference, kind): a repeated webhook, a
second worker or a form submitted twice finds the row and books nothing more. The invoice's
`amount_paid` is kept under the invoice's row lock; when it reaches the total the invoice is
paid, once, and its periods are settled (due dates moved, overdue suspensions lifted). What is
paid beyond the total becomes client credit, which pays the client's next invoices.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from hostwerk.billing.models import (
    CreditEntry,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Payment,
    PaymentKind,
    PaymentMethod,
)
from hostwerk.billing.queries import credit_balance
from hostwerk.billing.settlement import invoice_settle
from hostwerk.billing.signals import invoice_paid
from hostwerk.clients.models import Client
from hostwerk.core import clock
from hostwerk.core.audit import Actor, apply_changes, audit_record
from hostwerk.core.errors import InputInvalid
from hostwerk.core.money import round_money

MAX_AMOUNT = Decimal("1000000000")


class PaymentInvalid(InputInvalid):
    """The payment cannot be booked as given; `field` names the input to fix."""


@dataclass(frozen=True)
class Booking:
    payment: Payment
    created: bool  # False: this (provider, reference, kind) was booked before
    invoice: Invoice


def amount_clean(value, *, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError):
        raise PaymentInvalid(_("Enter an amount such as 12.50."), field=field) from None
    if not amount.is_finite() or amount <= 0 or amount >= MAX_AMOUNT:
        raise PaymentInvalid(_("Enter an amount greater than zero."), field=field)
    if amount != round_money(amount):
        raise PaymentInvalid(_("Enter the amount with at most two decimals."), field=field)
    return amount


def _paid(*, actor: Actor, invoice: Invoice, paid_on: datetime.date) -> None:
    """The invoice is paid in full: mark it so once and apply what it pays for."""
    changes = apply_changes(invoice, {"status": InvoiceStatus.PAID, "paid_on": paid_on})
    invoice.save(update_fields=["status", "paid_on", "amount_paid", "updated_at"])
    audit_record(
        actor=actor,
        action="invoice.paid",
        obj=invoice,
        client=invoice.client,
        changes=changes,
        data={"total": invoice.total, "amount_paid": invoice.amount_paid},
    )
    invoice_settle(actor=actor, invoice=invoice, today=clock.today())
    invoice_paid.send(sender=Invoice, invoice=invoice, actor=actor)


@transaction.atomic
def payment_book(
    *,
    actor: Actor,
    invoice: Invoice,
    amount,
    method: str,
    reference: str,
    provider: str = "manual",
    kind: str = PaymentKind.PAYMENT,
    paid_on: datetime.date | None = None,
) -> Booking:
    """Book money received (or refunded) for `invoice`; idempotent per provider reference."""
    amount = amount_clean(amount)
    if method not in PaymentMethod.values:
        raise PaymentInvalid(
            _("Choose one of: %(methods)s.") % {"methods": ", ".join(PaymentMethod.values)},
            field="method",
        )
    reference = (reference or "").strip()
    if not reference or len(reference) > 100:
        raise PaymentInvalid(
            _(
                "Enter the payment's reference (at most 100 characters), e.g. the bank statement line."
            ),
            field="reference",
        )
    today = clock.today()
    paid_on = paid_on or today
    if paid_on > today:
        raise PaymentInvalid(_("The payment date cannot be in the future."), field="paid_on")
    invoice = Invoice.objects.select_for_update().select_related("client").get(pk=invoice.pk)
    existing = Payment.objects.filter(provider=provider, reference=reference, kind=kind).first()
    if existing is not None:
        return Booking(payment=existing, created=False, invoice=invoice)
    if invoice.kind != InvoiceKind.INVOICE:
        raise PaymentInvalid(
            _("%(number)s is a credit note; payments are booked on invoices.")
            % {"number": invoice.number},
            field="invoice",
            code="credit_note",
        )
    if (
        kind == PaymentKind.PAYMENT
        and invoice.status == InvoiceStatus.CANCELLED
        and provider == "manual"
    ):
        raise PaymentInvalid(
            _("Invoice %(number)s was cancelled; book the payment on the invoice that replaced it.")
            % {"number": invoice.number},
            field="invoice",
            code="cancelled",
        )
    if kind != PaymentKind.PAYMENT and amount > invoice.amount_paid:
        raise PaymentInvalid(
            _("At most %(paid)s was paid on this invoice.") % {"paid": invoice.amount_paid},
            field="amount",
        )
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                invoice=invoice,
                kind=kind,
                amount=amount,
                method=method,
                provider=provider,
                reference=reference,
                paid_on=paid_on,
                actor_label=actor.label[:200],
            )
    except IntegrityError:
        # Another process booked the same reference between our check and our insert.
        payment = Payment.objects.get(provider=provider, reference=reference, kind=kind)
        return Booking(payment=payment, created=False, invoice=invoice)
    audit_record(
        actor=actor,
        action=f"invoice.{kind}",
        obj=invoice,
        client=invoice.client,
        data={"amount": amount, "method": method, "provider": provider, "reference": reference},
    )
    if kind != PaymentKind.PAYMENT:
        invoice.amount_paid -= amount
        invoice.save(update_fields=["amount_paid", "updated_at"])
        return Booking(payment=payment, created=True, invoice=invoice)
    if invoice.status == InvoiceStatus.UNPAID:
        due = invoice.total - invoice.amount_paid
        invoice.amount_paid += min(amount, due)
        excess = amount - min(amount, due)
        if invoice.amount_paid >= invoice.total:
            _paid(actor=actor, invoice=invoice, paid_on=paid_on)
        else:
            invoice.save(update_fields=["amount_paid", "updated_at"])
    else:
        excess = amount  # paid (or cancelled) already: all of it is the client's credit
    if excess > 0:
        CreditEntry.objects.create(
            client=invoice.client,
            amount=excess,
            payment=payment,
            description=_("Overpayment on invoice %(number)s") % {"number": invoice.number},
        )
        audit_record(
            actor=actor,
            action="client.credit_add",
            obj=invoice.client,
            client=invoice.client,
            data={"amount": excess, "invoice": invoice.number},
        )
    return Booking(payment=payment, created=True, invoice=invoice)


@transaction.atomic
def invoice_pay_in_full(
    *, actor: Actor, invoice: Invoice, paid_on: datetime.date | None, reference: str
) -> Invoice:
    """Book the open amount as one payment (staff "mark paid"); a zero invoice is just paid."""
    invoice = Invoice.objects.select_for_update().select_related("client").get(pk=invoice.pk)
    due = invoice.total - invoice.amount_paid
    if due <= 0:
        _paid(actor=actor, invoice=invoice, paid_on=paid_on or clock.today())
        return invoice
    return payment_book(
        actor=actor,
        invoice=invoice,
        amount=due,
        method=PaymentMethod.OTHER,
        reference=reference,
        paid_on=paid_on,
    ).invoice


@transaction.atomic
def credit_apply(*, actor: Actor, client: Client) -> int:
    """Pay the client's unpaid invoices, oldest first, from its credit; return how many were
    paid from it (in full or in part). The client row is locked so two runs take credit once."""
    Client.objects.select_for_update().filter(pk=client.pk).first()
    balance = credit_balance(client)
    used = 0
    for invoice in Invoice.objects.filter(
        client=client, status=InvoiceStatus.UNPAID, kind=InvoiceKind.INVOICE
    ).order_by("due_on", "id"):
        if balance <= 0:
            break
        amount = min(balance, invoice.total - invoice.amount_paid)
        if amount <= 0:
            continue
        entry = CreditEntry.objects.create(
            client=client,
            amount=-amount,
            invoice=invoice,
            description=_("Used for invoice %(number)s") % {"number": invoice.number},
        )
        payment_book(
            actor=actor,
            invoice=invoice,
            amount=amount,
            method=PaymentMethod.CREDIT,
            provider="hostwerk",
            reference=f"credit-{entry.pk}",
        )
        balance -= amount
        used += 1
    return used


def credits_apply_all(*, actor: Actor) -> int:
    """Apply credit for every client that has some and an unpaid invoice (billing run step)."""
    clients = (
        CreditEntry.objects.values("client_id")
        .annotate(balance=Sum("amount"))
        .filter(balance__gt=0)
        .values_list("client_id", flat=True)
    )
    used = 0
    for client in Client.objects.filter(
        pk__in=list(clients), invoices__status=InvoiceStatus.UNPAID
    ).distinct():
        used += credit_apply(actor=actor, client=client)
    return used
