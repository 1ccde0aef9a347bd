"""Reads for the import pages."""

from __future__ import annotations

from hostwerk.imports.models import ImportRun


def import_run_last(*, source: str = "whmcs") -> ImportRun | None:
    return ImportRun.objects.filter(source=source).order_by("-started_at", "-id").first()
