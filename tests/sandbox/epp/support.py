"""Test helpers for the EPP simulator: a running sandbox, clients, and a stand-in DNS server."""

from __future__ import annotations

import json
import socket
import socketserver
import ssl
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

from hostwerk.core.xml import parse_xml
from hostwerk.integrations.epp import ContactSpec, EppClient, ExchangeLog, namespaces
from hostwerk.integrations.epp.framing import FrameReader, encode_frame
from hostwerk.sandbox.epp.server import EppSandbox, start
from hostwerk.sandbox.epp.state import DEFAULT_TRANSFER_APPROVE_AFTER
from hostwerk.sandbox.threads import serve_in_thread


def reset_sandbox(sandbox: EppSandbox) -> None:
    """Back to an empty registry with default settings; sessions of earlier tests are cut."""
    sandbox.drop_connections()
    # Session threads deregister once they notice; counts in tests must not see old ones.
    wait_until(lambda: sandbox.epp_server.session_count() == 0, timeout=3)
    state = sandbox.state
    state.reset()
    state.resolver = None
    state.dns_timeout = 0.5
    state.transfer_approve_after_seconds = DEFAULT_TRANSFER_APPROVE_AFTER
    state.strict_sidn_contacts = False


@contextmanager
def running_sandbox() -> Iterator[EppSandbox]:
    sandbox = start(port=0, control_port=0)
    try:
        yield sandbox
    finally:
        sandbox.stop()


def make_client(
    sandbox: EppSandbox,
    account: str = "admin",
    *,
    password: str = "sandbox",
    log: list[ExchangeLog] | None = None,
    timeout: float = 5.0,
) -> EppClient:
    return EppClient(
        sandbox.host,
        sandbox.port,
        client_id=account,
        password=password,
        timeout=timeout,
        ca_file=sandbox.ca_file,
        on_exchange=log.append if log is not None else None,
    )


def contact_spec(contact_id: str = "HW-OWNER1", **changes: Any) -> ContactSpec:
    values: dict[str, Any] = {
        "id": contact_id,
        "name": "Jan Jansen",
        "organization": "Voorbeeld BV",
        "email": "jan@voorbeeld.nl",
        "street_lines": ("Dorpsstraat 1",),
        "city": "Arnhem",
        "postcode": "6825 MD",
        "country_code": "NL",
        "voice": "+31.201234567",
        "auth_code": "Contact-Secret-1",
        "legal_form": "BV",
        "legal_form_registration_number": "14633770",
    }
    values.update(changes)
    return ContactSpec(**values)


def control(sandbox: EppSandbox, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """Call the simulator's JSON control API over HTTP on loopback."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"{sandbox.control_url}{path}",
        data=data,
        method=method,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@dataclass
class Zone:
    nameservers: list[str]
    refresh: int = 10800
    retry: int = 3600
    expire: int = 604800
    minimum: int = 3600


@dataclass
class StandInDnsServer:
    """A tiny authoritative DNS server on loopback UDP standing in for PowerDNS.

    Known zones are answered authoritatively (SOA, NS); other names get REFUSED. With
    `silent` set it reads queries and never answers, like an unreachable name server.
    """

    zones: dict[str, Zone] = field(default_factory=dict)
    silent: bool = False
    queries: list[tuple[str, str]] = field(default_factory=list)

    def answer(self, wire: bytes) -> bytes | None:
        query = dns.message.from_wire(wire)
        question = query.question[0]
        name = question.name.to_text().rstrip(".").lower()
        self.queries.append((name, dns.rdatatype.to_text(question.rdtype)))
        if self.silent:
            return None
        response = dns.message.make_response(query)
        zone = self.zones.get(name)
        if zone is None:
            response.set_rcode(dns.rcode.REFUSED)
            return response.to_wire()
        response.flags |= dns.flags.AA
        if question.rdtype == dns.rdatatype.SOA:
            rdata = (
                f"{zone.nameservers[0]}. hostmaster.{name}. 2026010101 "
                f"{zone.refresh} {zone.retry} {zone.expire} {zone.minimum}"
            )
            response.answer.append(dns.rrset.from_text(question.name, 3600, "IN", "SOA", rdata))
        elif question.rdtype == dns.rdatatype.NS:
            response.answer.append(
                dns.rrset.from_text_list(
                    question.name, 3600, "IN", "NS", [f"{host}." for host in zone.nameservers]
                )
            )
        return response.to_wire()


@contextmanager
def stand_in_dns_server(
    server: StandInDnsServer | None = None,
) -> Iterator[tuple[StandInDnsServer, tuple[str, int]]]:
    behaviour = server or StandInDnsServer()

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            data, sock = self.request
            reply = behaviour.answer(data)
            if reply is not None:
                sock.sendto(reply, self.client_address)

    udp = socketserver.ThreadingUDPServer(("127.0.0.1", 0), Handler)
    udp.daemon_threads = True
    running = serve_in_thread(udp, "stand-in-dns")
    try:
        yield behaviour, (running.host, running.port)
    finally:
        running.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(condition: Any, timeout: float = 5.0) -> bool:
    """Poll `condition` until it holds or `timeout` seconds passed (background threads)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return bool(condition())


class RawSession:
    """A hand-driven EPP connection, for protocol details the client never gets wrong."""

    def __init__(self, sandbox: EppSandbox) -> None:
        context = ssl.create_default_context(cafile=sandbox.ca_file)
        raw = socket.create_connection((sandbox.host, sandbox.port), timeout=5)
        self.connection = context.wrap_socket(raw, server_hostname=sandbox.host)
        self.reader = FrameReader(self.connection)
        self.greeting = parse_xml(self.reader.read_frame())

    def send(self, body: str) -> Any:
        """Send `<epp>body</epp>` and return the parsed answer."""
        document = (
            f'<?xml version="1.0" encoding="UTF-8"?><epp xmlns="{namespaces.EPP}">{body}</epp>'
        )
        return self.send_bytes(document.encode())

    def send_bytes(self, document: bytes) -> Any:
        self.connection.sendall(encode_frame(document))
        return parse_xml(self.reader.read_frame())

    def login(self, account: str = "admin", password: str = "sandbox", extensions: str = "") -> Any:
        return self.send(
            f"<command><login><clID>{account}</clID><pw>{password}</pw>"
            "<options><version>1.0</version><lang>en</lang></options>"
            f"<svcs><objURI>{namespaces.DOMAIN}</objURI><objURI>{namespaces.CONTACT}</objURI>"
            f"<objURI>{namespaces.HOST}</objURI>{extensions}</svcs></login>"
            "<clTRID>RAW-LOGIN-1</clTRID></command>"
        )

    def closed_by_peer(self) -> bool:
        try:
            return self.connection.recv(1) == b""
        except (OSError, ssl.SSLError):
            return True

    def close(self) -> None:
        self.connection.close()


def result_code(answer: Any) -> int:
    result = answer.find(f"{{{namespaces.EPP}}}response/{{{namespaces.EPP}}}result")
    return int(result.get("code"))


def result_text(answer: Any, name: str) -> str:
    element = answer.find(f".//{{{namespaces.EPP}}}{name}")
    return (element.text or "") if element is not None else ""
