"""API: "check against server" for one service or one domain (staff), as on their staff pages."""

# No `from __future__ import annotations`: ninja reads the parameter annotations at import time.

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from hostwerk.accounts.models import ClientArea
from hostwerk.accounts.request import ApiRequest
from hostwerk.api.auth import TokenAuth, require_staff
from hostwerk.api.schemas import DomainId, ServiceId
from hostwerk.domains.models import Domain
from hostwerk.drift.actions import CheckRefused, drift_check_domain, drift_check_service
from hostwerk.drift.models import DifferenceKind
from hostwerk.provisioning.models import Service

router = Router(tags=["drift"], auth=TokenAuth(area=ClientArea.TECHNICAL))


class DifferenceOut(Schema):
    id: int = Field(
        description="The difference's id; it stays open until a check no longer finds it."
    )
    kind: DifferenceKind = Field(description="What differs.")
    system: str = Field(description="The remote system compared with.")
    object: str = Field(alias="object_label", description="What it is about.")
    expected: str = Field(description="What Hostwerk has.")
    found: str = Field(description="What the remote system has.")
    repairable: bool = Field(description="Whether Hostwerk can repair it with one click.")
    explanation: str = Field(description="What repairing does, or what a person has to decide.")


class ObjectCheckOut(Schema):
    checked: int = Field(description="Objects compared (the service and its mailboxes, or 1).")
    differences: list[DifferenceOut] = Field(description="The open differences found now.")
    unreachable: list[str] = Field(description="Systems that could not be asked, with why.")


def _answer(outcome) -> dict:
    return {
        "checked": outcome.checked,
        "differences": outcome.differences,
        "unreachable": [f"{system}: {why}" for system, why in outcome.unreachable],
    }


@router.post(
    "/services/{service_id}/drift-check",
    response=ObjectCheckOut,
    summary="Check a service against its server",
)
def check_service(request: ApiRequest, service_id: ServiceId):
    """Staff: compare the service (customer, subscription, status, plan, mailboxes) with its Plesk
    server and record the differences; 409 when there is nothing to compare it with."""
    require_staff(request)
    service = get_object_or_404(Service.objects.select_related("client"), pk=service_id)
    try:
        return _answer(drift_check_service(actor=request.actor, service=service))
    except CheckRefused as refused:
        raise HttpError(409, str(refused)) from None


@router.post(
    "/domains/{domain_id}/drift-check",
    response=ObjectCheckOut,
    summary="Check a domain against its registry",
)
def check_domain(request: ApiRequest, domain_id: DomainId):
    """Staff: compare the domain (registered for us, expiry, name servers, owner) with its
    registry and record the differences; 409 when there is nothing to compare it with."""
    require_staff(request)
    domain = get_object_or_404(Domain.objects.select_related("client"), pk=domain_id)
    try:
        return _answer(drift_check_domain(actor=request.actor, domain=domain))
    except CheckRefused as refused:
        raise HttpError(409, str(refused)) from None
