"""Payment reminders and overdue notices: one reminder before the due date, up to three notices
after it. Each is recorded as an InvoiceReminder, unique per invoice and kind, in the transaction
that queues the e-mail: a second run, an overlapping worker or a retry sends nothing again.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hostwerk.billing.actions import InvoiceRefused, invoice_url
from hostwerk.billing.config import billing_setting
from hostwerk.billing.models import (
    Invoice,
    InvoiceKind,
    InvoicePaymentMethod,
    InvoiceReminder,
    InvoiceStatus,
    ReminderKind,
)
from hostwerk.billing.mollie_payments import invoice_pay_url
from hostwerk.core import clock
from hostwerk.core.audit import Actor, audit_record
from hostwerk.notifications.actions import email_queue

OVERDUE_KINDS = (ReminderKind.OVERDUE_1, ReminderKind.OVERDUE_2, ReminderKind.OVERDUE_3)


def _unpaid() -> QuerySet[Invoice]:
    return Invoice.objects.filter(
        status=InvoiceStatus.UNPAID, kind=InvoiceKind.INVOICE
    ).select_related("client")


def _before_due(day: datetime.date) -> QuerySet[Invoice]:
    """Unpaid invoices due within the payment reminder's days after `day`, never reminded."""
    before = datetime.timedelta(days=billing_setting("reminder_days_before_due"))
    return (
        _unpaid()
        .filter(due_on__gt=day, due_on__lte=day + before)
        .exclude(reminders__isnull=False)
        # Collected by direct debit: nothing for the client to do before the due date.
        .exclude(payment_method=InvoicePaymentMethod.DIRECT_DEBIT)
    )


def reminders_due(day: datetime.date) -> list[tuple[Invoice, ReminderKind, int]]:
    """(invoice, kind, days overdue) of every reminder or notice to send on `day`.

    A run that missed days sends only the latest notice that applies, never a pile of them; a
    notice is not sent when a later one went out already.
    """
    due: list[tuple[Invoice, ReminderKind, int]] = []
    if billing_setting("reminder_days_before_due") > 0:
        for invoice in _before_due(day):
            due.append((invoice, ReminderKind.BEFORE_DUE, 0))
    notice_days = billing_setting("overdue_notice_days")
    if not notice_days:
        return due
    earliest = day - datetime.timedelta(days=notice_days[0])
    candidates = _unpaid().filter(due_on__lte=earliest).prefetch_related("reminders")
    for invoice in candidates:
        overdue = (day - invoice.due_on).days
        latest = _latest_notice(notice_days, overdue)
        sent = {reminder.kind for reminder in invoice.reminders.all()}
        if any(kind in sent for kind in OVERDUE_KINDS[latest:]):
            continue
        due.append((invoice, OVERDUE_KINDS[latest], overdue))
    return due


def reminders_due_count(day: datetime.date) -> int:
    """len(reminders_due(day)), counted in one query instead of reading every unpaid invoice.

    Each overdue invoice has one latest notice (`_latest_notice`): notice i when it is at least
    notice_days[i] days overdue and fewer than every later notice's days. It counts when no
    notice from i on was sent yet.
    """
    counts: dict[str, Count] = {}
    if billing_setting("reminder_days_before_due") > 0:
        counts["before_due"] = Count("pk", filter=Q(pk__in=_before_due(day).values("pk")))
    notice_days = billing_setting("overdue_notice_days")
    for index, days in enumerate(notice_days):
        band = Q(due_on__lte=day - datetime.timedelta(days=days))
        for later in notice_days[index + 1 :]:
            band &= Q(due_on__gt=day - datetime.timedelta(days=later))
        sent = InvoiceReminder.objects.filter(
            invoice=OuterRef("pk"), kind__in=OVERDUE_KINDS[index:]
        )
        counts[f"notice_{index}"] = Count("pk", filter=band & ~Exists(sent))
    if not counts:
        return 0
    return sum(
        Invoice.objects.filter(status=InvoiceStatus.UNPAID, kind=InvoiceKind.INVOICE)
        .aggregate(**counts)
        .values()
    )


def _send(
    *, actor: Actor, invoice: Invoice, kind: ReminderKind, overdue: int, day, suspend_days: int
) -> bool:
    client = invoice.client
    if not client.email:
        return False
    try:
        with transaction.atomic():
            reminder = InvoiceReminder.objects.create(invoice=invoice, kind=kind, sent_on=day)
            email = email_queue(
                template="invoice_reminder"
                if kind == ReminderKind.BEFORE_DUE
                else "invoice_overdue",
                to=client.email,
                language=client.language,
                client=client,
                obj=invoice,
                attachments=[("invoice_pdf", invoice)],
                context={
                    "invoice": invoice,
                    "client": client,
                    "url": invoice_url(invoice),
                    "pay_url": invoice_pay_url(invoice),
                    "seller_name": settings.HOSTWERK_SELLER_NAME,
                    "days_overdue": overdue,
                    "notice": OVERDUE_KINDS.index(kind) + 1 if kind in OVERDUE_KINDS else 0,
                    "suspend_days": suspend_days,
                },
            )
            InvoiceReminder.objects.filter(pk=reminder.pk).update(email=email)
            audit_record(
                actor=actor,
                action="invoice.reminder",
                obj=invoice,
                client=client,
                data={"kind": kind, "email": email.pk, "days_overdue": overdue},
            )
    except IntegrityError:
        return False  # sent by another run already
    return True


def reminders_send(*, actor: Actor, day: datetime.date, errors: list[dict]) -> int:
    """Send the reminders and overdue notices due on `day`; return how many were sent."""
    sent = 0
    suspend_days = billing_setting("suspend_days_overdue")
    for invoice, kind, overdue in reminders_due(day):
        try:
            sent += _send(
                actor=actor,
                invoice=invoice,
                kind=kind,
                overdue=overdue,
                day=day,
                suspend_days=suspend_days,
            )
        except Exception as error:  # one failing e-mail does not stop the others
            errors.append({"step": "reminders", "object": invoice.number, "error": str(error)})
    return sent


def _latest_notice(notice_days: list[int], overdue: int) -> int:
    """Which overdue notice has come, `overdue` days after the due date (0: the first)."""
    return max((index for index, days in enumerate(notice_days) if overdue >= days), default=0)


def reminder_kind_for(invoice: Invoice, day: datetime.date) -> tuple[ReminderKind, int]:
    """The reminder that fits the invoice on `day`, and how many days it is overdue: before the
    due date the payment reminder, after it the latest overdue notice whose day has come (the
    first one from the first day overdue)."""
    overdue = (day - invoice.due_on).days
    if overdue <= 0:
        return ReminderKind.BEFORE_DUE, 0
    latest = _latest_notice(billing_setting("overdue_notice_days"), overdue)
    return OVERDUE_KINDS[min(latest, len(OVERDUE_KINDS) - 1)], overdue


def invoice_reminder_send(
    *, actor: Actor, invoice: Invoice, day: datetime.date | None = None
) -> ReminderKind:
    """Staff: send now the reminder or notice that fits the invoice (see reminder_kind_for).
    Like the billing run's, each kind goes out once per invoice; a second is refused."""
    day = day or clock.today()
    invoice = Invoice.objects.select_related("client").get(pk=invoice.pk)
    if invoice.kind != InvoiceKind.INVOICE or invoice.status != InvoiceStatus.UNPAID:
        raise InvoiceRefused(
            _("Invoice %(number)s is %(status)s; only unpaid invoices get reminders.")
            % {"number": invoice.number, "status": invoice.get_status_display()}
        )
    if not invoice.client.email:
        raise InvoiceRefused(
            _("The client of invoice %(number)s has no e-mail address.")
            % {"number": invoice.number}
        )
    kind, overdue = reminder_kind_for(invoice, day)
    sent = invoice.reminders.filter(kind=kind).first()
    if sent is not None or not _send(
        actor=actor,
        invoice=invoice,
        kind=kind,
        overdue=overdue,
        day=day,
        suspend_days=billing_setting("suspend_days_overdue"),
    ):
        sent = sent or invoice.reminders.filter(kind=kind).first()
        raise InvoiceRefused(
            _("The %(kind)s for invoice %(number)s was sent already on %(date)s.")
            % {
                "kind": kind.label,
                "number": invoice.number,
                "date": date_format(sent.sent_on if sent else day, "SHORT_DATE_FORMAT"),
            }
        )
    return kind
