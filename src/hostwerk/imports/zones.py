"""Taking over DNS zones a server already serves: from the PowerDNS Hostwerk publishes to (its HTTP
API) or from a Plesk server's DNS (`dns get_rec`), into Hostwerk zones with their records.

The remote side is only read. Every record goes through the zone's own checks
(`dns.validation`), so what cannot be stored is listed with the reason instead of being stored
half right. The SOA and the zone's own NS records are left out: Hostwerk makes them from its
settings. A zone Hostwerk has already is left as it is unless `replace` is asked; with it, the
records are replaced only when they differ, so a second run changes nothing.

A zone taken from PowerDNS counts as published at once: it is what PowerDNS serves, and writing it
back would only swap the name servers for Hostwerk's (the drift check shows that difference). A
zone taken from Plesk is published like a zone created in Hostwerk; Plesk keeps serving its own
until the domain's delegation moves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hostwerk.core.audit import Actor, audit_record
from hostwerk.core.errors import HostwerkError
from hostwerk.dns.actions import _record_change, _snapshot, zone_name_of
from hostwerk.dns.models import PublishStatus, Record, RecordType, Zone, ZoneChangeAction
from hostwerk.dns.publishers import powerdns_client
from hostwerk.dns.validation import RecordInvalid, RecordValues, record_check_zone, record_clean
from hostwerk.domains.models import Domain
from hostwerk.provisioning.models import Server, Service, ServiceStatus
from hostwerk.provisioning.modules.plesk import plesk_client_for

POWERDNS = "powerdns"
PLESK = "plesk"
SOURCES = (POWERDNS, PLESK)


class ZoneImportRefused(HostwerkError):
    """The import cannot start (unknown source, a name that is not a domain)."""


@dataclass
class ZoneFound:
    """One zone as the source serves it, with the records Hostwerk can keep."""

    name: str  # A-label, no trailing dot
    source: str  # "PowerDNS" or the Plesk server's name
    records: list[RecordValues] = field(default_factory=list)


@dataclass
class ZoneImportReport:
    zones: int = 0  # zones created (or, with replace, whose records were replaced)
    records: int = 0  # records written
    skipped: list[dict[str, str]] = field(default_factory=list)
    imported: list[tuple[str, str, int]] = field(default_factory=list)  # (zone, outcome, records)

    def skip(self, zone: str, reason: str, *, record: str = "") -> None:
        entry = {"zone": zone, "reason": reason}
        if record:
            entry["record"] = record
        self.skipped.append(entry)

    def summary(self) -> dict:
        return {"zones": self.zones, "records": self.records, "skipped": self.skipped}


def zones_import(
    *,
    actor: Actor,
    source: str = POWERDNS,
    domains: Iterable[str] = (),
    replace: bool = False,
    dry_run: bool = False,
) -> ZoneImportReport:
    """Create Hostwerk zones from what `source` serves: every zone it has, or only `domains`.
    With `dry_run` nothing is written and the report says what would be."""
    if source not in SOURCES:
        raise ZoneImportRefused(
            _("Import zones from %(sources)s.") % {"sources": " or ".join(SOURCES)}
        )
    try:
        names = sorted({zone_name_of(domain) for domain in domains})
    except RecordInvalid as invalid:
        raise ZoneImportRefused("; ".join(invalid.errors.values())) from None
    report = ZoneImportReport()
    found_zones = (
        _from_powerdns(names, report) if source == POWERDNS else _from_plesk(names, report)
    )
    for found in found_zones:
        outcome, written = _zone_take_over(
            actor=actor, found=found, replace=replace, dry_run=dry_run, served=source == POWERDNS
        )
        if outcome in ("exists", "unchanged"):
            report.skip(
                found.name,
                _("Hostwerk has this zone already; it was left as it is.")
                if outcome == "exists"
                else _("Hostwerk's records are the same already."),
            )
            continue
        report.zones += 1
        report.records += written
        report.imported.append((found.name, outcome, written))
    if not dry_run:
        audit_record(
            actor=actor,
            action="dns.zones_import",
            data={"source": source, "replace": replace, **report.summary()},
        )
    return report


# Reading the sources --------------------------------------------------------------------------


def _take(
    report: ZoneImportReport,
    found: ZoneFound,
    *,
    name: str,
    type: str,
    content: str,
    ttl: int | None = None,
    priority: str | None = None,
) -> None:
    """Add one served record to `found` if the zone's checks accept it; else list why not."""
    record_type = type.upper()
    apex = name.rstrip(".").lower() == found.name
    if record_type == "SOA" or (record_type == RecordType.NS and apex):
        return  # made from Hostwerk's settings
    line = f"{name} {record_type} {content}".strip()
    if record_type not in RecordType.values:
        report.skip(
            found.name,
            _("Hostwerk does not keep %(type)s records.") % {"type": record_type},
            record=line,
        )
        return
    try:
        values = record_clean(
            zone_name=found.name,
            name=name,
            type=record_type,
            content=content,
            ttl=ttl,
            priority=priority,
        )
        record_check_zone(values=values, others=found.records)
    except RecordInvalid as invalid:
        report.skip(found.name, "; ".join(invalid.errors.values()), record=line)
        return
    found.records.append(values)


def _from_powerdns(names: list[str], report: ZoneImportReport) -> list[ZoneFound]:
    zones = []
    with powerdns_client() as client:
        wanted = names or [name.rstrip(".").lower() for name in client.zone_list()]
        for name in wanted:
            served = client.zone_get(f"{name}.")
            if served is None:
                report.skip(name, _("PowerDNS does not serve this zone."))
                continue
            found = ZoneFound(name=name, source="PowerDNS")
            for rrset in sorted(served.rrsets, key=lambda rrset: (rrset.name, rrset.type)):
                for record in rrset.records:
                    if record.disabled:
                        report.skip(
                            name,
                            _("The record is switched off in PowerDNS."),
                            record=f"{rrset.name} {rrset.type} {record.content}",
                        )
                        continue
                    _take(
                        report,
                        found,
                        name=rrset.name,
                        type=rrset.type,
                        content=record.content,
                        ttl=rrset.ttl,
                    )
            zones.append(found)
    return zones


def _from_plesk(names: list[str], report: ZoneImportReport) -> list[ZoneFound]:
    """Each zone from the first active Plesk server (by name) that has the domain."""
    zones: dict[str, ZoneFound] = {}
    servers = Server.objects.filter(active=True).exclude(api_url="").order_by("name")
    for server in servers:
        try:
            with plesk_client_for(server) as plesk:
                if names:
                    webspaces = [
                        webspace
                        for name in names
                        if name not in zones
                        and (webspace := plesk.webspace_get(name=name)) is not None
                    ]
                else:
                    webspaces = sorted(plesk.webspace_list(), key=lambda webspace: webspace.name)
                for webspace in webspaces:
                    name = webspace.name.rstrip(".").lower()
                    if name in zones:
                        continue
                    found = ZoneFound(name=name, source=server.name)
                    for record in plesk.dns_get_records(site_id=webspace.id):
                        _take_plesk_record(report, found, record)
                    zones[name] = found
        except HostwerkError as error:
            report.skip(
                server.name, _("The server could not be asked: %(error)s") % {"error": error}
            )
    for name in names:
        if name not in zones:
            report.skip(name, _("No Plesk server has this domain."))
    return [zones[name] for name in sorted(zones)]


def _take_plesk_record(report: ZoneImportReport, found: ZoneFound, record) -> None:
    # Plesk gives host and value fully qualified; the MX priority is in `opt`. Its records have
    # no TTL of their own, so they get Hostwerk's default.
    if record.type.upper() == RecordType.SRV:
        report.skip(
            found.name,
            _("SRV records are not taken over from Plesk; add it by hand."),
            record=f"{record.host} SRV {record.value} {record.opt or ''}".strip(),
        )
        return
    _take(
        report,
        found,
        name=record.host or f"{found.name}.",
        type=record.type,
        content=record.value,
        priority=record.opt if record.type.upper() == RecordType.MX else None,
    )


# Writing --------------------------------------------------------------------------------------


def _key(values) -> tuple:
    priority = -1 if values.priority is None else values.priority
    return (values.name, values.type, values.content, priority, values.ttl)


def _owner(name: str):
    """The client a zone belongs to: the one whose domain, else whose live service, it is."""
    domain = Domain.objects.filter(name=name).select_related("client").first()
    if domain is not None:
        return domain.client
    service = (
        Service.objects.filter(
            domain__iexact=name, status__in=(ServiceStatus.ACTIVE, ServiceStatus.SUSPENDED)
        )
        .select_related("client")
        .order_by("pk")
        .first()
    )
    return service.client if service is not None else None


@transaction.atomic
def _zone_take_over(
    *, actor: Actor, found: ZoneFound, replace: bool, dry_run: bool, served: bool
) -> tuple[str, int]:
    """Create (or replace the records of) one zone; returns the outcome ("created",
    "replaced", "exists", "unchanged") and how many records were written."""
    zone = Zone.objects.select_for_update().filter(name=found.name).first()
    if zone is not None:
        if not replace:
            return "exists", 0
        if sorted(map(_key, zone.records.all())) == sorted(map(_key, found.records)):
            return "unchanged", 0
    outcome = "created" if zone is None else "replaced"
    if dry_run:
        return outcome, len(found.records)
    if zone is None:
        # Version 1 is the zone as the source served it (the change below raises it).
        zone = Zone.objects.create(name=found.name, client=_owner(found.name), version=0)
        before: list = []
    else:
        before = _snapshot(zone)
        Record.objects.filter(zone=zone).delete()
    Record.objects.bulk_create(Record(zone=zone, **values.as_dict()) for values in found.records)
    if served:
        now = timezone.now()
        Zone.objects.filter(pk=zone.pk).update(
            version=F("version") + 1,
            changed_at=now,
            status=PublishStatus.PUBLISHED,
            published_version=F("version") + 1,
            published_at=now,
            last_error="",
            last_error_at=None,
        )
        zone.refresh_from_db()
    _record_change(
        actor=actor,
        zone=zone,
        action=ZoneChangeAction.ZONE_IMPORT,
        before=before,
        summary=f"zone {outcome} from {found.source}: {len(found.records)} records",
        publish=not served,
    )
    return outcome, len(found.records)
