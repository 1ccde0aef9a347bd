"""DENIC-style pre-delegation check: do the given name servers really serve the zone?"""

from __future__ import annotations

from collections.abc import Sequence

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdataclass
import dns.rdatatype

# DENIC's accepted SOA timer ranges (seconds); PowerDNS's defaults fall inside them.
SOA_RANGES = {
    "refresh": (10000, 86400),
    "retry": (1800, 28800),
    "expire": (604800, 3600000),
    "minimum": (180, 345600),
}


def _normalise(host: str) -> str:
    return host.lower().rstrip(".")


def _ask(
    zone: dns.name.Name, record_type: str, resolver: tuple[str, int], timeout: float
) -> dns.message.Message | str:
    """The authoritative answer, or a sentence saying why there is none."""
    query = dns.message.make_query(zone, record_type)
    query.flags &= ~dns.flags.RD
    host, port = resolver
    try:
        response = dns.query.udp(query, host, port=port, timeout=timeout)
    except (dns.exception.DNSException, OSError) as exc:
        reason = "timed out" if isinstance(exc, dns.exception.Timeout) else str(exc)
        return f"no name server answered the {record_type} query ({reason})"
    if response.rcode() != dns.rcode.NOERROR:
        return (
            f"the name servers answered {dns.rcode.to_text(response.rcode())} "
            f"to the {record_type} query"
        )
    if not response.flags & dns.flags.AA:
        return f"the answer to the {record_type} query is not authoritative"
    return response


def check_delegation(
    zone_name: str,
    nameservers: Sequence[str],
    resolver: tuple[str, int] | None,
    *,
    timeout: float = 2.0,
) -> list[str]:
    """Return the problems found (empty when the delegation would work).

    The simulator cannot reach the Internet, so every name server is asked at one address,
    `resolver` (a PowerDNS on loopback in Hostwerk's tests and demo), which stands in for all
    of them. It must answer authoritatively with the zone's SOA (timers in DENIC's ranges)
    and an NS set equal to the name servers given.
    """
    if resolver is None:
        return [
            "the registry simulator has no DNS server to check against "
            "(start it with --resolver HOST:PORT)"
        ]
    zone = dns.name.from_text(zone_name)
    answer = _ask(zone, "SOA", resolver, timeout)
    if isinstance(answer, str):
        return [answer]
    soa_set = answer.get_rrset(answer.answer, zone, dns.rdataclass.IN, dns.rdatatype.SOA)
    if soa_set is None or len(soa_set) == 0:
        return [f"no SOA record for {zone_name}: the zone is not served"]
    problems = []
    soa = soa_set[0]
    for field, (low, high) in SOA_RANGES.items():
        value = getattr(soa, field)
        if not low <= value <= high:
            problems.append(f"SOA {field} {value} is outside {low}-{high}")
    answer = _ask(zone, "NS", resolver, timeout)
    if isinstance(answer, str):
        return [*problems, answer]
    ns_set = answer.get_rrset(answer.answer, zone, dns.rdataclass.IN, dns.rdatatype.NS)
    served = {_normalise(item.target.to_text()) for item in ns_set} if ns_set else set()
    given = {_normalise(host) for host in nameservers}
    missing = sorted(given - served)
    extra = sorted(served - given)
    if missing:
        problems.append(f"the zone's NS records do not list {', '.join(missing)}")
    if extra:
        problems.append(f"the zone lists name servers that were not given: {', '.join(extra)}")
    return problems
