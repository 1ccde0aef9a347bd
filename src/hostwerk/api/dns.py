"""API: DNS zones and records. Staff tokens reach every zone; client tokens only their own (404)."""

# No `from __future__ import annotations`: ninja reads the parameter annotations at import time.

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError, ValidationError
from ninja.pagination import paginate
from ninja.responses import Status

from hostwerk.accounts.models import ClientArea
from hostwerk.api.auth import TokenAuth
from hostwerk.api.clients import client_for_request
from hostwerk.api.errors import field_error
from hostwerk.api.schemas import Pages
from hostwerk.core.domain_names import DomainNameError
from hostwerk.dns import actions, queries
from hostwerk.dns.models import Record, Zone
from hostwerk.dns.validation import RecordInvalid, absolute_name, zone_name_clean
from hostwerk.provisioning import zones

router = Router(tags=["dns"], auth=TokenAuth(area=ClientArea.TECHNICAL))


class RecordOut(Schema):
    id: int
    name: str  # absolute, with trailing dot
    type: str
    ttl: int
    content: str
    priority: int | None
    template_managed: bool


class ZoneOut(Schema):
    id: int
    name: str  # absolute, with trailing dot
    client_id: int | None
    status: str
    last_error: str
    records: list[RecordOut]


class ZoneSummaryOut(Schema):
    id: int
    name: str
    client_id: int | None
    status: str

    @staticmethod
    def resolve_name(obj: Zone) -> str:
        return f"{obj.name}."


class ZoneIn(Schema):
    domain: str
    client_id: int | None = None


class RecordIn(Schema):
    name: str = "@"
    type: str
    content: str
    ttl: int | None = None
    priority: int | None = None


class RecordPatch(Schema):
    name: str | None = None
    type: str | None = None
    content: str | None = None
    ttl: int | None = None
    priority: int | None = None


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


def _visible(request: HttpRequest):
    return queries.zones_visible(client=request.client, is_staff=request.user.is_staff)


def _zone(request: HttpRequest, domain: str) -> Zone:
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


@router.get("/zones", response=list[ZoneSummaryOut])
@paginate(Pages, page_size=50)
def list_zones(request: HttpRequest, q: str = ""):
    zones = _visible(request)
    if q:
        zones = zones.filter(name__icontains=q.strip().lower())
    return zones.order_by("name")


@router.get("/zones/{domain}", response=ZoneOut)
def get_zone(request: HttpRequest, domain: str):
    return _zone_out(_zone(request, domain))


@router.post("/zones", response={201: ZoneOut})
def create_zone(request: HttpRequest, payload: ZoneIn):
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


@router.post("/zones/{domain}/records", response={201: RecordOut})
def create_record(request: HttpRequest, domain: str, payload: RecordIn):
    zone = _zone(request, domain)
    try:
        record = actions.record_create(actor=request.actor, zone=zone, **payload.dict())
    except RecordInvalid as invalid:
        raise _invalid(invalid) from None
    return Status(201, _record_out(zone, record))


@router.get("/zones/{domain}/records/{record_id}", response=RecordOut)
def get_record(request: HttpRequest, domain: str, record_id: int):
    zone = _zone(request, domain)
    return _record_out(zone, queries.zone_record_get(zone=zone, record_id=record_id))


@router.patch("/zones/{domain}/records/{record_id}", response=RecordOut)
def update_record(request: HttpRequest, domain: str, record_id: int, payload: RecordPatch):
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


@router.delete("/zones/{domain}/records/{record_id}", response={204: None})
def delete_record(request: HttpRequest, domain: str, record_id: int):
    zone = _zone(request, domain)
    record = queries.zone_record_get(zone=zone, record_id=record_id)
    actions.record_delete(actor=request.actor, record=record)
    return Status(204, None)
