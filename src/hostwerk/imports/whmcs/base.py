"""The WHMCS import's common ground: options, the report, the links to imported rows, the upsert."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models

from hostwerk.imports.models import ImportedRow
from hostwerk.imports.whmcs import mapping as m
from hostwerk.imports.whmcs.crypt import DecryptionFailed, whmcs_decrypt
from hostwerk.imports.whmcs.reader import WhmcsReader

SOURCE = "whmcs"
ACTOR_LABEL = "WHMCS import"


class ImportInvalid(Exception):
    """The import cannot start as asked (an option names something that does not exist)."""


@dataclass
class ImportOptions:
    encryption_hash: str = ""
    dry_run: bool = False
    server_map: dict[int, str] = field(default_factory=dict)
    number_prefix: str = "WHMCS-"


@dataclass
class Report:
    counts: Counter = field(default_factory=Counter)
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Warnings that would repeat per row are counted and written once at the end.
    grouped: Counter = field(default_factory=Counter)

    def skip(self, table: str, source_id: Any, reason: str) -> None:
        self.skipped.append({"table": table, "id": source_id, "reason": reason})

    def as_dict(self, **extra: Any) -> dict[str, Any]:
        warnings = self.warnings + [
            f"{message} ({count} rows)" if count > 1 else message
            for message, count in sorted(self.grouped.items())
        ]
        result: dict[str, Any] = {
            key: self.counts[key]
            for key in (
                "clients",
                "users",
                "services",
                "domains",
                "invoices",
                "payments",
                "products",
            )
        }
        result.update(
            {
                "servers": self.counts["servers"],
                "lines": self.counts["lines"],
                "cancellations": self.counts["cancellations"],
                "credit_adjustments": self.counts["credit_adjustments"],
                "created": dict(sorted(self.created.items())),
                "updated": dict(sorted(self.updated.items())),
                "skipped": self.skipped,
                "warnings": warnings,
            }
        )
        result.update(extra)
        return result


class Links:
    """ImportedRow, cached per table: WHMCS id → Hostwerk id."""

    def __init__(self) -> None:
        self._tables: dict[str, dict[int, int]] = {}

    def table(self, table: str) -> dict[int, int]:
        if table not in self._tables:
            self._tables[table] = dict(
                ImportedRow.objects.filter(source=SOURCE, table=table).values_list(
                    "source_id", "object_id"
                )
            )
        return self._tables[table]

    def get(self, table: str, source_id: int | None) -> int | None:
        if not source_id:
            return None
        return self.table(table).get(int(source_id))

    def add(self, table: str, pairs: list[tuple[int, int]]) -> None:
        if not pairs:
            return
        known = self.table(table)
        stale = [source_id for source_id, _ in pairs if source_id in known]
        if stale:
            ImportedRow.objects.filter(source=SOURCE, table=table, source_id__in=stale).delete()
        ImportedRow.objects.bulk_create(
            [
                ImportedRow(source=SOURCE, table=table, source_id=source_id, object_id=object_id)
                for source_id, object_id in pairs
            ],
            batch_size=2000,
        )
        known.update(pairs)


def _same(current: Any, new: Any) -> bool:
    """Equal as stored: a CountryField's Country equals its code, a Decimal its string."""
    if current == new:
        return True
    return current is not None and new is not None and str(current) == str(new)


class ImportBase:
    """What every table family's importer shares: the reader, the report, the links, the upsert."""

    def __init__(
        self,
        *,
        reader: WhmcsReader,
        options: ImportOptions,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.reader = reader
        self.options = options
        self.progress = progress or (lambda message: None)
        self.report = Report()
        self.links = Links()
        self.batch_size = reader.batch_size
        self.config: dict[str, str] = {}
        self.default_language = "nl"
        self.currency_codes: dict[int, str] = {}
        self.house_currency_id: int | None = None
        self.client_credit: dict[int, Decimal] = {}
        self.client_currency: dict[int, str] = {}
        self.service_cycles: dict[int, str] = {}
        self.domain_years: dict[int, int] = {}

    # --- the generic upsert ----------------------------------------------------------------

    def upsert(
        self,
        *,
        table: str,
        entity: str | None,
        model: type[models.Model],
        rows: list[tuple[int, dict[str, Any]]],
    ) -> dict[int, models.Model]:
        """Create or update one object per (WHMCS id, values); return them by WHMCS id."""
        known = self.links.table(table)
        existing = (
            model._default_manager.in_bulk([known[sid] for sid, _ in rows if sid in known])
            if any(sid in known for sid, _ in rows)
            else {}
        )
        result: dict[int, models.Model] = {}
        to_create: list[tuple[int, models.Model]] = []
        to_update: list[models.Model] = []
        fields: set[str] = set()
        for source_id, values in rows:
            obj = existing.get(known.get(source_id))
            if obj is None:
                obj = model(**values)
                to_create.append((source_id, obj))
            else:
                changed = [
                    name for name, value in values.items() if not _same(getattr(obj, name), value)
                ]
                for name in changed:
                    setattr(obj, name, values[name])
                if changed:
                    to_update.append(obj)
                    fields.update(changed)
            result[source_id] = obj
        if to_create:
            model._default_manager.bulk_create([obj for _, obj in to_create], batch_size=1000)
            self.links.add(table, [(source_id, obj.pk) for source_id, obj in to_create])
        if to_update:
            model._default_manager.bulk_update(to_update, sorted(fields), batch_size=1000)
        if entity:
            self.report.counts[entity] += len(rows)
            self.report.created[entity] += len(to_create)
            self.report.updated[entity] += len(to_update)
        return result

    def decrypt(self, value: Any, *, what: str) -> str:
        secret = m.text(value) if not isinstance(value, str) else value.strip()
        if not secret:
            return ""
        if not self.options.encryption_hash:
            self.report.grouped[f"{what}: left empty (no --cc-encryption-hash given)"] += 1
            return ""
        try:
            return whmcs_decrypt(secret, encryption_hash=self.options.encryption_hash)
        except DecryptionFailed:
            self.report.grouped[f"{what}: cannot be decrypted with the given hash; left empty"] += 1
            return ""
