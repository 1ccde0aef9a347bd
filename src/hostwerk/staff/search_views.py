"""Staff global search: the top bar's dropdown (htmx) and the full results page."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from hostwerk.accounts.request import StaffRequest
from hostwerk.core.pages import paginate
from hostwerk.staff import search
from hostwerk.staff.decorators import staff_required

DROPDOWN_TARGET = "hw-search-results"
DROPDOWN_PER_KIND = 5
PAGE_PER_KIND = 10


@staff_required
def search_view(request: StaffRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    terms = search.search_terms(query)
    kind = request.GET.get("kind", "")
    context: dict[str, Any] = {
        "nav": "",
        "query": " ".join(query.split()),
        "terms": terms,
        "kinds": search.KINDS,
    }
    if request.htmx and request.htmx.target == DROPDOWN_TARGET:
        groups = search.search_everything(terms=terms, per_kind=DROPDOWN_PER_KIND) if terms else []
        return render(request, "staff/search/_dropdown.html", {**context, "groups": groups})
    if terms and kind in search.KINDS:
        page = paginate(request, search.search_kind(terms=terms, kind=kind))
        context.update(kind=kind, kind_label=search.KINDS[kind], page_obj=page)
    elif terms:
        context["groups"] = search.search_everything(terms=terms, per_kind=PAGE_PER_KIND)
    return render(request, "staff/search/results.html", context)
