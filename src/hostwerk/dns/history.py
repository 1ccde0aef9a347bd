"""Zone history: record snapshots as stored in ZoneChange, and the differences between two of them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from hostwerk.dns.models import TYPES_WITH_PRIORITY, Record, ZoneChange

SNAPSHOT_FIELDS = ("name", "type", "ttl", "content", "priority", "template_key", "template_managed")
# Fields whose change makes a record answer differently; the others are bookkeeping.
DNS_FIELDS = ("name", "type", "ttl", "content", "priority")


def record_snapshot(record: Record) -> dict[str, Any]:
    return {"id": record.pk, **{name: getattr(record, name) for name in SNAPSHOT_FIELDS}}


def _sort_key(entry: dict[str, Any]) -> tuple:
    return (
        entry["name"] != "@",
        entry["name"],
        entry["type"],
        entry.get("priority") if entry.get("priority") is not None else -1,
        entry["content"],
    )


def records_snapshot(records: Iterable[Record]) -> list[dict[str, Any]]:
    return sorted((record_snapshot(record) for record in records), key=_sort_key)


def record_line(entry: dict[str, Any]) -> str:
    """One record as a zone file line: "www 3600 A 192.0.2.10"."""
    data = entry["content"]
    if entry.get("priority") is not None and entry["type"] in TYPES_WITH_PRIORITY:
        data = f"{entry['priority']} {data}"
    return f"{entry['name']} {entry['ttl']} {entry['type']} {data}"


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "added", "removed", "changed", "unmanaged" (only the template mark changed)
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def before_line(self) -> str:
        return record_line(self.before) if self.before else ""

    @property
    def after_line(self) -> str:
        return record_line(self.after) if self.after else ""


def snapshot_diff(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[DiffLine]:
    """What changed between two snapshots, matching records by id, in zone order."""
    before_by_id = {entry["id"]: entry for entry in before}
    after_by_id = {entry["id"]: entry for entry in after}
    lines = []
    for entry in before:
        other = after_by_id.get(entry["id"])
        if other is None:
            lines.append(DiffLine("removed", entry, None))
        elif any(entry.get(name) != other.get(name) for name in DNS_FIELDS):
            lines.append(DiffLine("changed", entry, other))
        elif entry.get("template_managed") != other.get("template_managed"):
            lines.append(DiffLine("unmanaged", entry, other))
    lines += [DiffLine("added", None, entry) for entry in after if entry["id"] not in before_by_id]
    return sorted(lines, key=lambda line: _sort_key(line.after or line.before or {}))


def diff_summary(lines: list[DiffLine]) -> str:
    """A short plain description for logs, the admin and the API."""
    parts = []
    for line in lines:
        if line.kind == "added":
            parts.append(f"added {line.after_line}")
        elif line.kind == "removed":
            parts.append(f"removed {line.before_line}")
        elif line.kind == "changed":
            parts.append(f"changed {line.before_line} -> {line.after_line}")
    return "; ".join(parts) or "no record changed"


@dataclass(frozen=True)
class HistoryEntry:
    """A history entry with its differences, ready for a page."""

    change: ZoneChange
    lines: list[DiffLine]


def history_entries(changes: Iterable[ZoneChange]) -> list[HistoryEntry]:
    return [HistoryEntry(change, snapshot_diff(change.before, change.after)) for change in changes]
