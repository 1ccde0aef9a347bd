"""Services and unpaid invoices: suspend when overdue, lift it after payment, terminate when long
overdue (if the provider wants that), and carry out cancellation requests.

A service is suspended only while an unpaid, overdue invoice line for it exists (never on a
date alone), and only an "overdue" suspension is lifted by payment: one made by staff stays.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hostwerk.billing.actions import InvoiceRefused, invoice_cancel
from hostwerk.billing.config import billing_setting
from hostwerk.billing.models import (
    CancellationRequest,
    CancellationStatus,
    CancellationWhen,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
)
from hostwerk.billing.settlement import overdue_lines, suspending_lines
from hostwerk.core import clock
from hostwerk.core.audit import Actor, audit_record
from hostwerk.core.errors import HostwerkError
from hostwerk.notifications.actions import email_queue
from hostwerk.provisioning.actions import service_suspend, service_terminate, service_unsuspend
from hostwerk.provisioning.models import Service, ServiceStatus, SuspendReason


class CancellationRefused(HostwerkError):
    """The service cannot be cancelled (again) in its current state."""


def services_to_suspend(day: datetime.date) -> QuerySet[Service]:
    return (
        Service.objects.filter(status=ServiceStatus.ACTIVE)
        .filter(Q(no_suspend_until__isnull=True) | Q(no_suspend_until__lt=day))
        .filter(Exists(suspending_lines(day).filter(service=OuterRef("pk"))))
        .select_related("client", "product", "server")
    )


def services_to_unsuspend(day: datetime.date) -> QuerySet[Service]:
    """Overdue suspensions whose reason is gone: the safety net behind the payment's own job."""
    return (
        Service.objects.filter(status=ServiceStatus.SUSPENDED, suspend_reason=SuspendReason.OVERDUE)
        .exclude(Exists(suspending_lines(day).filter(service=OuterRef("pk"))))
        .select_related("client", "product", "server")
    )


def services_to_terminate(day: datetime.date) -> QuerySet[Service]:
    days = billing_setting("terminate_days_overdue")
    if days <= 0:
        return Service.objects.none()
    lines = overdue_lines(before=day - datetime.timedelta(days=days - 1))
    return (
        Service.objects.filter(status__in=(ServiceStatus.ACTIVE, ServiceStatus.SUSPENDED))
        .filter(Q(no_suspend_until__isnull=True) | Q(no_suspend_until__lt=day))
        .filter(Exists(lines.filter(service=OuterRef("pk"))))
        .select_related("client", "product", "server")
    )


def _notify(template: str, service: Service) -> None:
    client = service.client
    if not client.email:
        return
    email_queue(
        template=template,
        to=client.email,
        language=client.language,
        client=client,
        obj=service,
        context={
            "client": client,
            "service": service,
            "invoices_url": settings.BASE_URL + reverse("portal:invoice_list"),
            "seller_name": settings.HOSTWERK_SELLER_NAME,
        },
    )


def service_suspend_overdue(*, actor: Actor, service: Service) -> bool:
    """Suspend `service` on its server for non-payment and tell the client; False if it was no
    longer due for it (paid meanwhile, or suspended by another run)."""
    if not suspending_lines(clock.today()).filter(service=service).exists():
        return False
    service = service_suspend(actor=actor, service=service, reason=SuspendReason.OVERDUE)
    if service.status != ServiceStatus.SUSPENDED or service.suspend_reason != SuspendReason.OVERDUE:
        return False
    with transaction.atomic():
        _notify("service_suspended", service)
    return True


def service_unsuspend_paid(*, actor: Actor, service: Service) -> bool:
    """Lift an overdue suspension once nothing overdue is left; a staff suspension stays."""
    service = Service.objects.select_related("client", "product", "server").get(pk=service.pk)
    if service.status != ServiceStatus.SUSPENDED or service.suspend_reason != SuspendReason.OVERDUE:
        return False
    if suspending_lines(clock.today()).filter(service=service).exists():
        return False
    service = service_unsuspend(actor=actor, service=service)
    return service.status == ServiceStatus.ACTIVE


def _run_each(services, step: str, work, errors: list[dict]) -> int:
    done = 0
    for service in services:
        try:
            done += bool(work(service))
        except HostwerkError as error:
            errors.append({"step": step, "object": f"service {service.pk}", "error": str(error)})
    return done


def suspensions_run(*, actor: Actor, day: datetime.date, errors: list[dict]) -> tuple[int, int]:
    """(suspended, unsuspended) on `day`."""
    suspended = _run_each(
        list(services_to_suspend(day)),
        "suspensions",
        lambda service: service_suspend_overdue(actor=actor, service=service),
        errors,
    )
    unsuspended = _run_each(
        list(services_to_unsuspend(day)),
        "suspensions",
        lambda service: service_unsuspend_paid(actor=actor, service=service),
        errors,
    )
    return suspended, unsuspended


def _terminate(*, actor: Actor, service: Service) -> bool:
    service = service_terminate(actor=actor, service=service)
    if service.status != ServiceStatus.TERMINATED:
        return False
    with transaction.atomic():
        _notify("service_terminated", service)
    return True


def terminations_run(*, actor: Actor, day: datetime.date, errors: list[dict]) -> int:
    """Terminate long-overdue services (when HOSTWERK_TERMINATE_DAYS_OVERDUE is set) and carry
    out the cancellation requests that take effect by `day`."""
    terminated = _run_each(
        list(services_to_terminate(day)),
        "terminations",
        lambda service: _terminate(actor=actor, service=service),
        errors,
    )
    for request in cancellations_due(day):
        try:
            terminated += cancellation_carry_out(actor=actor, request=request)
        except HostwerkError as error:
            errors.append(
                {
                    "step": "cancellations",
                    "object": f"service {request.service_id}",
                    "error": str(error),
                }
            )
    return terminated


# Cancellation requests -------------------------------------------------------------------------


def cancellation_end_day(service: Service, when: str, today: datetime.date) -> datetime.date:
    """The day a cancellation takes effect: the end of the paid period, or today."""
    if when == CancellationWhen.NOW:
        return today
    return max(service.next_due_date or today, today)


@transaction.atomic
def cancellation_request(
    *, actor: Actor, service: Service, when: str, reason: str = ""
) -> CancellationRequest:
    """Ask to end `service` at the end of its paid period or now; carried out by the billing
    run on that day. No renewal is invoiced for a period after the end."""
    service = Service.objects.select_for_update().select_related("client").get(pk=service.pk)
    if service.status not in (ServiceStatus.ACTIVE, ServiceStatus.SUSPENDED, ServiceStatus.PENDING):
        raise CancellationRefused(
            _("This service is %(status)s; there is nothing to cancel.")
            % {"status": service.get_status_display()},
            code="not_cancellable",
        )
    if when not in CancellationWhen.values:
        raise CancellationRefused(
            _("Choose when the service ends: at the end of the period or now."), code="when"
        )
    today = clock.today()
    try:
        with transaction.atomic():
            request = CancellationRequest.objects.create(
                service=service,
                when=when,
                reason=reason.strip(),
                ends_on=cancellation_end_day(service, when, today),
                requested_by=actor.label[:200],
            )
    except IntegrityError:
        raise CancellationRefused(
            _("A cancellation of this service was requested already."), code="already_requested"
        ) from None
    audit_record(
        actor=actor,
        action="service.cancellation_request",
        obj=service,
        client=service.client,
        data={"when": when, "ends_on": request.ends_on, "reason": request.reason},
    )
    return request


@transaction.atomic
def cancellation_withdraw(*, actor: Actor, request: CancellationRequest) -> CancellationRequest:
    updated = CancellationRequest.objects.filter(
        pk=request.pk, status=CancellationStatus.PENDING
    ).update(status=CancellationStatus.WITHDRAWN)
    request.refresh_from_db()
    if updated:
        audit_record(
            actor=actor,
            action="service.cancellation_withdraw",
            obj=request.service,
            client=request.service.client,
            data={"ends_on": request.ends_on},
        )
    return request


def cancellations_due(day: datetime.date) -> QuerySet[CancellationRequest]:
    return CancellationRequest.objects.filter(
        status=CancellationStatus.PENDING, ends_on__lte=day
    ).select_related("service__client", "service__product", "service__server")


def _cancel_renewals_after(*, actor: Actor, service: Service, ends_on: datetime.date) -> None:
    """Cancel the unpaid invoices that charge this service for a period from `ends_on` on.

    An invoice is a legal document and is not edited: one that also charges other services is
    cancelled whole, and their periods are invoiced anew by the next run.
    """
    invoice_ids = (
        InvoiceLine.objects.filter(
            service=service,
            void=False,
            period_start__gte=ends_on,
            invoice__status=InvoiceStatus.UNPAID,
        )
        .values_list("invoice_id", flat=True)
        .distinct()
    )
    for invoice in Invoice.objects.filter(pk__in=list(invoice_ids)):
        try:
            invoice_cancel(
                actor=actor,
                invoice=invoice,
                reason=_("The service %(service)s ends on %(date)s.")
                % {"service": service, "date": ends_on.isoformat()},
            )
        except InvoiceRefused:
            continue  # paid meanwhile: it stands, staff can credit it


def cancellation_carry_out(*, actor: Actor, request: CancellationRequest) -> bool:
    """End the service of a due request: terminate it on its server, cancel later renewals."""
    service = request.service
    _cancel_renewals_after(actor=actor, service=service, ends_on=request.ends_on)
    if service.status in (ServiceStatus.ACTIVE, ServiceStatus.SUSPENDED):
        service = service_terminate(actor=actor, service=service)
    elif service.status == ServiceStatus.PENDING:
        Service.objects.filter(pk=service.pk, status=ServiceStatus.PENDING).update(
            status=ServiceStatus.CANCELLED
        )
        service.refresh_from_db()
    if service.status not in (ServiceStatus.TERMINATED, ServiceStatus.CANCELLED):
        return False
    with transaction.atomic():
        updated = CancellationRequest.objects.filter(
            pk=request.pk, status=CancellationStatus.PENDING
        ).update(status=CancellationStatus.DONE, done_at=timezone.now())
        if updated:
            audit_record(
                actor=actor,
                action="service.cancellation_done",
                obj=service,
                client=service.client,
                data={"ends_on": request.ends_on},
            )
    return bool(updated)
