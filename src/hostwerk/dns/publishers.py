"""Where zones go: the PowerDNS API, or nowhere (database only). Chosen by HOSTWERK_DNS_PUBLISHER.

A publisher receives a zone's complete contents and makes the DNS server hold exactly those
records (plus the NS set from the settings; the SOA stays PowerDNS's own, serial managed by its
SOA-EDIT-API). Errors follow hostwerk.core.errors: TransientError means "try again later",
PermanentError carries a message for staff.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings

from hostwerk.integrations.powerdns import (
    PowerDnsClient,
    PowerDnsZoneExists,
    PowerDnsZoneNotFound,
    Record,
    RRSet,
)


@dataclass(frozen=True)
class PublishedRecord:
    name: str  # absolute, trailing dot: "www.example.nl."
    type: str
    ttl: int
    data: str  # presentation format: "10 mn-mx1.example.nl."


@dataclass(frozen=True)
class ZoneContents:
    """A zone as the DNS server should serve it (apart from SOA and the zone's own NS)."""

    name: str  # A-label without trailing dot
    version: int
    records: tuple[PublishedRecord, ...]
    # Hostwerk never published this zone: it is most likely not on the server yet, so creating it
    # is tried before looking it up (one request less for each new zone).
    never_published: bool = False

    @property
    def origin(self) -> str:
        return f"{self.name}."

    def rrsets(self) -> list[RRSet]:
        """Records grouped by name and type. A set has one TTL in DNS: the lowest one wins."""
        groups: dict[tuple[str, str], list[PublishedRecord]] = defaultdict(list)
        for record in self.records:
            groups[(record.name, record.type)].append(record)
        return [
            RRSet(
                name=name,
                type=record_type,
                ttl=min(record.ttl for record in records),
                records=tuple(Record(content=data) for data in sorted({r.data for r in records})),
            )
            for (name, record_type), records in sorted(groups.items())
        ]


def nameservers() -> list[str]:
    """The zone's own NS records from the settings, absolute."""
    return [name.rstrip(".").lower() + "." for name in settings.HOSTWERK_DNS_NAMESERVERS]


class Publisher(Protocol):
    name: str

    def publish(self, zone: ZoneContents) -> None:
        """Make the DNS server hold exactly this zone; raise TransientError or PermanentError."""

    def unpublish(self, zone_name: str) -> None:
        """Remove the zone from the DNS server; no error when it is not there."""


class DatabaseOnlyPublisher:
    """Keeps zones in Hostwerk's database only, for installations without their own DNS servers."""

    name = "none"

    def publish(self, zone: ZoneContents) -> None:
        return None

    def unpublish(self, zone_name: str) -> None:
        return None


class PowerDnsPublisher:
    """Publishes through the PowerDNS Authoritative HTTP API (hostwerk.integrations.powerdns)."""

    name = "powerdns"

    def __init__(self, *, api_url: str, api_key: str, timeout: float = 15.0) -> None:
        self.api_url = api_url
        self.api_key = api_key
        self.timeout = timeout

    def _client(self) -> PowerDnsClient:
        return shared_client(api_url=self.api_url, api_key=self.api_key, timeout=self.timeout)

    def publish(self, zone: ZoneContents) -> None:
        wanted = zone.rrsets()
        servers = nameservers()
        client = self._client()
        existing = None if zone.never_published else client.zone_get(zone.origin)
        if existing is None:
            try:
                client.zone_create(name=zone.origin, nameservers=servers, rrsets=wanted)
                return
            except PowerDnsZoneExists:
                # Created in the meantime (or by an earlier attempt of this very call).
                existing = client.zone_get(zone.origin)
                if existing is None:
                    raise
        replace, delete = rrset_changes(zone, existing.rrsets)
        client.zone_replace_rrsets(name=zone.origin, replace=replace, delete=delete)

    def unpublish(self, zone_name: str) -> None:
        try:
            self._client().zone_delete(f"{zone_name}.")
        except PowerDnsZoneNotFound:
            return


# One client per server and process: the next publish reuses its keep-alive connection instead
# of a new client and connection for every zone. httpx clients are safe to share between threads.
_clients: dict[tuple[str, str, float], PowerDnsClient] = {}
_clients_guard = threading.Lock()


def shared_client(*, api_url: str, api_key: str, timeout: float) -> PowerDnsClient:
    """This process's client of the PowerDNS API at `api_url`."""
    key = (api_url, api_key, timeout)
    with _clients_guard:
        client = _clients.get(key)
        if client is None:
            client = _clients[key] = PowerDnsClient(api_url, api_key=api_key, timeout=timeout)
        return client


def rrset_changes(
    zone: ZoneContents, served: Iterable[RRSet]
) -> tuple[list[RRSet], list[tuple[str, str]]]:
    """What to send so that the DNS server, serving `served`, holds exactly `zone`: the record
    sets to replace and the (name, type) keys to delete. Both empty: it holds the zone already.
    The SOA is the server's own and not compared."""
    apex_ns = RRSet(
        name=zone.origin,
        type="NS",
        ttl=int(settings.HOSTWERK_DNS_DEFAULT_TTL),
        records=tuple(Record(content=server) for server in sorted(nameservers())),
    )
    wanted_by_key = {(rrset.name, rrset.type): rrset for rrset in [*zone.rrsets(), apex_ns]}
    current_by_key = {
        (rrset.name.lower(), rrset.type): rrset for rrset in served if rrset.type != "SOA"
    }
    replace = [
        rrset for key, rrset in wanted_by_key.items() if not _same(current_by_key.get(key), rrset)
    ]
    delete = [key for key in current_by_key if key not in wanted_by_key]
    return replace, delete


def _same(current: RRSet | None, wanted: RRSet) -> bool:
    if current is None:
        return False
    return current.ttl == wanted.ttl and sorted(current.contents) == sorted(wanted.contents)


def get_publisher() -> Publisher:
    """The publisher the settings choose."""
    if settings.HOSTWERK_DNS_PUBLISHER == "powerdns":
        return PowerDnsPublisher(
            api_url=settings.HOSTWERK_POWERDNS_API_URL,
            api_key=settings.HOSTWERK_POWERDNS_API_KEY,
            timeout=settings.HOSTWERK_POWERDNS_TIMEOUT,
        )
    return DatabaseOnlyPublisher()


def powerdns_client() -> PowerDnsClient:
    """A client of the PowerDNS Hostwerk publishes to, for reading what it serves."""
    return PowerDnsClient(
        settings.HOSTWERK_POWERDNS_API_URL,
        api_key=settings.HOSTWERK_POWERDNS_API_KEY,
        timeout=settings.HOSTWERK_POWERDNS_TIMEOUT,
    )


def publishes_remotely() -> bool:
    """False when zones live in the database only (they count as published at once)."""
    return settings.HOSTWERK_DNS_PUBLISHER != "none"
