"""API: services. Staff tokens see all and may run lifecycle actions; client tokens read their own."""

# No `from __future__ import annotations`: ninja reads the parameter annotations at import time.

import datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from hostwerk.accounts.models import ClientArea
from hostwerk.api.auth import TokenAuth, require_staff
from hostwerk.api.errors import field_error
from hostwerk.api.schemas import Pages
from hostwerk.billing.lifecycle import CancellationRefused, cancellation_request
from hostwerk.billing.service_billing import ServiceBillingInvalid, service_billing_update
from hostwerk.core.errors import HostwerkError
from hostwerk.provisioning.actions import (
    ServiceRefused,
    service_change_package,
    service_change_password,
    service_suspend,
    service_terminate,
    service_unsuspend,
)
from hostwerk.provisioning.models import Service
from hostwerk.provisioning.queries import service_search

router = Router(tags=["services"], auth=TokenAuth(area=ClientArea.TECHNICAL))


class ServiceOut(Schema):
    id: int
    status: str
    client_id: int
    product_id: int
    server_id: int | None
    domain: str
    billing_cycle: str
    recurring_amount: Decimal
    next_due_date: str | None
    billing_anchor_day: int | None
    suspend_reason: str
    no_suspend_until: datetime.date | None
    username: str
    remote_customer_id: str
    remote_service_id: str

    @staticmethod
    def resolve_next_due_date(obj: Service) -> str | None:
        return obj.next_due_date.isoformat() if obj.next_due_date else None


class ServiceBillingIn(Schema):
    """Only the fields given are changed; `no_suspend_until: null` removes the exemption."""

    next_due_date: datetime.date | None = None
    recurring_amount: Decimal | None = None
    billing_cycle: str | None = None
    no_suspend_until: datetime.date | None = None


class CancellationIn(Schema):
    when: Literal["end_of_period", "now"] = "end_of_period"
    reason: str = ""


class CancellationOut(Schema):
    id: int
    service_id: int
    when: str
    ends_on: datetime.date
    status: str
    reason: str


class ServiceActionIn(Schema):
    action: Literal["suspend", "unsuspend", "terminate", "change_package", "change_password"]
    plan: str = ""


class ServiceActionOut(Schema):
    service: ServiceOut
    password: str | None = None


def services_visible(request: HttpRequest):
    services = Service.objects.select_related("server", "product", "client")
    return services if request.user.is_staff else services.filter(client=request.client)


@router.get("", response=list[ServiceOut])
@paginate(Pages, page_size=50)
def list_services(request: HttpRequest, status: str = "", q: str = ""):
    services = service_search(query=q, status=status)
    return services if request.user.is_staff else services.filter(client=request.client)


@router.get("/{service_id}", response=ServiceOut)
def get_service(request: HttpRequest, service_id: int):
    return get_object_or_404(services_visible(request), pk=service_id)


@router.post("/{service_id}/actions", response=ServiceActionOut)
def service_action(request: HttpRequest, service_id: int, payload: ServiceActionIn):
    require_staff(request)
    service = get_object_or_404(services_visible(request), pk=service_id)
    password = None
    try:
        if payload.action == "suspend":
            service_suspend(actor=request.actor, service=service)
        elif payload.action == "unsuspend":
            service_unsuspend(actor=request.actor, service=service)
        elif payload.action == "terminate":
            service_terminate(actor=request.actor, service=service)
        elif payload.action == "change_package":
            if not payload.plan:
                raise HttpError(422, "Give the plan to switch to in 'plan'.")
            service_change_package(actor=request.actor, service=service, plan=payload.plan)
        else:
            password = service_change_password(actor=request.actor, service=service)
    except ServiceRefused as refused:
        raise HttpError(409, str(refused)) from None
    except HostwerkError as error:
        raise HttpError(502, str(error)) from None
    return {"service": Service.objects.get(pk=service.pk), "password": password}


@router.patch("/{service_id}", response=ServiceOut)
def update_service_billing(request: HttpRequest, service_id: int, payload: ServiceBillingIn):
    """Staff: set the next due date, recurring amount, billing cycle or "do not suspend until"."""
    require_staff(request)
    service = get_object_or_404(services_visible(request), pk=service_id)
    try:
        service_billing_update(
            actor=request.actor, service=service, values=payload.dict(exclude_unset=True)
        )
    except ServiceBillingInvalid as invalid:
        raise field_error(invalid.field, invalid.message) from None
    return services_visible(request).get(pk=service.pk)


@router.post("/{service_id}/cancellation", response={201: CancellationOut})
def request_cancellation(request: HttpRequest, service_id: int, payload: CancellationIn):
    """End the service at the end of its paid period or now (client or staff)."""
    service = get_object_or_404(services_visible(request), pk=service_id)
    try:
        cancellation = cancellation_request(
            actor=request.actor, service=service, when=payload.when, reason=payload.reason
        )
    except CancellationRefused as refused:
        raise HttpError(409, refused.message) from None
    return Status(201, cancellation)
