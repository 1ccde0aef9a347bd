"""API: services. Staff tokens see all and may run lifecycle actions; client tokens read their own."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from hostwerk.api.auth import require_staff
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

router = Router(tags=["services"])


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
    username: str
    remote_customer_id: str
    remote_service_id: str

    @staticmethod
    def resolve_next_due_date(obj: Service) -> str | None:
        return obj.next_due_date.isoformat() if obj.next_due_date else None


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
@paginate(PageNumberPagination, page_size=50)
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
