"""PowerDNS Authoritative 4.7 HTTP API: typed client, record dataclasses and errors, no Django."""

from hostwerk.integrations.powerdns.client import (
    ZONE_KINDS,
    PowerDnsClient,
    canonical_zone_name,
)
from hostwerk.integrations.powerdns.errors import (
    PowerDnsAuthError,
    PowerDnsError,
    PowerDnsUnavailable,
    PowerDnsValidationError,
    PowerDnsZoneExists,
    PowerDnsZoneNotFound,
)
from hostwerk.integrations.powerdns.records import Record, RRSet, ZoneInfo

__all__ = [
    "ZONE_KINDS",
    "PowerDnsAuthError",
    "PowerDnsClient",
    "PowerDnsError",
    "PowerDnsUnavailable",
    "PowerDnsValidationError",
    "PowerDnsZoneExists",
    "PowerDnsZoneNotFound",
    "RRSet",
    "Record",
    "ZoneInfo",
    "canonical_zone_name",
]
