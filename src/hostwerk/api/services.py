"""API: services. Staff tokens see all and may run lifecycle actions; client tokens read their own."""

# No `from __future__ import annotations`: ninja reads the parameter annotations at import time.

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from hostwerk.accounts.models import ClientArea
from hostwerk.accounts.request import ApiRequest
from hostwerk.api.auth import TokenAuth, require_staff
from hostwerk.api.errors import field_error
from hostwerk.api.schemas import Pages, SearchQuery, ServiceId, blank_or
from hostwerk.billing.lifecycle import CancellationRefused, cancellation_request
from hostwerk.billing.models import CancellationStatus, CancellationWhen
from hostwerk.billing.service_billing import ServiceBillingInvalid, service_billing_update
from hostwerk.catalog.models import BillingCycle
from hostwerk.core.errors import HostwerkError
from hostwerk.provisioning.actions import (
    ServiceRefused,
    service_change_package,
    service_change_password,
    service_suspend,
    service_terminate,
    service_unsuspend,
)
from hostwerk.provisioning.models import Service, ServiceStatus, SuspendReason
from hostwerk.provisioning.queries import service_search

router = Router(tags=["services"], auth=TokenAuth(area=ClientArea.TECHNICAL))


# blank_or builds its Literal at run time; the type checker sees the plain strings they are.
if TYPE_CHECKING:
    SuspendReasonOrBlank = str
else:
    SuspendReasonOrBlank = blank_or(SuspendReason)

NO_SUSPEND = "Not suspended for late payment before this date; null: no exemption."


class ServiceOut(Schema):
    id: int = Field(description="The service's id; `service_id` elsewhere.")
    status: ServiceStatus = Field(description="Where the service is in its life.")
    client_id: int = Field(description="The client it belongs to.")
    product_id: int = Field(description="The product it was ordered as.")
    server_id: int | None = Field(description="The server it lives on; null: none (yet).")
    domain: str = Field(description="The service's domain name.")
    billing_cycle: BillingCycle = Field(description="How often it is invoiced.")
    recurring_amount: Decimal = Field(description="What each period costs, excluding VAT.")
    next_due_date: str | None = Field(
        description="The first day not paid for yet (ISO 8601); null: not invoiced again."
    )
    billing_anchor_day: int | None = Field(
        description="The day of the month it was first due on; periods keep to it (31 Jan, 28 Feb, 31 Mar)."
    )
    suspend_reason: SuspendReasonOrBlank = Field(
        description="Why it is suspended; empty: it is not."
    )
    no_suspend_until: datetime.date | None = Field(description=NO_SUSPEND)
    username: str = Field(description="The login on the server, e.g. for FTP and Plesk.")
    remote_customer_id: str = Field(description="The customer's id on the server; empty: none.")
    remote_service_id: str = Field(description="The subscription's id on the server; empty: none.")

    @staticmethod
    def resolve_next_due_date(obj: Service) -> str | None:
        return obj.next_due_date.isoformat() if obj.next_due_date else None


class ServiceBillingIn(Schema):
    """Only the fields given are changed; `no_suspend_until: null` removes the exemption."""

    next_due_date: datetime.date | None = Field(
        None, description="The first day not paid for yet; the next invoice covers from here."
    )
    recurring_amount: Decimal | None = Field(
        None, description="What each period costs, excluding VAT."
    )
    billing_cycle: BillingCycle | None = Field(None, description="How often it is invoiced.")
    no_suspend_until: datetime.date | None = Field(None, description=NO_SUSPEND)


class CancellationIn(Schema):
    when: CancellationWhen = Field(
        CancellationWhen.END_OF_PERIOD, description="At the end of the paid period, or now."
    )
    reason: str = Field("", description="Why the client leaves.")


class CancellationOut(Schema):
    id: int = Field(description="The cancellation's id.")
    service_id: int = Field(description="The service that ends.")
    when: CancellationWhen = Field(description="At the end of the paid period, or now.")
    ends_on: datetime.date = Field(description="The day the service ends.")
    status: CancellationStatus = Field(description="Whether it is carried out yet.")
    reason: str = Field(description="Why the client leaves.")


class ServiceActionIn(Schema):
    action: Literal["suspend", "unsuspend", "terminate", "change_package", "change_password"] = (
        Field(description="What to do on the server.")
    )
    plan: str = Field("", description="For change_package: the Plesk service plan to switch to.")


class ServiceActionOut(Schema):
    service: ServiceOut = Field(description="The service after the action.")
    password: str | None = Field(
        None, description="For change_password: the new password, shown this once."
    )


def services_visible(request: ApiRequest):
    services = Service.objects.select_related("server", "product", "client")
    return services if request.user.is_staff else services.filter(client=request.client)


@router.get("", response=list[ServiceOut], summary="List services")
@paginate(Pages, page_size=50)
def list_services(
    request: ApiRequest,
    status: Annotated[
        ServiceStatus | None, Query(description="Only services with this status.")
    ] = None,
    q: SearchQuery = "",
):
    """Services matching `q` (domain, login). A client token sees its own client's only."""
    services = service_search(query=q, status=status or "", with_list_columns=False)
    return services if request.user.is_staff else services.filter(client=request.client)


@router.get("/{service_id}", response=ServiceOut, summary="Get a service")
def get_service(request: ApiRequest, service_id: ServiceId):
    """One service; another client's is a 404."""
    return get_object_or_404(services_visible(request), pk=service_id)


@router.post("/{service_id}/actions", response=ServiceActionOut, summary="Run a service action")
def service_action(request: ApiRequest, service_id: ServiceId, payload: ServiceActionIn):
    """Staff: suspend, unsuspend, terminate, change the package or the password on the server.
    A refusal (e.g. terminating twice) is 409; a server that fails is 502 with what it said."""
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


@router.patch("/{service_id}", response=ServiceOut, summary="Change a service's billing")
def update_service_billing(request: ApiRequest, service_id: ServiceId, payload: ServiceBillingIn):
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


@router.post(
    "/{service_id}/cancellation", response={201: CancellationOut}, summary="Cancel a service"
)
def request_cancellation(request: ApiRequest, service_id: ServiceId, payload: CancellationIn):
    """End the service at the end of its paid period or now (client or staff)."""
    service = get_object_or_404(services_visible(request), pk=service_id)
    try:
        cancellation = cancellation_request(
            actor=request.actor, service=service, when=payload.when, reason=payload.reason
        )
    except CancellationRefused as refused:
        raise HttpError(409, refused.message) from None
    return Status(201, cancellation)
