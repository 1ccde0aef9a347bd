"""Staff area: DNS zones (search, create, records, publishing, history, export) and the zone template."""

from __future__ import annotations

from typing import Any, Literal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from hostwerk.accounts.request import StaffRequest
from hostwerk.core.errors import HostwerkError
from hostwerk.core.pages import paginate
from hostwerk.dns import actions, editor, queries, template_actions
from hostwerk.dns.bindfile import zone_file
from hostwerk.dns.forms import (
    RecordForm,
    ZoneClientForm,
    ZoneCreateForm,
    ZoneSearchForm,
)
from hostwerk.dns.history import history_entries
from hostwerk.dns.models import Zone, ZoneTemplateRecord
from hostwerk.dns.publishers import nameservers
from hostwerk.dns.reasons import Reason
from hostwerk.dns.validation import RecordInvalid
from hostwerk.provisioning import zones
from hostwerk.provisioning.forms import PointToForm
from hostwerk.staff.decorators import staff_required

AREA = "staff"
RECENT_CHANGES = 5


@staff_required
def zone_list(request: StaffRequest) -> HttpResponse:
    search = ZoneSearchForm(request.GET)
    values = search.cleaned_data if search.is_valid() else {}
    query, status = values.get("q", "").strip(), values.get("status", "")
    page = paginate(request, queries.zone_search(query=query, status=status))
    new_name, existing = queries.zone_search_exact(query=query) if query else ("", None)
    context = {
        "nav": "dns",
        "search": search,
        "query": query,
        "page_obj": page,
        "offer_create": bool(new_name) and existing is None,
        "new_name": new_name,
    }
    template = "staff/dns/_zone_table.html" if request.htmx else "staff/dns/zone_list.html"
    return render(request, template, context)


@staff_required
def zone_create(request: StaffRequest) -> HttpResponse:
    form = ZoneCreateForm(request.POST or None, initial={"domain": request.GET.get("domain", "")})
    existing_zone = None
    if request.method == "POST" and form.is_valid():
        try:
            zone = zones.zone_create(
                actor=request.actor,
                domain=form.cleaned_data["domain"],
                client=form.cleaned_data["client_number"],
            )
        except actions.ZoneExists as exists:
            existing_zone = exists.zone
            form.add_error("domain", exists.message)
        except RecordInvalid as invalid:
            form.add_error("domain", invalid.errors.get("domain", str(invalid)))
        except actions.DnsRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request,
                _("Zone %(name)s created from the default template.") % {"name": zone.display_name},
            )
            return redirect("staff:zone_detail", zone_id=zone.pk)
    return render(
        request,
        "staff/dns/zone_create.html",
        {"nav": "dns", "form": form, "existing_zone": existing_zone},
        status=422 if request.method == "POST" else 200,
    )


def _zone_page(
    request: HttpRequest, zone: Zone, extra: dict[str, Any], status: int = 200
) -> HttpResponse:
    context = {
        "nav": "dns",
        "zone": zone,
        "nameservers": nameservers(),
        "point_form": PointToForm(),
        "client_form": ZoneClientForm(
            initial={"client_number": zone.client.number if zone.client else None}
        ),
        "recent": history_entries(queries.zone_history(zone=zone)[:RECENT_CHANGES]),
        **editor.editor_context(_editor(zone), request),
        **extra,
    }
    return render(request, "staff/dns/zone_detail.html", context, status=status)


def _editor(zone: Zone) -> editor.Editor:
    return editor.Editor(
        area=AREA,
        zone=zone,
        render_page=lambda request, extra, status: _zone_page(request, zone, extra, status),
    )


@staff_required
def zone_detail(request: StaffRequest, zone_id: int) -> HttpResponse:
    return editor.zone_page(request, _editor(queries.zone_get(zone_id=zone_id)))


@staff_required
def zone_records(request: StaffRequest, zone_id: int) -> HttpResponse:
    return editor.records(request, _editor(queries.zone_get(zone_id=zone_id)))


@staff_required
def zone_status(request: StaffRequest, zone_id: int) -> HttpResponse:
    return editor.publish_status(request, _editor(queries.zone_get(zone_id=zone_id)))


@staff_required
def zone_record_create(request: StaffRequest, zone_id: int) -> HttpResponse:
    return editor.record_create(request, _editor(queries.zone_get(zone_id=zone_id)))


@staff_required
def zone_record_edit(request: StaffRequest, zone_id: int, record_id: int) -> HttpResponse:
    zone = queries.zone_get(zone_id=zone_id)
    record = queries.zone_record_get(zone=zone, record_id=record_id)
    return editor.record_edit(request, _editor(zone), record)


@staff_required
def zone_record_delete(request: StaffRequest, zone_id: int, record_id: int) -> HttpResponse:
    zone = queries.zone_get(zone_id=zone_id)
    record = queries.zone_record_get(zone=zone, record_id=record_id)
    return editor.record_delete(request, _editor(zone), record)


@staff_required
def zone_publish(request: StaffRequest, zone_id: int) -> HttpResponse:
    zone = queries.zone_get(zone_id=zone_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        actions.zone_publish_now(zone=zone, actor=request.actor, force=True)
    except HostwerkError as error:
        messages.error(request, _("Publishing failed: %(error)s") % {"error": error.message})
    else:
        messages.success(request, _("Zone %(name)s is published.") % {"name": zone.display_name})
    return redirect("staff:zone_detail", zone_id=zone.pk)


@staff_required
def zone_export(request: StaffRequest, zone_id: int) -> HttpResponse:
    zone = queries.zone_get(zone_id=zone_id)
    response = HttpResponse(zone_file(zone), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{zone.name}.zone"'
    return response


@staff_required
def zone_history(request: StaffRequest, zone_id: int) -> HttpResponse:
    zone = queries.zone_get(zone_id=zone_id)
    page = paginate(request, queries.zone_history(zone=zone), per_page=20)
    return render(
        request,
        "staff/dns/zone_history.html",
        {
            "nav": "dns",
            "zone": zone,
            "page_obj": page,
            "entries": history_entries(page.object_list),
        },
    )


@staff_required
def zone_restore(request: StaffRequest, zone_id: int, change_id: int) -> HttpResponse:
    zone = queries.zone_get(zone_id=zone_id)
    change = queries.zone_change_get(zone=zone, change_id=change_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    side: Literal["before", "after"] = "after" if request.POST.get("side") == "after" else "before"
    actions.zone_restore(actor=request.actor, change=change, side=side)
    messages.success(request, _("The records are restored; this is a new entry in the history."))
    return redirect("staff:zone_history", zone_id=zone.pk)


@staff_required
def zone_delete(request: StaffRequest, zone_id: int) -> HttpResponse:
    zone = queries.zone_get(zone_id=zone_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    actions.zone_delete(actor=request.actor, zone=zone)
    messages.success(request, _("Zone %(name)s deleted.") % {"name": zone.display_name})
    return redirect("staff:zone_list")


@staff_required
def zone_point_to(request: StaffRequest, zone_id: int) -> HttpResponse:
    zone = queries.zone_get(zone_id=zone_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = PointToForm(request.POST)
    if form.is_valid():
        server = form.cleaned_data["server"]
        change = actions.zone_point_to(
            actor=request.actor,
            zone=zone,
            web_ip=server.web_ip,
            mail_ip=server.mail_ip,
            reason=form.cleaned_data["reason"]
            or Reason("pointed_by_staff", {"server": server.name}),
        )
        if change is None:
            messages.info(
                request,
                _("Nothing to move: the records that follow the hosting already point there."),
            )
        else:
            messages.success(
                request,
                _("The records that follow the hosting now point at %(server)s.")
                % {"server": server.name},
            )
        return redirect("staff:zone_detail", zone_id=zone.pk)
    return _zone_page(request, zone, {"point_form": form}, status=422)


@staff_required
def zone_client(request: StaffRequest, zone_id: int) -> HttpResponse:
    zone = queries.zone_get(zone_id=zone_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ZoneClientForm(request.POST)
    if not form.is_valid():
        return _zone_page(request, zone, {"client_form": form}, status=422)
    actions.zone_set_client(
        actor=request.actor, zone=zone, client=form.cleaned_data["client_number"]
    )
    messages.success(request, _("Changes saved."))
    return redirect("staff:zone_detail", zone_id=zone.pk)


# The default zone template.


def _template_page(
    request: StaffRequest, *, add_form=None, edit_form=None, edit_id=None, status=200
):
    template = queries.default_template_get()
    context = {
        "nav": "dns",
        "template": template,
        "rows": list(template.records.order_by("name", "type", "priority", "id")),
        "add_form": add_form or RecordForm(),
        "edit_form": edit_form,
        "edit_id": edit_id,
    }
    name = "staff/dns/_template_records.html" if request.htmx else "staff/dns/zone_template.html"
    return render(request, name, context, status=200 if request.htmx else status)


@staff_required
def zone_template(request: StaffRequest) -> HttpResponse:
    return _template_page(request)


@staff_required
def zone_template_record_create(request: StaffRequest) -> HttpResponse:
    if request.method != "POST":
        return _template_page(request)
    template = queries.default_template_get()
    form = RecordForm(request.POST)
    if form.is_valid():
        try:
            template_actions.template_record_create(
                actor=request.actor, template=template, **form.values()
            )
        except RecordInvalid as invalid:
            form.add_record_errors(invalid)
        else:
            if not request.htmx:
                messages.success(request, _("Template record added."))
                return redirect("staff:zone_template")
            return _template_page(request)
    return _template_page(request, add_form=form, status=422)


def _template_row(template_record_id: int) -> ZoneTemplateRecord:
    return get_object_or_404(
        ZoneTemplateRecord, pk=template_record_id, template=queries.default_template_get()
    )


@staff_required
def zone_template_record_edit(request: StaffRequest, template_record_id: int) -> HttpResponse:
    row = _template_row(template_record_id)
    prefix = f"template-record-{row.pk}"
    if request.method != "POST":
        return _template_page(
            request, edit_form=RecordForm(record=row, prefix=prefix), edit_id=row.pk
        )
    form = RecordForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            template_actions.template_record_update(actor=request.actor, row=row, **form.values())
        except RecordInvalid as invalid:
            form.add_record_errors(invalid)
        else:
            if not request.htmx:
                messages.success(request, _("Template record saved."))
                return redirect("staff:zone_template")
            return _template_page(request)
    return _template_page(request, edit_form=form, edit_id=row.pk, status=422)


@staff_required
def zone_template_record_delete(request: StaffRequest, template_record_id: int) -> HttpResponse:
    row = _template_row(template_record_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    template_actions.template_record_delete(actor=request.actor, row=row)
    if not request.htmx:
        messages.success(request, _("Template record deleted."))
        return redirect("staff:zone_template")
    return _template_page(request)
