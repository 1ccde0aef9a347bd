"""A zone as a BIND zone file, with the SOA and NS records Hostwerk's settings give every zone."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from hostwerk.dns.history import records_snapshot
from hostwerk.dns.models import TYPES_WITH_PRIORITY, Zone
from hostwerk.dns.publishers import nameservers

# Timers of the SOA: PowerDNS's defaults, which DENIC and SIDN accept.
SOA_REFRESH = 10800
SOA_RETRY = 3600
SOA_EXPIRE = 604800
SOA_MINIMUM = 3600


def hostmaster_name() -> str:
    """The SOA contact as a name: "hostmaster.example.nl." (an e-mail address is converted)."""
    value = settings.HOSTWERK_DNS_HOSTMASTER.strip().rstrip(".")
    if "@" in value:
        local, domain = value.split("@", 1)
        value = local.replace(".", "\\.") + "." + domain
    return value.lower() + "."


def soa_serial(zone: Zone) -> int:
    """Date-based like PowerDNS's: YYYYMMDDnn, nn counting the zone's versions."""
    changed = timezone.localtime(zone.changed_at)
    return int(changed.strftime("%Y%m%d")) * 100 + zone.version % 100


def zone_file(zone: Zone) -> str:
    ttl = int(settings.HOSTWERK_DNS_DEFAULT_TTL)
    servers = nameservers()
    primary = servers[0] if servers else f"ns1.{zone.name}."
    lines = [
        f"; Zone {zone.name}, exported by Hostwerk on {timezone.localtime():%Y-%m-%d %H:%M %Z}",
        f"$ORIGIN {zone.name}.",
        f"$TTL {ttl}",
        f"@\t{ttl}\tIN\tSOA\t{primary} {hostmaster_name()} ( {soa_serial(zone)} "
        f"{SOA_REFRESH} {SOA_RETRY} {SOA_EXPIRE} {SOA_MINIMUM} )",
    ]
    lines += [f"@\t{ttl}\tIN\tNS\t{server}" for server in servers]
    for entry in records_snapshot(zone.records.all()):
        data = entry["content"]
        if entry["priority"] is not None and entry["type"] in TYPES_WITH_PRIORITY:
            data = f"{entry['priority']} {data}"
        lines.append(f"{entry['name']}\t{entry['ttl']}\tIN\t{entry['type']}\t{data}")
    return "\n".join(lines) + "\n"
