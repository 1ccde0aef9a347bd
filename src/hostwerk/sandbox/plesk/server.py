"""HTTP(S) front of the Plesk simulator: agent.php, control endpoints, start() for tests, main() for the CLI."""

from __future__ import annotations

import argparse
import ipaddress
import json
import logging
import ssl
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from hostwerk.sandbox.faults import fault_from_json
from hostwerk.sandbox.plesk.agent import ConnectionDropped, answer_packet
from hostwerk.sandbox.plesk.certificate import self_signed_context
from hostwerk.sandbox.plesk.state import SANDBOX_PASSWORD, PleskState
from hostwerk.sandbox.threads import RunningServer, serve_in_thread, serve_until_signal

AGENT_PATH = "/enterprise/control/agent.php"
CONTROL_PREFIX = "/_sandbox/"
MAX_BODY = 4 * 1024 * 1024

logger = logging.getLogger("hostwerk.sandbox.plesk")


class PleskHttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], state: PleskState, tls: ssl.SSLContext | None
    ) -> None:
        super().__init__(address, PleskRequestHandler)
        self.state = state
        self.scheme = "https" if tls else "http"
        if tls is not None:
            # The handshake then happens in the request's own thread, so a client that refuses
            # the certificate cannot stall the accept loop.
            self.socket = tls.wrap_socket(
                self.socket, server_side=True, do_handshake_on_connect=False
            )

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that time out, refuse the certificate or are dropped by a fault close the
        # connection under us; that is expected here, not worth a traceback.
        logger.debug("connection from %s ended with an error", client_address, exc_info=True)


class PleskRequestHandler(BaseHTTPRequestHandler):
    server: PleskHttpServer
    protocol_version = "HTTP/1.1"
    server_version = "sw-cp-server"
    sys_version = ""
    timeout = 60  # idle keep-alive connections end instead of holding a thread forever
    # Headers and body go out as two writes; without this, Nagle's algorithm and delayed ACKs
    # hold every answer back by about 40 ms.
    disable_nagle_algorithm = True

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == AGENT_PATH:
            self._agent()
        elif path == f"{CONTROL_PREFIX}faults" and self._from_loopback():
            self._add_faults()
        elif path == f"{CONTROL_PREFIX}reset" and self._from_loopback():
            self.server.state.reset()
            self._json(200, {"status": "ok"})
        else:
            self._json(404, {"error": f"nothing at {path}"})

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == f"{CONTROL_PREFIX}state" and self._from_loopback():
            self._json(200, self.server.state.dump())
        elif path == f"{CONTROL_PREFIX}faults" and self._from_loopback():
            self._json(200, {"pending": self.server.state.faults.pending()})
        else:
            self._json(404, {"error": f"nothing at {path}"})

    def _agent(self) -> None:
        body = self._body()
        try:
            headers = {name.lower(): value for name, value in self.headers.items()}
            answer = answer_packet(self.server.state, headers, body)
        except ConnectionDropped:
            self.close_connection = True
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/xml; charset=UTF-8")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def _add_faults(self) -> None:
        try:
            data = json.loads(self._body() or b"null")
            items = data if isinstance(data, list) else [data]
            faults = [fault_from_json(item) for item in items]
            for fault in faults:
                self.server.state.faults.add(fault)
        except (ValueError, TypeError, AttributeError) as exc:
            self._json(400, {"error": str(exc)})
            return
        self._json(200, {"pending": self.server.state.faults.pending()})

    def _from_loopback(self) -> bool:
        if ipaddress.ip_address(self.client_address[0]).is_loopback:
            return True
        self._json(403, {"error": "the control endpoints answer only on loopback"})
        return False

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            return b""
        return self.rfile.read(length) if length else b""

    def _json(self, status: int, data: object) -> None:
        body = json.dumps(data, indent=2).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self.client_address[0], format % args)


@dataclass
class PleskSandbox:
    """A running simulator; `state` is its memory, `stop()` ends it."""

    state: PleskState
    running: RunningServer
    scheme: str

    @property
    def host(self) -> str:
        return self.running.host

    @property
    def port(self) -> int:
        return self.running.port

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def stop(self) -> None:
        self.running.stop()

    def __enter__(self) -> PleskSandbox:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def build_server(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    login: str = "admin",
    password: str = SANDBOX_PASSWORD,
    secret_key: str | None = None,
    name: str = "plesk",
    ips: tuple[str, ...] = ("192.0.2.10",),
    plans: tuple[str, ...] = ("Default Domain", "Unlimited"),
    tls: bool = False,
) -> PleskHttpServer:
    state = PleskState(
        name=name, login=login, password=password, secret_key=secret_key, ips=ips, plans=plans
    )
    context = self_signed_context(common_name=name, host=host) if tls else None
    return PleskHttpServer((host, port), state, context)


def start(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    login: str = "admin",
    password: str = SANDBOX_PASSWORD,
    secret_key: str | None = None,
    name: str = "plesk",
    ips: tuple[str, ...] = ("192.0.2.10",),
    plans: tuple[str, ...] = ("Default Domain", "Unlimited"),
    tls: bool = False,
) -> PleskSandbox:
    """Serve a simulator in a background thread; port 0 picks a free port (see `.url`)."""
    server = build_server(
        host=host,
        port=port,
        login=login,
        password=password,
        secret_key=secret_key,
        name=name,
        ips=tuple(ips),
        plans=tuple(plans),
        tls=tls,
    )
    running = serve_in_thread(server, f"plesk-sandbox-{name}")
    return PleskSandbox(state=server.state, running=running, scheme=server.scheme)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="hostwerk sandbox plesk",
        description="Serve a simulated Plesk XML API until interrupted.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8880, help="8880 is Plesk's plain HTTP port")
    parser.add_argument("--name", default="plesk", help="server name shown by server get")
    parser.add_argument(
        "--ip", action="append", dest="ips", help="shared IP address (repeat for more)"
    )
    parser.add_argument(
        "--plan", action="append", dest="plans", help="service plan name (repeat for more)"
    )
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default=SANDBOX_PASSWORD)
    parser.add_argument("--secret-key", default=None, help="also accept this KEY header")
    parser.add_argument("--tls", action="store_true", help="HTTPS with a self-signed certificate")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    options = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    if options.verbose:
        logger.setLevel(logging.DEBUG)
    server = build_server(
        host=options.host,
        port=options.port,
        login=options.login,
        password=options.password,
        secret_key=options.secret_key,
        name=options.name,
        ips=tuple(options.ips or ("192.0.2.10",)),
        plans=tuple(options.plans or ("Default Domain", "Unlimited")),
        tls=options.tls,
    )
    state = server.state
    address = f"{server.scheme}://{options.host}:{server.server_address[1]}"
    print(
        f"Plesk sandbox {state.name} on {address}{AGENT_PATH} "
        f"(login {state.login}; IPs {', '.join(state.ips)}; plans {', '.join(state.plan_names)})",
        flush=True,
    )
    serve_until_signal(server)
