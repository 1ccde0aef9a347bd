"""API: DNS zones and records. Staff tokens reach every zone; client tokens only their own (404)."""

# No `from __future__ import annotations`: ninja reads the parameter annotations at import time.

from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError, ValidationError
from ninja.pagination import paginate
from ninja.responses import Status

from hostwerk.accounts.models import ClientArea
from hostwerk.accounts.request import ApiRequest
from hostwerk.api.auth import TokenAuth
from hostwerk.api.clients import client_for_request
from hostwerk.api.errors import field_error
from hostwerk.api.schemas import Pages, RecordId, ZoneName
from hostwerk.core.domain_names import DomainNameError
from hostwerk.core.text_search import contains
from hostwerk.dns import actions, queries
from hostwerk.dns.models import PublishStatus, Record, RecordType, Zone
from hostwerk.dns.validation import RecordInvalid, absolute_name, zone_name_clean
from hostwerk.provisioning import zones

router = Router(tags=["dns"], auth=TokenAuth(area=ClientArea.TECHNICAL))


R = {
    "name": "The record's name: @ for the zone itself, or relative (www) or absolute "
    "(www.example.nl.).",
    "type": "The record type.",
    "content": "The record's data, e.g. an IP address, a host name or a text.",
    "ttl": "Time to live in seconds; default: the zone's.",
    "priority": "For MX and SRV: the priority, lowest first.",
}
ZONE_STATUS = "Whether the DNS server serves the zone's current version."


class RecordOut(Schema):
    id: int = Field(description="The record's id; `record_id` in the paths.")
    name: str = Field(description="The absolute name, with a trailing dot.")
    type: RecordType = Field(description=R["type"])
    ttl: int = Field(description="Time to live in seconds.")
    content: str = Field(description=R["content"])
    priority: int | None = Field(description=R["priority"] + " Null for other types.")
    template_managed: bool = Field(
        description="Made by the zone template; moving the hosting changes it."
    )


class ZoneOut(Schema):
    id: int = Field(description="The zone's id.")
    name: str = Field(description="The zone's name, absolute, with a trailing dot.")
    client_id: int | None = Field(description="The client it belongs to; null: none.")
    status: PublishStatus = Field(description=ZONE_STATUS)
    last_error: str = Field(description="What the DNS server said when it refused; empty: none.")
    records: list[RecordOut] = Field(description="The zone's records.")


class ZoneSummaryOut(Schema):
    id: int = Field(description="The zone's id.")
    name: str = Field(description="The zone's name, absolute, with a trailing dot.")
    client_id: int | None = Field(description="The client it belongs to; null: none.")
    status: PublishStatus = Field(description=ZONE_STATUS)

    @staticmethod
    def resolve_name(obj: Zone) -> str:
        return f"{obj.name}."


class ZoneIn(Schema):
    domain: str = Field(description="The domain name, e.g. example.nl.")
    client_id: int | None = Field(
        None, description="Staff: the client it belongs to; a client token: its own."
    )


class RecordIn(Schema):
    name: str = Field("@", description=R["name"])
    type: RecordType = Field(description=R["type"])
    content: str = Field(description=R["content"])
    ttl: int | None = Field(None, description=R["ttl"])
    priority: int | None = Field(None, description=R["priority"])


class RecordPatch(Schema):
    """Only the fields given are changed."""

    name: str | None = Field(None, description=R["name"])
    type: RecordType | None = Field(None, description=R["type"])
    content: str | None = Field(None, description=R["content"])
    ttl: int | None = Field(None, description=R["ttl"])
    priority: int | None = Field(None, description=R["priority"])


def _record_out(zone: Zone, record: Record) -> dict:
    return {
        "id": record.pk,
        "name": absolute_name(zone.name, record.name),
        "type": record.type,
        "ttl": record.ttl,
        "content": record.content,
        "priority": record.priority,
        "template_managed": record.template_managed,
    }


def _zone_out(zone: Zone) -> dict:
    return {
        "id": zone.pk,
        "name": f"{zone.name}.",
        "client_id": zone.client_id,
        "status": zone.status,
        "last_error": zone.last_error,
        "records": [_record_out(zone, record) for record in queries.zone_records(zone=zone)],
    }


def _visible(request: ApiRequest):
    return queries.zones_visible(client=request.client, is_staff=request.user.is_staff)


def _zone(request: ApiRequest, domain: str) -> Zone:
    """The zone named in the path if the token may see it; 404 otherwise (also for bad names)."""
    try:
        name = zone_name_clean(domain)
    except DomainNameError:
        raise HttpError(404, "Not Found") from None
    return get_object_or_404(_visible(request), name=name)


def _invalid(invalid: RecordInvalid) -> ValidationError:
    return ValidationError(
        [
            {"loc": ["body", field], "msg": message, "type": "invalid"}
            for field, message in invalid.errors.items()
        ]
    )


@router.get("/zones", response=list[ZoneSummaryOut], summary="List zones")
@paginate(Pages, page_size=50)
def list_zones(
    request: ApiRequest,
    q: Annotated[str, Query(description="Part of the zone's name; empty: all zones.")] = "",
):
    """DNS zones by name. A client token sees its own client's only."""
    zones = _visible(request)
    if q:
        zones = zones.filter(contains("name", q.strip()))
    return zones.order_by("name")


@router.get("/zones/{domain}", response=ZoneOut, summary="Get a zone")
def get_zone(request: ApiRequest, domain: ZoneName):
    """One zone with its records; another client's is a 404."""
    return _zone_out(_zone(request, domain))


@router.post("/zones", response={201: ZoneOut}, summary="Create a zone")
def create_zone(request: ApiRequest, payload: ZoneIn):
    """A zone from the default template, pointing at the forwarding server (R6). Staff may create
    any zone; a client token only for a domain name the client has here."""
    try:
        name = zone_name_clean(payload.domain)
    except DomainNameError as exc:
        raise field_error("domain", str(exc)) from None
    if request.user.is_staff:
        client = client_for_request(request, payload.client_id) if payload.client_id else None
    else:
        if payload.client_id not in (None, request.client.pk if request.client else None):
            raise HttpError(404, "Not Found")
        client = request.client
        if client is None or not queries.client_may_create_zone(client=client, domain=name):
            raise HttpError(403, "You can create a zone only for a domain name you have with us.")
    try:
        zone = zones.zone_create(actor=request.actor, domain=name, client=client)
    except actions.ZoneExists as exists:
        raise HttpError(409, exists.message) from None
    except RecordInvalid as invalid:
        raise _invalid(invalid) from None
    except actions.DnsRefused as refused:
        raise HttpError(409, refused.message) from None
    return Status(201, _zone_out(zone))


@router.post("/zones/{domain}/records", response={201: RecordOut}, summary="Add a record")
def create_record(request: ApiRequest, domain: ZoneName, payload: RecordIn):
    """Add a record; it is checked as the web form checks it (422 naming the field) and the zone
    is published."""
    zone = _zone(request, domain)
    try:
        record = actions.record_create(actor=request.actor, zone=zone, **payload.dict())
    except RecordInvalid as invalid:
        raise _invalid(invalid) from None
    return Status(201, _record_out(zone, record))


@router.get("/zones/{domain}/records/{record_id}", response=RecordOut, summary="Get a record")
def get_record(request: ApiRequest, domain: ZoneName, record_id: RecordId):
    """One record of the zone."""
    zone = _zone(request, domain)
    return _record_out(zone, queries.zone_record_get(zone=zone, record_id=record_id))


@router.patch("/zones/{domain}/records/{record_id}", response=RecordOut, summary="Change a record")
def update_record(request: ApiRequest, domain: ZoneName, record_id: RecordId, payload: RecordPatch):
    """Change the fields given; the others keep their value."""
    zone = _zone(request, domain)
    record = queries.zone_record_get(zone=zone, record_id=record_id)
    values = {
        "name": record.name,
        "type": record.type,
        "content": record.content,
        "ttl": record.ttl,
        "priority": record.priority,
        **payload.dict(exclude_unset=True),
    }
    try:
        record = actions.record_update(actor=request.actor, record=record, **values)
    except RecordInvalid as invalid:
        raise _invalid(invalid) from None
    return _record_out(zone, record)


@router.delete(
    "/zones/{domain}/records/{record_id}", response={204: None}, summary="Delete a record"
)
def delete_record(request: ApiRequest, domain: ZoneName, record_id: RecordId):
    """Delete the record and publish the zone."""
    zone = _zone(request, domain)
    record = queries.zone_record_get(zone=zone, record_id=record_id)
    actions.record_delete(actor=request.actor, record=record)
    return Status(204, None)
