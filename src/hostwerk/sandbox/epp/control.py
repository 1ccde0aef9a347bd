"""JSON control API of the EPP simulator (loopback): faults, reset, state, seeding, transfers."""

from __future__ import annotations

import json
import logging
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

from hostwerk.sandbox.epp.state import RegistryState, domain_json
from hostwerk.sandbox.faults import fault_from_json

logger = logging.getLogger(__name__)

PREFIX = "/_sandbox"


class SessionCounter(Protocol):
    def session_count(self) -> int: ...


class ControlledSandbox(Protocol):
    """What the control API needs of the simulator it controls (server.EppSandbox is one).

    Described here rather than imported, so that the server can build a control server without
    the two modules importing each other.
    """

    @property
    def state(self) -> RegistryState: ...

    @property
    def epp_server(self) -> SessionCounter: ...

    def drop_connections(self) -> int: ...


class ControlServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], sandbox: ControlledSandbox) -> None:
        self.sandbox = sandbox
        super().__init__(address, ControlHandler)


class RequestError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class ControlHandler(BaseHTTPRequestHandler):
    server: ControlServer
    server_version = "HostwerkEppSandboxControl/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("control %s", format % args)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        routes = {
            ("GET", "/state"): self.get_state,
            ("POST", "/faults"): self.post_faults,
            ("POST", "/reset"): self.post_reset,
            ("POST", "/drop-connections"): self.post_drop_connections,
            ("POST", "/domains"): self.post_domains,
            ("POST", "/transfers/approve"): self.post_transfer_approve,
            ("POST", "/settings"): self.post_settings,
        }
        path = self.path.split("?", 1)[0].rstrip("/")
        handler = (
            routes.get((method, path.removeprefix(PREFIX))) if path.startswith(PREFIX) else None
        )
        try:
            if handler is None:
                raise RequestError(404, f"no endpoint {method} {self.path}")
            status, body = handler()
        except RequestError as error:
            status, body = error.status, {"detail": error.detail}
        self._send(status, body)

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return {}
        try:
            return json.loads(raw)
        except json.JSONDecodeError as exc:
            raise RequestError(400, f"body is not JSON: {exc}") from None

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body, default=str).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    @property
    def sandbox(self) -> ControlledSandbox:
        return self.server.sandbox

    def get_state(self) -> tuple[int, Any]:
        data = self.sandbox.state.to_json()
        data["sessions"] = self.sandbox.epp_server.session_count()
        return 200, data

    def post_faults(self) -> tuple[int, Any]:
        """Body: one fault, a list of them, or {"faults": [...]} (fields as in faults.py)."""
        body = self._body()
        items = body.get("faults", [body]) if isinstance(body, dict) else body
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise RequestError(400, "expected a fault object or a list of them")
        try:
            faults = [fault_from_json(item) for item in items]
            for fault in faults:
                self.sandbox.state.faults.add(fault)
        except (ValueError, TypeError) as exc:
            raise RequestError(400, str(exc)) from None
        return 201, {"faults": self.sandbox.state.faults.pending()}

    def post_reset(self) -> tuple[int, Any]:
        self.sandbox.state.reset()
        return 200, {"reset": True}

    def post_drop_connections(self) -> tuple[int, Any]:
        return 200, {"dropped": self.sandbox.drop_connections()}

    def post_domains(self) -> tuple[int, Any]:
        """Seed a domain: {"name", "account"?, "auth_code"?, "years"?, "nameservers"?,
        "statuses"?}."""
        body = self._body()
        if not isinstance(body, dict) or not body.get("name"):
            raise RequestError(400, "name is required")
        try:
            domain = self.sandbox.state.seed_domain(
                str(body["name"]),
                account=str(body.get("account", "other")),
                auth_code=body.get("auth_code"),
                years=int(body.get("years", 1)),
                registrant=body.get("registrant"),
                nameservers=list(body.get("nameservers", [])),
                statuses=list(body.get("statuses", [])),
            )
        except (ValueError, TypeError) as exc:
            raise RequestError(400, str(exc)) from None
        return 201, domain_json(domain)

    def post_transfer_approve(self) -> tuple[int, Any]:
        body = self._body()
        try:
            domain = self.sandbox.state.approve_transfer(str(body.get("name", "")))
        except KeyError as exc:
            raise RequestError(404, str(exc.args[0])) from None
        return 200, domain_json(domain)

    def post_settings(self) -> tuple[int, Any]:
        """Change {"transfer_approve_after_seconds", "strict_sidn_contacts"} at run time."""
        body = self._body()
        state = self.sandbox.state
        with state.lock:
            if "transfer_approve_after_seconds" in body:
                state.transfer_approve_after_seconds = float(body["transfer_approve_after_seconds"])
            if "strict_sidn_contacts" in body:
                state.strict_sidn_contacts = bool(body["strict_sidn_contacts"])
        return 200, state.to_json()["settings"]
