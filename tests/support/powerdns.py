"""Fixtures: the real PowerDNS server for the test session, a client per test, DNS queries to it,
and a proxy in front of it that injects faults."""

from __future__ import annotations

import http.client
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import dns.message
import dns.query
import dns.rcode
import pytest

from hostwerk.integrations.powerdns import PowerDnsClient
from hostwerk.sandbox.faults import FaultPlan
from hostwerk.sandbox.powerdns import RunningPowerDns, missing_parts, powerdns_available, start
from hostwerk.sandbox.threads import serve_in_thread
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


# Faults in front of the real server ----------------------------------------------------------------

_ZONES_PATH = re.compile(r"^/api/v1/servers/[^/]+/zones(?:/([^/]+))?(/.*)?$")


@dataclass
class PowerDnsFaults:
    """A loopback proxy in front of the real PowerDNS API that injects the simulators' faults.

    PowerDNS cannot be made to fail on cue; the proxy forwards every request and, when a fault of
    hostwerk.sandbox.faults is armed for the request's operation, answers an error (HTTP `code`,
    503 by default, plain text as PowerDNS does), waits `delay` seconds before forwarding, closes
    the connection before forwarding ("drop_before") or after PowerDNS did the work
    ("drop_after_commit"). Operations: "zones.get" (lookup by name), "zone.get", "zone.create",
    "zone.patch", "zone.delete".
    """

    powerdns: RunningPowerDns
    faults: FaultPlan = field(default_factory=FaultPlan)
    url: str = ""

    @staticmethod
    def operation_of(method: str, path: str) -> str:
        match = _ZONES_PATH.match(urlsplit(path).path)
        if match is None:
            return f"{method.lower()} {urlsplit(path).path}"
        if match.group(1) is None:
            return "zone.create" if method == "POST" else "zones.get"
        verb = {"GET": "get", "PATCH": "patch", "DELETE": "delete", "PUT": "put"}
        return f"zone.{verb.get(method, method.lower())}"


def _fault_handler(proxy: PowerDnsFaults):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):
            pass

        def _forward(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            fault = proxy.faults.take(proxy.operation_of(self.command, self.path))
            if fault is not None and fault.mode == "error":
                code = int(fault.code) if fault.code else 503
                self._answer(code, (fault.text or "Service Unavailable").encode(), "text/plain")
                return
            if fault is not None and fault.mode == "drop_before":
                self.close_connection = True
                return
            if fault is not None and fault.mode == "delay":
                time.sleep(fault.delay)
            target = urlsplit(proxy.powerdns.api_url)
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
            headers = {
                name: value
                for name, value in self.headers.items()
                if name.lower() in ("x-api-key", "content-type", "accept")
            }
            connection.request(self.command, self.path, body=body or None, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            connection.close()
            if fault is not None and fault.mode == "drop_after_commit":
                self.close_connection = True
                return
            self._answer(response.status, payload, response.getheader("Content-Type") or "")

        def _answer(self, status, payload, content_type):
            try:
                self.send_response(status)
                if content_type:
                    self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the client gave up waiting (a delay longer than its timeout)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _forward

    return Handler


@pytest.fixture(scope="session")
def powerdns_faults_session(powerdns_server: RunningPowerDns) -> Iterator[PowerDnsFaults]:
    proxy = PowerDnsFaults(powerdns=powerdns_server)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _fault_handler(proxy))
    server.daemon_threads = True
    running = serve_in_thread(server, "powerdns-faults")
    proxy.url = f"http://127.0.0.1:{running.port}"
    try:
        yield proxy
    finally:
        running.stop()


@pytest.fixture
def powerdns_faults(
    settings, powerdns_faults_session: PowerDnsFaults, powerdns_client: PowerDnsClient
) -> PowerDnsFaults:
    """Publish zones to the real PowerDNS through the fault proxy; no faults armed yet."""
    powerdns_faults_session.faults.clear()
    settings.HOSTWERK_DNS_PUBLISHER = "powerdns"
    settings.HOSTWERK_POWERDNS_API_URL = powerdns_faults_session.url
    settings.HOSTWERK_POWERDNS_API_KEY = powerdns_faults_session.powerdns.api_key
    return powerdns_faults_session
