"""Staff area: the last WHMCS import, its counts, warnings and every row it skipped."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from hostwerk.accounts.request import StaffRequest
from hostwerk.imports.queries import import_run_last
from hostwerk.staff.decorators import staff_required

SKIPPED_PER_PAGE = 200
COUNTED = (
    ("clients", _("Clients")),
    ("users", _("Logins")),
    ("products", _("Products")),
    ("servers", _("Servers")),
    ("services", _("Services")),
    ("domains", _("Domains")),
    ("invoices", _("Invoices")),
    ("payments", _("Payments and refunds")),
)


@staff_required
def whmcs_import(request: StaffRequest) -> HttpResponse:
    run = import_run_last()
    report = run.report if run else {}
    skipped = Paginator(report.get("skipped", []), SKIPPED_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "staff/imports/whmcs.html",
        {
            "nav": "settings",
            "run": run,
            "report": report,
            "counts": [
                (label, report.get(name, 0), report.get("created", {}).get(name, 0))
                for name, label in COUNTED
            ],
            "skipped": skipped,
        },
    )
