"""API: domains. Client tokens read their own; staff tokens see all and run renew, sync and
name-server changes."""

# No `from __future__ import annotations`: ninja reads the parameter annotations at import time.

from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from hostwerk.accounts.models import ClientArea
from hostwerk.accounts.request import ApiRequest
from hostwerk.api.auth import TokenAuth, require_staff
from hostwerk.api.errors import field_error
from hostwerk.api.schemas import DomainId, Pages, SearchQuery
from hostwerk.domains import queries
from hostwerk.domains.actions import domain_nameservers_update
from hostwerk.domains.common import DomainRefused, NameserversInvalid
from hostwerk.domains.models import Domain, DomainStatus
from hostwerk.domains.renewal import domain_renew
from hostwerk.domains.sync import domain_sync

router = Router(tags=["domains"], auth=TokenAuth(area=ClientArea.TECHNICAL))


class DomainOut(Schema):
    id: int = Field(description="The domain's id; `domain_id` in the paths.")
    name: str = Field(description="A-label, e.g. xn--bcher-kva.nl")
    name_unicode: str = Field(description="for display, e.g. bücher.nl")
    status: DomainStatus = Field(description="Where the domain is at the registry.")
    client_id: int = Field(description="The client it belongs to.")
    tld: str = Field(description="The TLD without a dot, e.g. nl.")
    registrar: str | None = Field(description="The registrar's name; null: none.")
    registered_at: str | None = Field(description="When it was registered (ISO 8601).")
    expires_at: str | None = Field(description="When it expires at the registry (ISO 8601).")
    nameservers: list[str] = Field(description="The name servers as the registry has them.")
    last_error: str = Field(
        description="What the registry said when the last request failed; empty: none."
    )

    @staticmethod
    def resolve_tld(obj: Domain) -> str:
        return obj.tld.name

    @staticmethod
    def resolve_registrar(obj: Domain) -> str | None:
        return obj.registrar.name if obj.registrar else None

    @staticmethod
    def resolve_registered_at(obj: Domain) -> str | None:
        return obj.registered_at.isoformat() if obj.registered_at else None

    @staticmethod
    def resolve_expires_at(obj: Domain) -> str | None:
        return obj.expires_at.isoformat() if obj.expires_at else None


class RenewIn(Schema):
    years: int = Field(1, ge=1, le=10, description="How many years to add.")


class NameserversIn(Schema):
    nameservers: list[str] = Field(..., description="host names, 2 to 13")


def _visible(request: ApiRequest, domain_id: int) -> Domain:
    domains = queries.domain_search()
    if not request.user.is_staff:
        domains = domains.filter(client=request.client)
    return get_object_or_404(domains, pk=domain_id)


def _refused(refused: DomainRefused) -> HttpError:
    status = 502 if refused.code == "registrar_unavailable" else 409
    return HttpError(status, refused.message)


@router.get("", response=list[DomainOut], summary="List domains")
@paginate(Pages, page_size=50)
def list_domains(
    request: ApiRequest,
    status: Annotated[
        DomainStatus | None, Query(description="Only domains with this status.")
    ] = None,
    q: SearchQuery = "",
    expiring: Annotated[
        bool, Query(description="Only active domains expiring within 30 days.")
    ] = False,
):
    """Domains, by name; `expiring` lists active ones expiring within 30 days, soonest first."""
    return queries.domain_search(
        query=q,
        status=status or "",
        expiring=expiring,
        client=None if request.user.is_staff else request.client,
        with_list_columns=False,
    )


@router.get("/{domain_id}", response=DomainOut, summary="Get a domain")
def get_domain(request: ApiRequest, domain_id: DomainId):
    """One domain; another client's is a 404."""
    return _visible(request, domain_id)


@router.post("/{domain_id}/renew", response=DomainOut, summary="Renew a domain")
def renew_domain(request: ApiRequest, domain_id: DomainId, payload: RenewIn):
    """Staff: renew at the registry now. A refusal is 409; an unreachable registrar 502."""
    require_staff(request)
    domain = _visible(request, domain_id)
    try:
        domain_renew(actor=request.actor, domain=domain, years=payload.years)
    except DomainRefused as refused:
        raise _refused(refused) from None
    return _visible(request, domain_id)


@router.post("/{domain_id}/sync", response=DomainOut, summary="Sync with the registry")
def sync_domain(request: ApiRequest, domain_id: DomainId):
    """Staff: read status, expiry date and name servers back from the registry."""
    require_staff(request)
    domain = _visible(request, domain_id)
    try:
        domain_sync(actor=request.actor, domain=domain)
    except DomainRefused as refused:
        raise _refused(refused) from None
    return _visible(request, domain_id)


@router.post("/{domain_id}/nameservers", response=DomainOut, summary="Set name servers")
def set_nameservers(request: ApiRequest, domain_id: DomainId, payload: NameserversIn):
    """Staff: change the domain's name servers at the registry."""
    require_staff(request)
    domain = _visible(request, domain_id)
    try:
        domain_nameservers_update(
            actor=request.actor, domain=domain, nameservers=payload.nameservers
        )
    except NameserversInvalid as invalid:
        raise field_error("nameservers", invalid.message) from None
    except DomainRefused as refused:
        raise _refused(refused) from None
    return _visible(request, domain_id)
