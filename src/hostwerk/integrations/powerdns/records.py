"""Data going in and out of the PowerDNS client: records, record sets, zones. Names are absolute."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Record:
    content: str  # presentation format with absolute names: "10 mn-mx1.example.nl."
    disabled: bool = False


@dataclass(frozen=True)
class RRSet:
    """All records of one name and type. `records` may be given as a list of Record or strings."""

    name: str  # absolute, with trailing dot: "www.example.nl."
    type: str  # "A", "MX", ...
    ttl: int
    records: tuple[Record, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "type", self.type.upper())
        object.__setattr__(self, "records", _records(self.records))

    @property
    def contents(self) -> list[str]:
        return [record.content for record in self.records]


@dataclass(frozen=True)
class ZoneInfo:
    name: str  # "example.nl."
    kind: str  # "Native", "Master", ...
    serial: int
    rrsets: tuple[RRSet, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "rrsets", tuple(self.rrsets))

    def rrset(self, name: str, type: str) -> RRSet | None:
        """The record set of that name and type, or None; names compare case-insensitively."""
        wanted = (name.lower(), type.upper())
        for rrset in self.rrsets:
            if (rrset.name.lower(), rrset.type) == wanted:
                return rrset
        return None


def _records(records: Iterable[Record | str]) -> tuple[Record, ...]:
    return tuple(
        record if isinstance(record, Record) else Record(content=str(record)) for record in records
    )
