"""SpamExperts control-panel API simulator over HTTP: same URLs, envelope and texts, with fault injection.

API: `GET /api/domain/{add,exists,getroute,remove}/domain/<d>/[format/json/][destinations/<JSON>/]`
with Basic auth, HTTP 200 even on errors. Control (no auth, loopback only):
`GET /_sandbox/state`, `POST /_sandbox/faults` (one fault or a list), `DELETE /_sandbox/faults`,
`POST /_sandbox/reset` (optional `{"confirm": "auto"|"manual"}`), `POST /_sandbox/settings`
(`{"confirm": ..., "domain_limit": ...}`), `POST /_sandbox/domains` (seed a domain, optionally
owned by another account) and `POST /_sandbox/confirm/<domain>` (the provider finished setting up
a domain added in manual confirmation mode).

Fault operations: "domain/add", "domain/exists", "domain/getroute", "domain/remove" (or "*").
"error" answers the panel's error envelope with the fault's text, or, when `code` is an HTTP
status, that status with the text as a plain body; "ignore" answers success without changing
anything (for the two reads it is the same as no fault).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import json
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from hostwerk.sandbox.faults import fault_from_json
from hostwerk.sandbox.spamexperts.state import (
    CONFIRM_MODES,
    SANDBOX_PASSWORD,
    SANDBOX_USERNAME,
    Answer,
    ConfirmMode,
    SpamExpertsState,
)
from hostwerk.sandbox.threads import RunningServer, serve_in_thread, serve_until_signal

# Fault operation names are "<controller>/<action>", as in the URL.
OPERATIONS: dict[str, Callable[[SpamExpertsState, dict[str, str], bool], Answer]] = {
    "domain/add": lambda state, parameters, commit: state.domain_add(parameters, commit=commit),
    "domain/exists": lambda state, parameters, commit: state.domain_exists(
        parameters, commit=commit
    ),
    "domain/getroute": lambda state, parameters, commit: state.domain_getroute(
        parameters, commit=commit
    ),
    "domain/remove": lambda state, parameters, commit: state.domain_remove(
        parameters, commit=commit
    ),
}
DEFAULT_FAULT_TEXT = "An internal error occurred, please try again later."


class SpamExpertsHttpServer(ThreadingHTTPServer):
    """Threaded HTTP server that remembers open keep-alive connections so `stop()` can cut them."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: SpamExpertsState, *, quiet: bool) -> None:
        self.state = state
        self.quiet = quiet
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, SpamExpertsRequestHandler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        try:
            super().finish_request(request, client_address)
        finally:
            with self._connections_lock:
                self._connections.discard(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (timeout, reset) is normal under fault injection, not a crash.
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class SpamExpertsRequestHandler(BaseHTTPRequestHandler):
    server: SpamExpertsHttpServer
    protocol_version = "HTTP/1.1"
    server_version = "Apache"
    sys_version = ""
    # Idle keep-alive connections are closed after this many seconds, like a real front end.
    timeout = 30
    # Headers and body go out in two writes; without this, Nagle's algorithm and delayed ACKs
    # add 40 ms to every call on loopback.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)

    @property
    def state(self) -> SpamExpertsState:
        return self.server.state

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path.startswith("/api/"):
            self._api(path)
        elif path == "/_sandbox/state":
            self._send_json(200, self.state.snapshot())
        else:
            self._send_text(404, "Not Found")

    def do_POST(self) -> None:
        path = urlsplit(self.path).path.rstrip("/")
        try:
            body = self._read_json()
            if path == "/_sandbox/faults":
                self._post_faults(body)
            elif path == "/_sandbox/reset":
                self.state.reset(confirm=_confirm_from(body))
                self._send_json(200, self.state.snapshot())
            elif path == "/_sandbox/settings":
                self._post_settings(body)
            elif path == "/_sandbox/domains":
                self._post_domain(body)
            elif path.startswith("/_sandbox/confirm/"):
                domain = unquote(path.removeprefix("/_sandbox/confirm/"))
                if self.state.confirm(domain):
                    self._send_json(200, {"domain": domain, "confirmed": True})
                else:
                    self._send_json(404, {"error": f"the panel does not hold {domain!r}"})
            else:
                self._send_text(404, "Not Found")
        except ValueError as exc:
            self._send_json(400, {"error": str(exc)})

    def do_DELETE(self) -> None:
        if urlsplit(self.path).path.rstrip("/") == "/_sandbox/faults":
            self.state.faults.clear()
            self._send_json(200, {"faults": []})
        else:
            self._send_text(404, "Not Found")

    # The API.

    def _api(self, path: str) -> None:
        segments = [unquote(segment) for segment in path.removeprefix("/api/").split("/")]
        while segments and segments[-1] == "":
            segments.pop()
        if len(segments) < 2:
            self._answer(Answer(errors=["Incorrect usage of API"]), as_json=True)
            return
        operation = f"{segments[0]}/{segments[1]}"
        pairs = segments[2:]
        # Parameter names are case-insensitive; the add-ons lower-case them.
        parameters = {pairs[i].lower(): pairs[i + 1] for i in range(0, len(pairs) - 1, 2)}
        as_json = parameters.pop("format", "").lower() == "json"
        if not self._authenticated():
            self._answer(Answer(errors=["Supplied credential is invalid."]), as_json=as_json)
            return
        handler = OPERATIONS.get(operation)
        if handler is None:
            self._answer(
                Answer(errors=[f"Incorrect usage of API: unknown call '{operation}'."]),
                as_json=as_json,
            )
            return
        self.state.record_call(operation, parameters, path=self.path)

        commit = True
        fault = self.state.faults.take(operation)
        if fault is not None:
            if fault.mode == "delay":
                time.sleep(fault.delay)
            elif fault.mode == "error":
                # A numeric code is an HTTP status from the front end (500, 503, or a 200
                # maintenance page when `text` is not JSON); anything else a panel error line.
                if isinstance(fault.code, int) and 100 <= fault.code <= 599:
                    self._send_text(fault.code, fault.text or "Service Unavailable")
                else:
                    self._answer(Answer(errors=[fault.text or DEFAULT_FAULT_TEXT]), as_json=as_json)
                return
            elif fault.mode == "drop_before":
                self._drop()
                return
            elif fault.mode == "ignore":
                commit = False
        answer = handler(self.state, parameters, commit)
        if fault is not None and fault.mode == "drop_after_commit":
            self._drop()
            return
        self._answer(answer, as_json=as_json)

    def _authenticated(self) -> bool:
        header = self.headers.get("Authorization", "")
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            username, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return username == self.state.username and password == self.state.password

    def _answer(self, answer: Answer, *, as_json: bool) -> None:
        if as_json:
            # The panel serialises an empty message set as a list, a PHP habit kept here.
            messages: object = []
            if answer.errors:
                messages = {"error": answer.errors}
            elif answer.success:
                messages = {"success": answer.success}
            self._send_json(200, {"messages": messages, "result": answer.result})
        elif answer.errors:
            self._send_text(200, "\n".join(f"ERROR: {line}" for line in answer.errors))
        elif answer.bare_result:
            self._send_json(200, answer.result)
        else:
            self._send_text(200, "\n".join(f"SUCCESS: {line}" for line in answer.success))

    def _drop(self) -> None:
        # Close without a byte of response: the client sees the connection die mid-call.
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    # The control endpoints.

    def _post_faults(self, body: object) -> None:
        items = body if isinstance(body, list) else [body]
        faults = []
        for item in items:
            if not isinstance(item, dict):
                raise ValueError("a fault is a JSON object")
            faults.append(fault_from_json(item))
        for fault in faults:
            self.state.faults.add(fault)
        self._send_json(201, {"faults": self.state.faults.pending()})

    def _post_settings(self, body: object) -> None:
        if not isinstance(body, dict):
            raise ValueError("settings are a JSON object")
        confirm = _confirm_from(body)
        if confirm is not None:
            self.state.set_confirm_mode(confirm)
        if "domain_limit" in body:
            limit = body["domain_limit"]
            self.state.domain_limit = None if limit is None else int(limit)
        self._send_json(200, self.state.snapshot())

    def _post_domain(self, body: object) -> None:
        if not isinstance(body, dict) or "domain" not in body:
            raise ValueError("send {'domain': ..., 'destinations': ['host:25'], 'owner': ...}")
        destinations = []
        for route in body.get("destinations", []):
            host, _, port = str(route).rpartition(":")
            destinations.append((host, int(port)) if host else (str(route), 25))
        self.state.seed(
            domain=str(body["domain"]),
            destinations=destinations,
            owner=body.get("owner"),
            confirmed=bool(body.get("confirmed", True)),
        )
        self._send_json(201, self.state.snapshot())

    # Plumbing.

    def _read_json(self) -> object:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw.strip():
            return {}
        try:
            return json.loads(raw)
        except ValueError:
            raise ValueError("the body is not JSON") from None

    def _send_json(self, status: int, data: object) -> None:
        self._send(status, json.dumps(data).encode(), "application/json")

    def _send_text(self, status: int, text: str) -> None:
        self._send(status, text.encode(), "text/plain; charset=utf-8")

    def _send(self, status: int, payload: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def _confirm_from(body: object) -> ConfirmMode | None:
    if not isinstance(body, dict) or body.get("confirm") is None:
        return None
    confirm = body["confirm"]
    if confirm not in CONFIRM_MODES:
        raise ValueError(f"confirm must be one of {CONFIRM_MODES}")
    return confirm


@dataclass
class SpamExpertsSandbox:
    """A simulator serving in a background thread: `url` for the client, `state` for the test."""

    server: SpamExpertsHttpServer
    running: RunningServer

    @property
    def state(self) -> SpamExpertsState:
        return self.server.state

    @property
    def host(self) -> str:
        return self.running.host

    @property
    def port(self) -> int:
        return self.running.port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        self.running.stop()
        # Keep-alive connections have their own threads, which outlive the listening socket.
        self.server.close_connections()

    def __enter__(self) -> SpamExpertsSandbox:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def build_server(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    username: str = SANDBOX_USERNAME,
    password: str = SANDBOX_PASSWORD,
    confirm: ConfirmMode = "auto",
    quiet: bool = True,
) -> SpamExpertsHttpServer:
    state = SpamExpertsState(username=username, password=password, confirm=confirm)
    return SpamExpertsHttpServer((host, port), state, quiet=quiet)


def start(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    username: str = SANDBOX_USERNAME,
    password: str = SANDBOX_PASSWORD,
    confirm: ConfirmMode = "auto",
) -> SpamExpertsSandbox:
    """Serve a fresh simulator in a daemon thread; port 0 picks a free port."""
    server = build_server(
        host=host, port=port, username=username, password=password, confirm=confirm
    )
    return SpamExpertsSandbox(server=server, running=serve_in_thread(server, "spamexperts-sandbox"))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="hostwerk sandbox spamexperts",
        description="Run the SpamExperts control-panel API simulator until SIGINT or SIGTERM.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8904)
    parser.add_argument("--username", default=SANDBOX_USERNAME)
    parser.add_argument("--password", default=SANDBOX_PASSWORD)
    parser.add_argument(
        "--confirm",
        choices=CONFIRM_MODES,
        default="auto",
        help="auto: an added domain is present at once; manual: only after "
        "POST /_sandbox/confirm/<domain>",
    )
    options = parser.parse_args(argv)
    server = build_server(
        host=options.host,
        port=options.port,
        username=options.username,
        password=options.password,
        confirm=options.confirm,
        quiet=False,
    )
    address = f"http://{options.host}:{server.server_address[1]}"
    print(
        f"SpamExperts simulator on {address} (login {options.username}, "
        f"confirmation {options.confirm}); Ctrl-C stops it.",
        file=sys.stderr,
        flush=True,
    )
    serve_until_signal(server)
