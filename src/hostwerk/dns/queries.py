"""Reads of DNS zones, scoped: staff see every zone, a client only its own (others are a 404)."""

from __future__ import annotations

import idna
from django.apps import apps
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404

from hostwerk.clients.models import Client
from hostwerk.clients.queries import clients_named
from hostwerk.core.counts import related_count
from hostwerk.core.domain_names import DomainNameError, name_to_unicode
from hostwerk.core.text_search import any_of, contains
from hostwerk.dns.models import Record, Zone, ZoneChange, ZoneTemplate
from hostwerk.dns.validation import zone_name_clean


def _record_count():
    return related_count(Record.objects.all(), to="zone")


def zone_search(*, query: str = "", status: str = "") -> QuerySet[Zone]:
    """Staff zone list: by (part of) the name, in A-label or Unicode form, or by client."""
    zones = Zone.objects.select_related("client").annotate(record_count=_record_count())
    query = query.strip().rstrip(".")
    if query:
        conditions = [contains("name", query), Q(client__in=clients_named(query=query))]
        try:
            ascii_name = zone_name_clean(query)
        except DomainNameError:
            ascii_name = ""
        if ascii_name:
            conditions.append(Q(name=ascii_name))
        zones = zones.filter(any_of(Zone, *conditions))
    if status:
        zones = zones.filter(status=status)
    return zones.order_by("name")


def zone_search_exact(*, query: str) -> tuple[str, Zone | None]:
    """For "create zone for <domain>": the A-label the search names and its zone, if any.

    ("", None) when the search is not a whole domain name.
    """
    try:
        name = zone_name_clean(query)
    except DomainNameError:
        return "", None
    return name, Zone.objects.filter(name=name).first()


def zone_get(*, zone_id: int) -> Zone:
    return get_object_or_404(Zone.objects.select_related("client"), pk=zone_id)


def client_zones(*, client: Client) -> QuerySet[Zone]:
    return (
        Zone.objects.filter(client=client).annotate(record_count=_record_count()).order_by("name")
    )


def client_zone_get(*, client: Client, zone_id: int) -> Zone:
    return get_object_or_404(Zone.objects.filter(client=client), pk=zone_id)


def zones_visible(*, client: Client | None, is_staff: bool) -> QuerySet[Zone]:
    """The zones an API token may see: every zone for staff, its own client's otherwise."""
    if is_staff:
        return Zone.objects.select_related("client")
    return Zone.objects.filter(client=client) if client is not None else Zone.objects.none()


def zone_records(*, zone: Zone) -> QuerySet[Record]:
    """The zone's records in zone file order: the zone itself (@) first."""
    return (
        Record.objects.filter(zone=zone)
        .annotate(
            apex_first=Case(
                When(name="@", then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("apex_first", "name", "type", "priority", "content", "id")
    )


def zone_records_matching(*, zone: Zone, query: str = "", type: str = "") -> QuerySet[Record]:
    """The zone's records (in zone file order) whose name or content holds `query`, of `type`.

    A name may be typed as the editor shows it: in Unicode, or in full with the zone's name
    ("www.example.nl"), and "@" or the zone's own name finds the apex records."""
    records = zone_records(zone=zone)
    if type:
        records = records.filter(type=type)
    text = query.strip()
    if text:
        conditions = Q(contains("name", text)) | Q(contains("content", text))
        name = _relative_name(zone=zone, text=text)
        if name == "@":
            conditions |= Q(name="@")
        elif name:
            conditions |= Q(contains("name", name))
        records = records.filter(conditions)
    return records


def _relative_name(*, zone: Zone, text: str) -> str:
    """ "www.Example.nl." -> "www", "bücher" -> "xn--bcher-kva", "example.nl" -> "@"; "" when the
    text is no name."""
    name = text.rstrip(".").lower()
    for suffix in {zone.name, name_to_unicode(zone.name)}:
        if name == suffix:
            return "@"
        if name.endswith("." + suffix):
            name = name[: -len(suffix) - 1]
    try:
        return idna.encode(name, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return ""


def zone_record_get(*, zone: Zone, record_id: int) -> Record:
    return get_object_or_404(Record.objects.select_related("zone"), zone=zone, pk=record_id)


def zone_history(*, zone: Zone) -> QuerySet[ZoneChange]:
    return ZoneChange.objects.filter(zone=zone).order_by("-created_at", "-id")


def zone_change_get(*, zone: Zone, change_id: int) -> ZoneChange:
    return get_object_or_404(ZoneChange.objects.select_related("zone"), zone=zone, pk=change_id)


def default_template_get() -> ZoneTemplate:
    """The template new zones start from (made by the migrations; staff may rename it)."""
    template = ZoneTemplate.objects.order_by("-is_default", "pk").first()
    if template is None:
        raise Http404("no zone template")
    return template


def client_may_create_zone(*, client: Client, domain: str) -> bool:
    """Whether the client holds `domain` here: a hosting service or a domain registration.

    Looked up through the app registry because DNS does not depend on the apps that hold
    services and domains (they call DNS, not the other way round).
    """
    for label, model_name, field in (
        ("provisioning", "Service", "domain"),
        ("domains", "Domain", "name"),
    ):
        try:
            model = apps.get_model(label, model_name)
        except LookupError:
            continue
        if model.objects.filter(client=client, **{field: domain}).exists():
            return True
    return False
