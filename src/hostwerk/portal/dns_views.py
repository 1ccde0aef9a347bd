"""Client area: the client's own DNS zones and their records; another client's zone is a 404."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hostwerk.accounts.request import ClientRequest
from hostwerk.core.pages import paginate
from hostwerk.dns import editor, queries
from hostwerk.dns.bindfile import zone_file
from hostwerk.dns.history import history_entries
from hostwerk.dns.models import Zone
from hostwerk.portal.decorators import client_required

AREA = "portal"


@client_required
def zone_list(request: ClientRequest) -> HttpResponse:
    page = paginate(request, queries.client_zones(client=request.client))
    return render(request, "portal/dns/zone_list.html", {"nav": "dns", "page_obj": page})


def _zone_page(
    request: HttpRequest, zone: Zone, extra: dict[str, Any], status: int = 200
) -> HttpResponse:
    context = {
        "nav": "dns",
        "zone": zone,
        **editor.editor_context(_editor(zone), request),
        **extra,
    }
    return render(request, "portal/dns/zone_detail.html", context, status=status)


def _editor(zone: Zone) -> editor.Editor:
    return editor.Editor(
        area=AREA,
        zone=zone,
        render_page=lambda request, extra, status: _zone_page(request, zone, extra, status),
    )


def _zone(request: ClientRequest, zone_id: int) -> Zone:
    return queries.client_zone_get(client=request.client, zone_id=zone_id)


@client_required
def zone_detail(request: ClientRequest, zone_id: int) -> HttpResponse:
    return editor.zone_page(request, _editor(_zone(request, zone_id)))


@client_required
def zone_records(request: ClientRequest, zone_id: int) -> HttpResponse:
    return editor.records(request, _editor(_zone(request, zone_id)))


@client_required
def zone_status(request: ClientRequest, zone_id: int) -> HttpResponse:
    return editor.publish_status(request, _editor(_zone(request, zone_id)))


@client_required
def zone_record_create(request: ClientRequest, zone_id: int) -> HttpResponse:
    return editor.record_create(request, _editor(_zone(request, zone_id)))


@client_required
def zone_record_edit(request: ClientRequest, zone_id: int, record_id: int) -> HttpResponse:
    zone = _zone(request, zone_id)
    record = queries.zone_record_get(zone=zone, record_id=record_id)
    return editor.record_edit(request, _editor(zone), record)


@client_required
def zone_record_delete(request: ClientRequest, zone_id: int, record_id: int) -> HttpResponse:
    zone = _zone(request, zone_id)
    record = queries.zone_record_get(zone=zone, record_id=record_id)
    return editor.record_delete(request, _editor(zone), record)


@client_required
def zone_history(request: ClientRequest, zone_id: int) -> HttpResponse:
    zone = _zone(request, zone_id)
    page = paginate(request, queries.zone_history(zone=zone), per_page=20)
    return render(
        request,
        "portal/dns/zone_history.html",
        {
            "nav": "dns",
            "zone": zone,
            "page_obj": page,
            "entries": history_entries(page.object_list),
        },
    )


@client_required
def zone_export(request: ClientRequest, zone_id: int) -> HttpResponse:
    zone = _zone(request, zone_id)
    response = HttpResponse(zone_file(zone), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{zone.name}.zone"'
    return response
