"""What a paid invoice does to what it charged: each period line moves its service's or domain's
next due date to the line's period end — from the line, never from "today", so a late payment
keeps the anniversary — exactly once (a DueDateMove row per line and period, unique), lifts an
overdue suspension, and queues the registry renewal of a paid domain year.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from hostwerk.billing.config import billing_setting
from hostwerk.billing.models import (
    DomainRenewal,
    DueDateMove,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
)
from hostwerk.core.audit import Actor, audit_record
from hostwerk.domains.models import Domain
from hostwerk.domains.tld_rules import tld_rule
from hostwerk.provisioning.models import Service, ServiceStatus, SuspendReason


def period_lines(lines: QuerySet[InvoiceLine]) -> QuerySet[InvoiceLine]:
    """The lines among `lines` that charge a period of a service or a domain."""
    return lines.filter(void=False, period_start__isnull=False, period_end__isnull=False).filter(
        Q(service__isnull=False) | Q(domain__isnull=False)
    )


def overdue_lines(*, before: datetime.date) -> QuerySet[InvoiceLine]:
    """Period lines of unpaid invoices that were due before `before` (not on it)."""
    return period_lines(
        InvoiceLine.objects.filter(
            invoice__status=InvoiceStatus.UNPAID,
            invoice__kind=InvoiceKind.INVOICE,
            invoice__due_on__lt=before,
        )
    )


def suspending_lines(day: datetime.date) -> QuerySet[InvoiceLine]:
    """Unpaid period lines whose invoice was due HOSTWERK_SUSPEND_DAYS_OVERDUE days or more
    before `day`: while one exists for a service, the service may be suspended; when none is
    left, an overdue suspension is lifted."""
    return overdue_lines(
        before=day - datetime.timedelta(days=billing_setting("suspend_days_overdue") - 1)
    )


def _move_service(*, actor: Actor, line: InvoiceLine) -> None:
    assert line.service_id is not None
    assert line.period_start is not None and line.period_end is not None
    service = Service.objects.select_related("client").get(pk=line.service_id)
    moved = Service.objects.filter(pk=service.pk, next_due_date=line.period_start).update(
        next_due_date=line.period_end,
        billing_anchor_day=service.billing_anchor_day or line.period_start.day,
    )
    audit_record(
        actor=actor,
        action="service.due_date_move",
        obj=service,
        client=service.client,
        changes={"next_due_date": [line.period_start.isoformat(), line.period_end.isoformat()]}
        if moved
        else {},
        data={"invoice": line.invoice.number, "line": line.pk, "moved": bool(moved)},
    )


def _move_domain(*, actor: Actor, line: InvoiceLine) -> None:
    from hostwerk.billing.tasks import renew_domain

    assert line.domain_id is not None
    assert line.period_start is not None and line.period_end is not None
    domain = Domain.objects.select_related("client", "tld").get(pk=line.domain_id)
    moved = Domain.objects.filter(pk=domain.pk, next_due_date=line.period_start).update(
        next_due_date=line.period_end
    )
    audit_record(
        actor=actor,
        action="domain.due_date_move",
        obj=domain,
        client=domain.client,
        changes={"next_due_date": [line.period_start.isoformat(), line.period_end.isoformat()]}
        if moved
        else {},
        data={"invoice": line.invoice.number, "line": line.pk, "moved": bool(moved)},
    )
    if not moved or tld_rule(domain.tld.name).renews_automatically:
        return  # a .nl continues by itself: SIDN has no renew command
    renewal = DomainRenewal.objects.create(
        domain=domain, line=line, period_start=line.period_start, years=1
    )
    renew_domain.enqueue(renewal.pk)


def line_settle(*, actor: Actor, line: InvoiceLine) -> bool:
    """Move the due date of the paid `line`'s service or domain once; False if it was moved."""
    assert line.period_start is not None and line.period_end is not None
    try:
        with transaction.atomic():
            DueDateMove.objects.create(
                line=line,
                service_id=line.service_id,
                domain_id=line.domain_id,
                from_date=line.period_start,
                to_date=line.period_end,
            )
    except IntegrityError:
        return False  # paid twice, a repeated notice or a second worker: moved already
    if line.service_id:
        _move_service(actor=actor, line=line)
    if line.domain_id:
        _move_domain(actor=actor, line=line)
    return True


def services_overdue(service_ids: set[int] | list[int], *, day: datetime.date) -> set[int]:
    """Those of `service_ids` that still have a line that suspends them on `day`."""
    return set(
        suspending_lines(day)
        .filter(service_id__in=service_ids)
        .values_list("service_id", flat=True)
    )


def invoice_settle(*, actor: Actor, invoice: Invoice, today: datetime.date) -> int:
    """Apply a paid invoice: move due dates once, queue the lifting of overdue suspensions.

    Runs in the transaction that records the payment, so the moves and the queued jobs land
    together with it or not at all. Returns the number of due dates moved.
    """
    from hostwerk.billing.tasks import unsuspend_service

    lines = list(
        period_lines(invoice.lines.all()).select_related("invoice").order_by("position", "id")
    )
    moved = sum(line_settle(actor=actor, line=line) for line in lines)
    service_ids = {line.service_id for line in lines if line.service_id}
    suspended = set(
        Service.objects.filter(
            pk__in=service_ids,
            status=ServiceStatus.SUSPENDED,
            suspend_reason=SuspendReason.OVERDUE,
        ).values_list("pk", flat=True)
    )
    for service_id in sorted(suspended - services_overdue(suspended, day=today)):
        unsuspend_service.enqueue(service_id)
    return moved


def order_lines_attach(*, actor: Actor, service: Service, order_item_id: int) -> bool:
    """Tie the order invoice's period line of a just-created service to it.

    The service is then due from the start of that period: paid, the due date moves to the
    period's end; unpaid and overdue, it can be suspended like any renewal. False when the
    order item was not invoiced with a period.
    """
    line = period_lines_of_item(order_item_id).select_related("invoice").order_by("id").first()
    if line is None:
        return False
    assert line.period_start is not None
    InvoiceLine.objects.filter(pk=line.pk).update(service=service)
    Service.objects.filter(pk=service.pk).update(
        next_due_date=line.period_start, billing_anchor_day=line.period_start.day
    )
    line.service_id = service.pk
    if line.invoice.status == InvoiceStatus.PAID:
        line_settle(actor=actor, line=line)
    return True


def period_lines_of_item(order_item_id: int) -> QuerySet[InvoiceLine]:
    return InvoiceLine.objects.filter(
        order_item_id=order_item_id,
        void=False,
        period_start__isnull=False,
        period_end__isnull=False,
        invoice__kind=InvoiceKind.INVOICE,
    ).exclude(invoice__status=InvoiceStatus.CANCELLED)
