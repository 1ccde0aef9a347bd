"""The record editor on a zone page, shared by the staff area and the client area.

The views of each area look the zone and record up with their own scoping, then hand over here.
htmx requests get the records fragment back (with errors beside the fields and what was typed
kept); plain form posts get a redirect, or the whole page with the errors.

The records are shown a page at a time, optionally filtered (`Listing`). Editing keeps the page
and filter the editor was on; an added or saved record is shown on the page that now holds it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.shortcuts import redirect, render
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils.translation import gettext as _

from hostwerk.accounts.request import AuthenticatedRequest
from hostwerk.core.domain_names import name_to_unicode
from hostwerk.core.pages import CappedPaginator
from hostwerk.dns import actions
from hostwerk.dns.forms import RecordFilterForm, RecordForm
from hostwerk.dns.models import Record, RecordType, Zone
from hostwerk.dns.queries import zone_records_matching
from hostwerk.dns.validation import RecordInvalid

RECORDS_TEMPLATE = "staff/dns/_records.html"
TABLE_TEMPLATE = "staff/dns/_records_table.html"
STATUS_TEMPLATE = "staff/dns/_publish_status.html"
# Rendering a table row costs about as much as the rest of the page: a zone shows its records a
# hundred at a time (500 rows took 80 to 240 ms to render).
RECORDS_PER_PAGE = 100
# The id of the records table: paging and filtering ask (by htmx) for that part only.
TABLE_ID = "records-table"


@dataclass(frozen=True)
class Editor:
    area: str  # URL namespace: "staff" or "portal"
    zone: Zone
    # Renders the area's zone page with the editor's context added, for requests without htmx.
    render_page: Callable[[AuthenticatedRequest, dict[str, Any], int], HttpResponse]

    def page_url(self, params: str = "") -> str:
        url = reverse(f"{self.area}:zone_detail", kwargs={"zone_id": self.zone.pk})
        return f"{url}?{params}" if params else url

    def records_url(self, params: str = "") -> str:
        url = reverse(f"{self.area}:zone_records", kwargs={"zone_id": self.zone.pk})
        return f"{url}?{params}" if params else url


@dataclass(frozen=True)
class Listing:
    """Which of the zone's records the page shows: a filter, and a page of what it finds.

    Links and the edit and delete forms carry it in their query string (`q`, `type`, `page`);
    the add form, which stays on the page while the table changes under it, in a `listing`
    field that the table renders fresh each time."""

    query: str = ""
    type: str = ""
    page: str | None = None  # as asked for; the paginator turns it into a page that exists

    @classmethod
    def from_request(cls, request: HttpRequest) -> Listing:
        params = request.GET
        if request.method == "POST" and "listing" in request.POST:
            params = QueryDict(request.POST["listing"])
        form = RecordFilterForm(params)
        form.is_valid()  # a bad value of one field leaves the other's
        values = form.cleaned_data
        return cls(
            query=(values.get("q") or "").strip(),
            type=values.get("type") or "",
            page=params.get("page"),
        )

    @property
    def filtered(self) -> bool:
        return bool(self.query or self.type)

    def params(self, *, page: int = 1) -> str:
        values = {"q": self.query, "type": self.type, "page": page if page > 1 else ""}
        return urlencode({key: value for key, value in values.items() if value})

    def records(self, zone: Zone) -> QuerySet[Record]:
        return zone_records_matching(zone=zone, query=self.query, type=self.type)


def _page_showing(
    zone: Zone, listing: Listing, record_id: int | None
) -> tuple[Listing, QuerySet[Record], int | str | None]:
    """The listing, its records and the page number to show: the page holding `record_id` (a
    record just added, saved or opened for editing). A record the filter does not find is shown
    in the whole zone instead."""
    records = listing.records(zone)
    if record_id is None:
        return listing, records, listing.page
    position = _position(records, record_id)
    if position is None and listing.filtered:
        listing = Listing()
        records = listing.records(zone)
        position = _position(records, record_id)
    if position is None:
        return listing, records, listing.page
    return listing, records, position // RECORDS_PER_PAGE + 1


def _position(records: QuerySet[Record], record_id: int) -> int | None:
    keys = list(records.values_list("pk", flat=True))
    return keys.index(record_id) if record_id in keys else None


def editor_context(
    editor: Editor,
    request: HttpRequest,
    *,
    add_form: RecordForm | None = None,
    edit_form: RecordForm | None = None,
    edit_id: int | None = None,
    saved_id: int | None = None,
) -> dict[str, Any]:
    listing, records, page_number = _page_showing(
        editor.zone, Listing.from_request(request), edit_id or saved_id
    )
    page = CappedPaginator(records, RECORDS_PER_PAGE).get_page(page_number)
    params = listing.params(page=page.number)
    total = page.paginator.count
    if listing.filtered:
        total = Record.objects.filter(zone=editor.zone).count()
    return {
        "zone": editor.zone,
        "area": editor.area,
        "records": _rows(editor, list(page.object_list), params),
        "csrf_input": csrf_input(request),  # one hidden field for the forms of every row
        "page_obj": page,
        "page_links": _page_links(editor, listing, page),
        "listing": listing,
        "listing_params": params,
        "filter_types": RecordType.choices,
        "record_total": total,
        "page_href": editor.page_url(params),
        "unfiltered_href": editor.page_url(),
        "records_href": editor.records_url(params),
        "table_id": TABLE_ID,
        "add_form": add_form or RecordForm(),
        "edit_form": edit_form,
        "edit_id": edit_id,
        "saved_id": saved_id,
    }


def _page_links(editor: Editor, listing: Listing, page: Page) -> list[tuple[int | str, str]]:
    """(number, URL) of the pages to link to around the current one; an ellipsis has no URL."""
    if page.paginator.num_pages < 2:
        return []
    return [
        (number, editor.page_url(listing.params(page=number)) if isinstance(number, int) else "")
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]


_SENTINEL = 987654321  # stands for the record id in the reversed URL


def _rows(editor: Editor, records: list[Record], params: str) -> list[Record]:
    """Give each record what its table row shows, worked out here once rather than by template
    tags per row: its edit and delete URLs (carrying the listing, so the answer shows the same
    page; each URL reversed once, not per record), its name in Unicode, the delete question."""
    query = f"?{params}" if params else ""
    for name, attribute in (("zone_record_edit", "edit_url"), ("zone_record_delete", "delete_url")):
        url = reverse(f"{editor.area}:{name}", args=[editor.zone.pk, _SENTINEL])
        before, after = url.split(str(_SENTINEL))
        for record in records:
            setattr(record, attribute, f"{before}{record.pk}{after}{query}")
    question = _("Delete the %(type)s record %(name)s?")
    for record in records:
        shown = {
            "shown_name": name_to_unicode(record.name),
            "label": f"{record.name} {record.type}",
            "type_class": record.type.lower(),
            "delete_question": question % {"type": record.type, "name": record.name},
        }
        for attribute, value in shown.items():
            setattr(record, attribute, value)
    return records


def _respond(
    request: AuthenticatedRequest, editor: Editor, *, status: int = 200, **forms: Any
) -> HttpResponse:
    editor.zone.refresh_from_db()
    context = editor_context(editor, request, **forms)
    if request.htmx:
        # htmx swaps only 2xx answers; the errors are in the fragment. The address bar follows
        # the page and filter shown, so a reload shows them again.
        response = render(request, RECORDS_TEMPLATE, context)
        response["HX-Replace-Url"] = context["page_href"]
        return response
    return editor.render_page(request, context, status)


def _saved(
    request: AuthenticatedRequest, editor: Editor, record: Record, message: str
) -> HttpResponse:
    """After an add or a save: the page holding the record, without htmx by a redirect."""
    if request.htmx:
        return _respond(request, editor, saved_id=record.pk)
    messages.success(request, message)
    listing, _records, page = _page_showing(editor.zone, Listing.from_request(request), record.pk)
    params = listing.params(page=page if isinstance(page, int) else 1)
    return redirect(f"{editor.page_url(params)}#record-{record.pk}")


def zone_page(request: AuthenticatedRequest, editor: Editor) -> HttpResponse:
    """The zone page; paging and filtering the records (htmx aimed at the table) get the table."""
    if request.htmx and request.htmx.target == TABLE_ID:
        return render(request, TABLE_TEMPLATE, editor_context(editor, request))
    return editor.render_page(request, {}, 200)


def records(request: AuthenticatedRequest, editor: Editor) -> HttpResponse:
    """The records fragment (also "cancel" of an edit)."""
    if not request.htmx:
        return redirect(editor.page_url(request.GET.urlencode()))
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
            record = actions.record_create(actor=request.actor, zone=editor.zone, **form.values())
        except RecordInvalid as invalid:
            form.add_record_errors(invalid)
        else:
            return _saved(request, editor, record, _("Record added."))
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
            record = actions.record_update(actor=request.actor, record=record, **form.values())
        except RecordInvalid as invalid:
            form.add_record_errors(invalid)
        else:
            return _saved(request, editor, record, _("Record saved."))
    return _respond(request, editor, edit_form=form, edit_id=record.pk, status=422)


def record_delete(request: AuthenticatedRequest, editor: Editor, record: Record) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    actions.record_delete(actor=request.actor, record=record)
    if not request.htmx:
        messages.success(request, _("Record deleted."))
        return redirect(editor.page_url(request.GET.urlencode()))
    return _respond(request, editor)
