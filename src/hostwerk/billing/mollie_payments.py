"""Paying invoices online through Mollie (iDEAL): start a payment, follow its status, refund.

Nothing a browser or webhook sends is taken as the truth: the webhook only tells us *which*
payment to look at, and the status always comes from asking Mollie. A status change is applied
under the MolliePayment's row lock, and the money is booked in the ledger (`payment_book`),
which is unique per (provider, reference, kind): repeated, reordered or racing notices (webhook
and the client's return at once) book one payment and move each due date once.
"""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hostwerk.billing.models import (
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    MolliePayment,
    MolliePaymentStatus,
    Payment,
    PaymentKind,
    PaymentMethod,
)
from hostwerk.billing.payments import PaymentInvalid, amount_clean, payment_book
from hostwerk.core import clock
from hostwerk.core.audit import Actor, audit_record
from hostwerk.core.errors import HostwerkError
from hostwerk.integrations.mollie import (
    Amount,
    MollieClient,
    MollieError,
    MollieUnavailable,
)
from hostwerk.integrations.mollie import Payment as RemotePayment
from hostwerk.integrations.mollie import Refund as RemoteRefund

logger = logging.getLogger(__name__)
PROVIDER = "mollie"
# An open payment is offered again (a second click, the e-mail link) while it has this long left.
REUSE_MARGIN = datetime.timedelta(minutes=2)


class OnlinePaymentRefused(HostwerkError):
    """The invoice cannot be paid online now; `code` says why (not_configured, not_payable)."""


def mollie_enabled() -> bool:
    return bool(settings.HOSTWERK_MOLLIE_API_URL and settings.HOSTWERK_MOLLIE_API_KEY)


def mollie_client() -> MollieClient:
    if not mollie_enabled():
        raise OnlinePaymentRefused(
            _("Online payment is not available; please pay by bank transfer."),
            code="not_configured",
        )
    return MollieClient(
        settings.HOSTWERK_MOLLIE_API_URL,
        api_key=settings.HOSTWERK_MOLLIE_API_KEY,
        timeout=settings.HOSTWERK_MOLLIE_TIMEOUT,
    )


def mollie_webhook_url() -> str:
    return settings.HOSTWERK_PUBLIC_URL + reverse("mollie_webhook")


def mollie_return_url(invoice: Invoice) -> str:
    return settings.HOSTWERK_PUBLIC_URL + reverse(
        "portal:invoice_payment_return", kwargs={"invoice_id": invoice.pk}
    )


def invoice_pay_url(invoice: Invoice) -> str:
    """The client-area address that starts paying `invoice` (for e-mails), or "" when the
    invoice cannot be paid online."""
    if not mollie_enabled() or invoice.amount_due <= 0:
        return ""
    return settings.BASE_URL + reverse("portal:invoice_pay", kwargs={"invoice_id": invoice.pk})


def _idempotency_key(invoice: Invoice, attempt: int, amount: Decimal) -> str:
    # Deterministic, so a double click, a retried call, or a crash between Mollie's answer and our
    # commit asks for the same payment again; the invoice's creation time keeps keys of another
    # database (a restored copy, another installation on the same account) apart.
    created = int(invoice.created_at.timestamp())
    return f"hostwerk-invoice-{invoice.pk}-{created}-{attempt}-{amount}"


@transaction.atomic
def mollie_payment_start(*, actor: Actor, invoice: Invoice) -> MolliePayment:
    """Start paying the invoice's open amount at Mollie; return the payment to send the client
    to (`checkout_url`). An open payment for the same amount is reused instead of a new one."""
    client = mollie_client()
    # The invoice row lock makes two starts at once (a double click) wait for each other.
    invoice = Invoice.objects.select_for_update().select_related("client").get(pk=invoice.pk)
    amount = invoice.amount_due
    if invoice.kind != InvoiceKind.INVOICE or invoice.status != InvoiceStatus.UNPAID or amount <= 0:
        raise OnlinePaymentRefused(
            _("Invoice %(number)s has nothing left to pay.") % {"number": invoice.number},
            code="not_payable",
        )
    now = timezone.now()
    reusable = (
        MolliePayment.objects.filter(
            invoice=invoice,
            status=MolliePaymentStatus.OPEN,
            amount=amount,
            expires_at__gt=now + REUSE_MARGIN,
        )
        .exclude(checkout_url="")
        .first()
    )
    if reusable is not None:
        return reusable
    attempt = MolliePayment.objects.filter(invoice=invoice).count() + 1
    key = _idempotency_key(invoice, attempt, amount)
    request: dict[str, Any] = {
        "amount": Amount(amount, invoice.currency),
        "description": _("Invoice %(number)s") % {"number": invoice.number},
        "redirect_url": mollie_return_url(invoice),
        "webhook_url": mollie_webhook_url(),
        "metadata": {"invoice_id": invoice.pk, "invoice_number": invoice.number},
        "locale": "nl_NL" if invoice.client.language == "nl" else "en_US",
        "idempotency_key": key,
    }
    with client:
        try:
            remote = client.payment_create(**request)
        except MollieUnavailable:
            # Once more with the same key: if the first call reached Mollie, this returns it.
            remote = client.payment_create(**request)
    metadata = remote.metadata if isinstance(remote.metadata, dict) else {}
    if metadata.get("invoice_id") != invoice.pk:
        raise MollieError(
            _("Mollie answered with a payment for another invoice; nothing was started."),
            detail=f"{remote.id} metadata {remote.metadata!r}",
        )
    try:
        with transaction.atomic():
            record = MolliePayment.objects.create(
                invoice=invoice,
                mollie_id=remote.id,
                idempotency_key=key,
                status=_known_status(remote.status),
                amount=remote.amount.value,
                currency=remote.amount.currency,
                checkout_url=remote.checkout_url,
                expires_at=remote.expires_at,
                started_by=actor.label[:200],
            )
    except IntegrityError:
        # A start in another process (without row locks, as on SQLite) got the same payment.
        return MolliePayment.objects.get(mollie_id=remote.id)
    audit_record(
        actor=actor,
        action="invoice.online_payment_start",
        obj=invoice,
        client=invoice.client,
        data={"provider": PROVIDER, "payment": remote.id, "amount": amount},
    )
    return record


def _known_status(status: str) -> str:
    if status not in MolliePaymentStatus.values:
        raise MollieUnavailable(f"Mollie reported an unknown payment status {status!r}.")
    return status


def mollie_payment_sync(*, actor: Actor, mollie_id: str) -> MolliePayment | None:
    """Ask Mollie about one of our payments and apply what changed; None for an id we never
    started (nothing is asked or booked). Mollie's errors are raised: the webhook answers 5xx
    so that Mollie tries again."""
    record = MolliePayment.objects.filter(mollie_id=mollie_id).first()
    if record is None:
        return None
    with mollie_client() as client:
        remote = client.payment_get(mollie_id)
        refunds: list[RemoteRefund] = []
        if remote.amount_refunded is not None and remote.amount_refunded.value > 0:
            refunds = client.refund_list(mollie_id)
    return _apply(actor=actor, record=record, remote=remote, refunds=refunds)


@transaction.atomic
def _apply(
    *, actor: Actor, record: MolliePayment, remote: RemotePayment, refunds: list[RemoteRefund]
) -> MolliePayment:
    record = (
        MolliePayment.objects.select_for_update()
        .select_related("invoice__client")
        .get(pk=record.pk)
    )
    status = _known_status(remote.status)
    # A final status never changes again; an older notice cannot take a paid payment back.
    if status != record.status and not record.is_final:
        before = record.status
        record.status = status
        record.paid_at = remote.paid_at
        record.save(update_fields=["status", "paid_at", "updated_at"])
        audit_record(
            actor=actor,
            action="invoice.online_payment_status",
            obj=record.invoice,
            client=record.invoice.client,
            changes={"online_payment_status": [before, status]},
            data={"provider": PROVIDER, "payment": record.mollie_id},
        )
        if status == MolliePaymentStatus.PAID:
            paid_at = remote.paid_at or timezone.now()
            payment_book(
                actor=actor,
                invoice=record.invoice,
                amount=remote.amount.value,
                method=PaymentMethod.IDEAL,
                reference=record.mollie_id,
                provider=PROVIDER,
                kind=PaymentKind.PAYMENT,
                # Mollie's clock may be a moment ahead of ours, or ours set to another day.
                paid_on=min(clock.local_day(paid_at), clock.today()),
            )
    for refund in refunds:
        if refund.counts:
            _refund_book(actor=actor, record=record, refund=refund)
    return record


def _refund_book(*, actor: Actor, record: MolliePayment, refund: RemoteRefund) -> Payment:
    booking = payment_book(
        actor=actor,
        invoice=record.invoice,
        amount=refund.amount.value,
        method=PaymentMethod.IDEAL,
        reference=refund.id,
        provider=PROVIDER,
        kind=PaymentKind.REFUND,
        paid_on=min(clock.local_day(refund.created_at or timezone.now()), clock.today()),
    )
    return booking.payment


@transaction.atomic
def mollie_refund_create(
    *, actor: Actor, mollie_payment: MolliePayment, amount, description: str = ""
) -> Payment:
    """Refund (part of) a paid Mollie payment and book the refund on its invoice."""
    amount = amount_clean(amount)
    record = (
        MolliePayment.objects.select_for_update()
        .select_related("invoice__client")
        .get(pk=mollie_payment.pk)
    )
    if record.status != MolliePaymentStatus.PAID:
        raise PaymentInvalid(
            _("Only a paid payment can be refunded."), field="payment", code="not_paid"
        )
    refunded = sum(
        Payment.objects.filter(
            invoice=record.invoice, provider=PROVIDER, kind=PaymentKind.REFUND
        ).values_list("amount", flat=True),
        Decimal("0.00"),
    )
    if amount > record.amount - refunded or amount > record.invoice.amount_paid:
        raise PaymentInvalid(
            _("At most %(left)s of this payment can still be refunded.")
            % {"left": min(record.amount - refunded, record.invoice.amount_paid)},
            field="amount",
        )
    attempt = Payment.objects.filter(
        invoice=record.invoice, provider=PROVIDER, kind=PaymentKind.REFUND
    ).count()
    with mollie_client() as client:
        refund = client.refund_create(
            payment_id=record.mollie_id,
            amount=Amount(amount, record.currency),
            description=description
            or _("Refund for invoice %(number)s") % {"number": record.invoice.number},
            metadata={"invoice_id": record.invoice_id},
            idempotency_key=f"hostwerk-refund-{record.mollie_id}-{attempt + 1}-{amount}",
        )
    return _refund_book(actor=actor, record=record, refund=refund)
