"""The record editor on a zone page, shared by the staff area and the client area.

The views of each area look the zone and record up with their own scoping, then hand over here.
htmx requests get the records fragment back (with errors beside the fields and what was typed
kept); plain form posts get a redirect, or the whole page with the errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hostwerk.accounts.request import AuthenticatedRequest
from hostwerk.dns import actions
from hostwerk.dns.forms import RecordForm
from hostwerk.dns.models import Record, Zone
from hostwerk.dns.queries import zone_records
from hostwerk.dns.validation import RecordInvalid

RECORDS_TEMPLATE = "staff/dns/_records.html"
STATUS_TEMPLATE = "staff/dns/_publish_status.html"


@dataclass(frozen=True)
class Editor:
    area: str  # URL namespace: "staff" or "portal"
    zone: Zone
    # Renders the area's zone page with the editor's context added, for requests without htmx.
    render_page: Callable[[AuthenticatedRequest, dict[str, Any], int], HttpResponse]

    def page_url(self) -> str:
        return reverse(f"{self.area}:zone_detail", kwargs={"zone_id": self.zone.pk})


def editor_context(
    editor: Editor,
    *,
    add_form: RecordForm | None = None,
    edit_form: RecordForm | None = None,
    edit_id: int | None = None,
) -> dict[str, Any]:
    return {
        "zone": editor.zone,
        "area": editor.area,
        "records": _with_urls(editor, list(zone_records(zone=editor.zone))),
        "add_form": add_form or RecordForm(),
        "edit_form": edit_form,
        "edit_id": edit_id,
    }


_SENTINEL = 987654321  # stands for the record id in the reversed URL


def _with_urls(editor: Editor, records: list[Record]) -> list[Record]:
    """Give each record its edit and delete URLs, reversing each URL once rather than per record
    (a zone of 500 records would otherwise cost 2,000 reversals a page)."""
    for name, attribute in (("zone_record_edit", "edit_url"), ("zone_record_delete", "delete_url")):
        url = reverse(f"{editor.area}:{name}", args=[editor.zone.pk, _SENTINEL])
        before, after = url.split(str(_SENTINEL))
        for record in records:
            setattr(record, attribute, f"{before}{record.pk}{after}")
    return records


def _respond(
    request: AuthenticatedRequest, editor: Editor, *, status: int = 200, **forms: Any
) -> HttpResponse:
    editor.zone.refresh_from_db()
    context = editor_context(editor, **forms)
    if request.htmx:
        # htmx swaps only 2xx answers; the errors are in the fragment.
        return render(request, RECORDS_TEMPLATE, context)
    return editor.render_page(request, context, status)


def records(request: AuthenticatedRequest, editor: Editor) -> HttpResponse:
    """The records fragment (also "cancel" of an edit)."""
    if not request.htmx:
        return redirect(editor.page_url())
    return _respond(request, editor)


def publish_status(request: AuthenticatedRequest, editor: Editor) -> HttpResponse:
    """The publish status line; polled by htmx while the zone is pending."""
    if not request.htmx:
        return redirect(editor.page_url())
    editor.zone.refresh_from_db()
    return render(request, STATUS_TEMPLATE, {"zone": editor.zone, "area": editor.area})


def record_create(request: AuthenticatedRequest, editor: Editor) -> HttpResponse:
    if request.method != "POST":
        return _respond(request, editor)
    form = RecordForm(request.POST)
    if form.is_valid():
        try:
            actions.record_create(actor=request.actor, zone=editor.zone, **form.values())
        except RecordInvalid as invalid:
            form.add_record_errors(invalid)
        else:
            if not request.htmx:
                messages.success(request, _("Record added."))
                return redirect(editor.page_url())
            return _respond(request, editor)
    return _respond(request, editor, add_form=form, status=422)


def record_edit(request: AuthenticatedRequest, editor: Editor, record: Record) -> HttpResponse:
    if request.method != "POST":
        return _respond(
            request,
            editor,
            edit_form=RecordForm(record=record, prefix=f"record-{record.pk}"),
            edit_id=record.pk,
        )
    form = RecordForm(request.POST, prefix=f"record-{record.pk}")
    if form.is_valid():
        try:
            actions.record_update(actor=request.actor, record=record, **form.values())
        except RecordInvalid as invalid:
            form.add_record_errors(invalid)
        else:
            if not request.htmx:
                messages.success(request, _("Record saved."))
                return redirect(editor.page_url())
            return _respond(request, editor)
    return _respond(request, editor, edit_form=form, edit_id=record.pk, status=422)


def record_delete(request: AuthenticatedRequest, editor: Editor, record: Record) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    actions.record_delete(actor=request.actor, record=record)
    if not request.htmx:
        messages.success(request, _("Record deleted."))
        return redirect(editor.page_url())
    return _respond(request, editor)
