"""Staff area: take over a domain's zone from PowerDNS or its Plesk server (imports.zones)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hostwerk.accounts.request import StaffRequest
from hostwerk.core.errors import HostwerkError
from hostwerk.dns.models import Zone
from hostwerk.domains.queries import domain_get
from hostwerk.imports.zones import zones_import
from hostwerk.staff.decorators import staff_required


@require_POST
@staff_required
def domain_zone_import_view(request: StaffRequest, domain_id: int) -> HttpResponse:
    domain = domain_get(domain_id=domain_id)
    try:
        report = zones_import(
            actor=request.actor, source=request.POST.get("source", ""), domains=[domain.name]
        )
    except HostwerkError as error:
        messages.error(request, _("The zone was not imported: %(error)s") % {"error": error})
        return redirect("staff:domain_detail", domain_id=domain.pk)
    for entry in report.skipped:
        text = f"{entry['record']}: {entry['reason']}" if "record" in entry else entry["reason"]
        messages.warning(request, text)
    zone = Zone.objects.filter(name=domain.name).first()
    if report.zones and zone is not None:
        messages.success(
            request,
            _("Zone imported with %(count)s records.") % {"count": report.records},
        )
        return redirect("staff:zone_detail", zone.pk)
    return redirect("staff:domain_detail", domain_id=domain.pk)
