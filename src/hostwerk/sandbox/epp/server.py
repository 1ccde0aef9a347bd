"""EPP registry simulator: TLS sessions with RFC 5734 framing, fault injection, control API."""

from __future__ import annotations

import argparse
import contextlib
import logging
import shutil
import socket
import socketserver
import ssl
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hostwerk.core.xml import UnsafeXmlError, parse_xml
from hostwerk.integrations.epp import namespaces
from hostwerk.integrations.epp.framing import FrameReader, FramingError, encode_frame
from hostwerk.sandbox.epp.certificates import generate_self_signed
from hostwerk.sandbox.epp.command_base import ParsedCommand, SessionState, parse_command
from hostwerk.sandbox.epp.commands import CommandProcessor
from hostwerk.sandbox.epp.control import ControlServer
from hostwerk.sandbox.epp.protocol import Reply, greeting, q, response
from hostwerk.sandbox.epp.state import (
    DEFAULT_TRANSFER_APPROVE_AFTER,
    CommandFailure,
    RegistryState,
)
from hostwerk.sandbox.threads import RunningServer, serve_in_thread, serve_until_signal

logger = logging.getLogger(__name__)

DEFAULT_ACCOUNTS = {"admin": "sandbox", "other": "sandbox"}
HANDSHAKE_TIMEOUT = 10.0
# Registries end sessions that stay silent too long; clients must cope (hello or reconnect).
DEFAULT_IDLE_TIMEOUT = 600.0
MAX_COMMAND_SIZE = 1024 * 1024


class EppSession:
    """One client connection: its TLS socket and login state."""

    def __init__(self, connection: ssl.SSLSocket, peer: tuple[str, int]) -> None:
        self.connection = connection
        self.peer = peer
        self.state = SessionState()

    def send(self, payload: bytes) -> None:
        self.connection.sendall(encode_frame(payload))

    def force_close(self) -> None:
        """Cut the connection from another thread, like a registry restart would.

        The plain socket shutdown (not SSLSocket.shutdown, which tears down the TLS object
        under the reading thread) wakes the session thread, which then closes the socket.
        """
        with contextlib.suppress(OSError):
            socket.socket.shutdown(self.connection, socket.SHUT_RDWR)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.close()


@dataclass
class Outcome:
    """What to do after a command: send `payload` (None: send nothing), then maybe close."""

    payload: bytes | None
    close: bool = False


class EppServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def __init__(
        self,
        address: tuple[str, int],
        *,
        state: RegistryState,
        ssl_context: ssl.SSLContext,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.state = state
        self.ssl_context = ssl_context
        self.idle_timeout = idle_timeout
        self.processor = CommandProcessor(state)
        self.sessions: set[EppSession] = set()
        self.sessions_lock = threading.Lock()
        super().__init__(address, EppRequestHandler)

    def drop_sessions(self) -> int:
        """Close every open session at once; returns how many there were."""
        with self.sessions_lock:
            sessions = list(self.sessions)
        for session in sessions:
            session.force_close()
        return len(sessions)

    def session_count(self) -> int:
        with self.sessions_lock:
            return len(self.sessions)

    # -- one data unit -------------------------------------------------------------------------

    def handle_frame(self, session: EppSession, payload: bytes) -> Outcome:
        try:
            root = parse_xml(payload)
        except UnsafeXmlError as exc:
            return self._reply(session, Reply(2001, reason=str(exc)[:200]), None)
        if (
            root.tag == q(namespaces.EPP, "epp")
            and root.find(q(namespaces.EPP, "hello")) is not None
        ):
            return Outcome(greeting())
        try:
            command = parse_command(root)
        except CommandFailure as failure:
            return self._reply(session, self._failure_reply(session, failure), None)
        if command.operation != "login" and session.state.client_id is None:
            return self._reply(session, Reply(2002, reason="log in first"), command)
        fault = self.state.faults.take(command.operation)
        if fault is not None:
            logger.info("EPP sandbox fault %s on %s", fault.mode, command.operation)
            if fault.mode == "error":
                code = int(fault.code or 2400)
                reply = Reply(code, message=fault.text or None, close=code >= 2500)
                return self._reply(session, reply, command)
            if fault.mode == "drop_before":
                return Outcome(None, close=True)
            if fault.mode == "delay":
                time.sleep(fault.delay)
            if fault.mode == "ignore":
                with self.state.lock:
                    snapshot = self.state.snapshot()
                    reply = self._execute(session, command)
                    self.state.restore(snapshot)
                return self._reply(session, reply, command)
            if fault.mode == "drop_after_commit":
                self._execute(session, command)
                return Outcome(None, close=True)
        return self._reply(session, self._execute(session, command), command)

    def _execute(self, session: EppSession, command: ParsedCommand) -> Reply:
        with self.state.lock:
            try:
                return self.processor.execute(session.state, command)
            except CommandFailure as failure:
                return self._failure_reply(session, failure)
            except Exception:
                logger.exception("EPP sandbox failed on %s", command.operation)
                return Reply(2400, reason="internal error in the registry")

    @staticmethod
    def _failure_reply(session: EppSession, failure: CommandFailure) -> Reply:
        reply = Reply(failure.code, message=failure.message, reason=failure.reason)
        if failure.sidn:
            if session.state.sidn_uri:
                reply.sidn = failure.sidn
            else:
                # Without the extension at login the details go where every client looks.
                details = "; ".join(detail for _code, _field, detail in failure.sidn)
                reply.reason = "; ".join(part for part in (reply.reason, details) if part)
        return reply

    def _reply(self, session: EppSession, reply: Reply, command: ParsedCommand | None) -> Outcome:
        if reply.extension is not None and not session.state.sidn_uri:
            reply.extension = None
        server_transaction_id = self.state.server_transaction_id()
        logger.info(
            "EPP sandbox %s %s -> %s (%s)",
            session.state.client_id or "-",
            command.operation if command else "?",
            reply.code,
            server_transaction_id,
        )
        payload = response(
            reply,
            client_transaction_id=command.client_transaction_id if command else None,
            server_transaction_id=server_transaction_id,
        )
        return Outcome(payload, close=reply.close or reply.code >= 2500)


class EppRequestHandler(socketserver.BaseRequestHandler):
    server: EppServer

    def handle(self) -> None:
        raw: socket.socket = self.request
        raw.settimeout(HANDSHAKE_TIMEOUT)
        # Small request/response exchanges: without this, Nagle's algorithm and delayed ACKs
        # hold the greeting back for ~40 ms after the TLS session tickets.
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            connection = self.server.ssl_context.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            logger.info("EPP sandbox: TLS handshake with %s failed: %s", self.client_address, exc)
            return
        session = EppSession(connection, self.client_address)
        with self.server.sessions_lock:
            self.server.sessions.add(session)
        try:
            self._serve(session)
        except (OSError, FramingError) as exc:
            logger.debug("EPP sandbox session %s ended: %s", self.client_address, exc)
        finally:
            with self.server.sessions_lock:
                self.server.sessions.discard(session)
            session.close()

    def _serve(self, session: EppSession) -> None:
        session.connection.settimeout(self.server.idle_timeout)
        session.send(greeting())
        reader = FrameReader(session.connection, max_frame_size=MAX_COMMAND_SIZE)
        while True:
            try:
                payload = reader.read_frame()
            except TimeoutError:
                logger.info("EPP sandbox: closing idle session %s", self.client_address)
                return
            outcome = self.server.handle_frame(session, payload)
            if outcome.payload is not None:
                session.send(outcome.payload)
            if outcome.close:
                return


@dataclass
class EppSandbox:
    """A built simulator: `start()` returns one that is already serving in threads.

    It is the ControlledSandbox that its control server (control.py) works on.
    """

    state: RegistryState
    epp_server: EppServer
    control_server: socketserver.BaseServer | None
    certificate_pem: str
    certificate_path: str
    key_path: str
    _directory: str | None = None
    _running: list[RunningServer] = field(default_factory=list)

    @property
    def host(self) -> str:
        return str(self.epp_server.server_address[0])

    @property
    def port(self) -> int:
        return int(self.epp_server.server_address[1])

    @property
    def ca_file(self) -> str:
        """The certificate to trust (it is self-signed): pass it as the client's `ca_file`."""
        return self.certificate_path

    @property
    def control_url(self) -> str | None:
        if self.control_server is None:
            return None
        address = self.control_server.server_address
        return f"http://{address[0]}:{address[1]}"  # type: ignore[index]

    def drop_connections(self) -> int:
        return self.epp_server.drop_sessions()

    def serve_in_threads(self) -> EppSandbox:
        self._running.append(serve_in_thread(self.epp_server, "epp-sandbox"))
        if self.control_server is not None:
            self._running.append(serve_in_thread(self.control_server, "epp-sandbox-control"))
        return self

    def stop(self) -> None:
        for running in self._running:
            running.stop()
        self._running.clear()
        self.cleanup()

    def cleanup(self) -> None:
        """Close remaining sessions and remove the generated certificate."""
        self.epp_server.drop_sessions()
        if self._directory:
            shutil.rmtree(self._directory, ignore_errors=True)
            self._directory = None


def build(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    control_port: int | None = None,
    accounts: dict[str, str] | None = None,
    resolver: tuple[str, int] | None = None,
    certfile: str | None = None,
    keyfile: str | None = None,
    transfer_approve_after_seconds: float = DEFAULT_TRANSFER_APPROVE_AFTER,
    strict_sidn_contacts: bool = False,
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
) -> EppSandbox:
    """Create the servers (bound, not yet serving)."""
    state = RegistryState(
        accounts=dict(accounts if accounts is not None else DEFAULT_ACCOUNTS),
        resolver=resolver,
        transfer_approve_after_seconds=transfer_approve_after_seconds,
        strict_sidn_contacts=strict_sidn_contacts,
    )
    directory = None
    if certfile is None:
        directory = tempfile.mkdtemp(prefix="hostwerk-epp-sandbox-")
        names = tuple(dict.fromkeys(("localhost", socket.gethostname())))
        addresses = ["127.0.0.1", "::1"]
        if host not in addresses and host not in ("0.0.0.0", "::", "localhost"):  # noqa: S104
            try:
                socket.inet_pton(socket.AF_INET6 if ":" in host else socket.AF_INET, host)
                addresses.append(host)
            except OSError:
                names = (*names, host)
        certificate_pem, key_pem = generate_self_signed(hostnames=names, addresses=tuple(addresses))
        certfile = str(Path(directory) / "sandbox-cert.pem")
        keyfile = str(Path(directory) / "sandbox-key.pem")
        Path(certfile).write_bytes(certificate_pem)
        Path(keyfile).write_bytes(key_pem)
        Path(keyfile).chmod(0o600)
    keyfile = keyfile or certfile
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certfile, keyfile)
    epp_server = EppServer(
        (host, port), state=state, ssl_context=context, idle_timeout=idle_timeout
    )
    sandbox = EppSandbox(
        state=state,
        epp_server=epp_server,
        control_server=None,
        certificate_pem=Path(certfile).read_text(),
        certificate_path=certfile,
        key_path=keyfile,
        _directory=directory,
    )
    if control_port is not None:
        # The control API changes registry state without a password: loopback only.
        sandbox.control_server = ControlServer(("127.0.0.1", control_port), sandbox)
    return sandbox


def start(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    control_port: int | None = None,
    accounts: dict[str, str] | None = None,
    resolver: tuple[str, int] | None = None,
    certfile: str | None = None,
    keyfile: str | None = None,
    transfer_approve_after_seconds: float = DEFAULT_TRANSFER_APPROVE_AFTER,
    strict_sidn_contacts: bool = False,
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
) -> EppSandbox:
    """Start the simulator in background threads (tests, demo); call `.stop()` when done.

    `port=0` picks a free port; `accounts` maps client ids to passwords (default "admin" and
    "other", both with password "sandbox"); `resolver` is the DNS server the .de name-server
    check asks. Without `certfile` a self-signed certificate is generated: trust
    `sandbox.ca_file` in clients.
    """
    return build(
        host=host,
        port=port,
        control_port=control_port,
        accounts=accounts,
        resolver=resolver,
        certfile=certfile,
        keyfile=keyfile,
        transfer_approve_after_seconds=transfer_approve_after_seconds,
        strict_sidn_contacts=strict_sidn_contacts,
        idle_timeout=idle_timeout,
    ).serve_in_threads()


def parse_address(text: str) -> tuple[str, int]:
    """ "127.0.0.1:8053" or "[::1]:8053" as (host, port)."""
    host, separator, port = text.rpartition(":")
    if not separator or not port.isdigit() or not host:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host.strip("[]"), int(port)


def _account(text: str) -> tuple[str, str]:
    name, separator, password = text.partition(":")
    if not separator or not name or not password:
        raise argparse.ArgumentTypeError(f"expected NAME:PASSWORD, got {text!r}")
    return name, password


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="hostwerk sandbox epp",
        description="EPP registry simulator (TLS, RFC 5730-5734, SIDN and DENIC rules).",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8700)
    parser.add_argument(
        "--control-port", type=int, default=None, help="port of the JSON control API on 127.0.0.1"
    )
    parser.add_argument(
        "--resolver",
        type=parse_address,
        default=None,
        help="HOST:PORT of the DNS server that .de name-server checks ask",
    )
    parser.add_argument("--certfile", default=None, help="PEM certificate (default: generated)")
    parser.add_argument("--keyfile", default=None)
    parser.add_argument(
        "--write-certificate",
        default=None,
        metavar="PATH",
        help="copy the certificate clients must trust to PATH",
    )
    parser.add_argument(
        "--account",
        type=_account,
        action="append",
        default=None,
        metavar="NAME:PASSWORD",
        help="registrar login (repeatable; default admin and other, password sandbox)",
    )
    parser.add_argument(
        "--transfer-approve-seconds",
        type=float,
        default=DEFAULT_TRANSFER_APPROVE_AFTER,
        help="seconds until a pending transfer is approved by the registry",
    )
    parser.add_argument(
        "--strict-sidn-contacts",
        action="store_true",
        help="refuse every contact:create without SIDN's legal form",
    )
    options = parser.parse_args(list(argv) if argv is not None else None)
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    sandbox = build(
        host=options.host,
        port=options.port,
        control_port=options.control_port,
        accounts=dict(options.account) if options.account else None,
        resolver=options.resolver,
        certfile=options.certfile,
        keyfile=options.keyfile,
        transfer_approve_after_seconds=options.transfer_approve_seconds,
        strict_sidn_contacts=options.strict_sidn_contacts,
    )
    if options.write_certificate:
        Path(options.write_certificate).write_text(sandbox.certificate_pem)
    print(
        f"EPP sandbox listening on {sandbox.host}:{sandbox.port} (TLS, certificate "
        f"{options.write_certificate or sandbox.certificate_path})"
        + (f"; control API {sandbox.control_url}" if sandbox.control_url else ""),
        flush=True,
    )
    servers: list[socketserver.BaseServer] = [sandbox.epp_server]
    if sandbox.control_server is not None:
        servers.append(sandbox.control_server)
    try:
        serve_until_signal(*servers)
    finally:
        sandbox.cleanup()
