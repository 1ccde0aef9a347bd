"""Fixtures: the real PowerDNS server for the test session, a client per test, DNS queries to it."""

from __future__ import annotations

from collections.abc import Iterator

import dns.message
import dns.query
import dns.rcode
import pytest

from hostwerk.integrations.powerdns import PowerDnsClient
from hostwerk.sandbox.powerdns import RunningPowerDns, missing_parts, powerdns_available, start
from tests.conftest import skip_or_fail


@pytest.fixture(scope="session")
def powerdns_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPowerDns]:
    """pdns_server with the gsqlite3 backend on free loopback ports, in a fresh directory."""
    if not powerdns_available():
        skip_or_fail("PowerDNS is not installed; missing " + ", ".join(missing_parts()))
    server = start(tmp_path_factory.mktemp("powerdns"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def powerdns_client(powerdns_server: RunningPowerDns) -> Iterator[PowerDnsClient]:
    """A client of the session's server; the zones a test created are deleted after it."""
    client = PowerDnsClient(powerdns_server.api_url, api_key=powerdns_server.api_key, timeout=10)
    try:
        yield client
    finally:
        for zone in client.zone_list():
            client.zone_delete(zone)
        client.close()


def dns_answer(
    server: RunningPowerDns, name: str, rdtype: str, *, tcp: bool = False
) -> tuple[str, list[str]]:
    """Ask the server over DNS; returns the rcode name and the sorted answer data."""
    query = dns.message.make_query(name, rdtype)
    send = dns.query.tcp if tcp else dns.query.udp
    response = send(query, server.dns_host, port=server.dns_port, timeout=3)
    answers = sorted(rdata.to_text() for rrset in response.answer for rdata in rrset)
    return dns.rcode.to_text(response.rcode()), answers
