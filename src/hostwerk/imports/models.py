"""Which Hostwerk row each imported source row became, and the report of each import run."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportedRow(models.Model):
    """Source row (system, table, id) → the Hostwerk object it was imported as.

    Unique per source row: a second run finds the object and updates it instead of creating
    another. `object_id` is the primary key in the model that the table maps to (see
    `hostwerk.imports.whmcs.actions.TABLE_MODELS`).
    """

    source = models.CharField(_("source"), max_length=20, default="whmcs")
    table = models.CharField(_("table"), max_length=40)
    source_id = models.BigIntegerField(_("id in the source"))
    object_id = models.BigIntegerField(_("Hostwerk id"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "table", "source_id"], name="one_import_per_source_row"
            )
        ]
        indexes = [models.Index(fields=["table", "object_id"], name="imported_row_object")]

    def __str__(self) -> str:
        return f"{self.source}:{self.table}:{self.source_id} → {self.object_id}"


class ImportRun(models.Model):
    """One import that wrote to the database (dry runs are not kept), with its JSON report."""

    source = models.CharField(_("source"), max_length=20, default="whmcs")
    database = models.CharField(_("source database"), max_length=255)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    started_by = models.CharField(_("started by"), max_length=200)
    report = models.JSONField(_("report"), default=dict, blank=True)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M}"
