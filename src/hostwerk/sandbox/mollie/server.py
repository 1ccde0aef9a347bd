"""Mollie API v2 simulator over HTTP: payments, refunds, a checkout page and webhook delivery.

API (Bearer API key, default `test_sandbox`): `POST /v2/payments`, `GET /v2/payments`,
`GET /v2/payments/{id}`, `POST /v2/payments/{id}/refunds`, `GET /v2/payments/{id}/refunds`.
Amounts are strings with two decimals; errors are Mollie's JSON body `{status, title, detail,
field}`; a POST with an `Idempotency-Key` seen before answers what the first one answered.

The tester's side (no auth, loopback only):
- `GET /checkout/{id}`: the page a customer is sent to; its buttons pick the outcome (paid,
  failed, canceled, expired), the webhook is called, and the browser goes to `redirectUrl`.
- `POST /_sandbox/payments/{id}` `{"status": "paid", "deliveries": 1..3, "reverse": false}`:
  set the status and call the webhook (a form POST `id=tr_...`) that many times before answering.
  `reverse` sends this notification first and then the payment's earlier ones again, newest
  first, as a late, out-of-order Mollie would; `"parallel": true` sends them all at once. A
  delivery answered with anything but 2xx (or not answered) is retried, up to
  `webhook_attempts` times in all. The answer lists every attempt.
- `GET /_sandbox/state`, `POST /_sandbox/reset`, `POST /_sandbox/settings`
  (`{"webhook_attempts": 5, "webhook_retry_delay": 0.1}`), `POST`/`DELETE /_sandbox/faults`.

Fault operations: "payments.create", "payments.get", "payments.list", "refunds.create",
"refunds.list" (or "*"); an "error" fault answers Mollie's error body with its `code` as the
HTTP status (default 500) and `text` as the detail.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import json
import socket
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from hostwerk.sandbox.faults import fault_from_json
from hostwerk.sandbox.mollie.state import (
    OUTCOMES,
    SANDBOX_API_KEY,
    Delivery,
    MollieProblem,
    MollieState,
    SimPayment,
)
from hostwerk.sandbox.threads import RunningServer, serve_in_thread, serve_until_signal

MAX_DELIVERIES = 3


class MollieHttpServer(ThreadingHTTPServer):
    """Threaded HTTP server that remembers open keep-alive connections so `stop()` can cut them."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: MollieState, *, quiet: bool) -> None:
        self.state = state
        self.quiet = quiet
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, MollieRequestHandler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        try:
            super().finish_request(request, client_address)
        finally:
            with self._connections_lock:
                self._connections.discard(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


def deliver(state: MollieState, payment: SimPayment, plan: list[tuple[int, str]]) -> list[Delivery]:
    """Call the payment's webhook once per planned notification, retrying until a 2xx."""
    made: list[Delivery] = []
    if not payment.webhook_url:
        return made
    for sequence, status in plan:
        for attempt in range(1, max(1, state.webhook_attempts) + 1):
            delivery = Delivery(payment.id, sequence, status, attempt, None)
            try:
                response = httpx.post(
                    payment.webhook_url,
                    data={"id": payment.id},
                    headers={"X-Sandbox-Notification": f"{sequence} {status}"},
                    timeout=state.webhook_timeout,
                    follow_redirects=False,
                    trust_env=False,
                )
                delivery.http_status = response.status_code
            except httpx.HTTPError as exc:
                delivery.error = f"{type(exc).__name__}: {exc}"
            state.record_delivery(delivery)
            made.append(delivery)
            if delivery.http_status is not None and 200 <= delivery.http_status < 300:
                break
            time.sleep(state.webhook_retry_delay)
    return made


class MollieRequestHandler(BaseHTTPRequestHandler):
    server: MollieHttpServer
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""
    timeout = 30
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)

    @property
    def state(self) -> MollieState:
        return self.server.state

    @property
    def base_url(self) -> str:
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        return f"http://{host}"

    # Routing.

    def do_GET(self) -> None:
        parts = self._path()
        try:
            if parts[:2] == ["v2", "payments"]:
                self._api("GET", parts[2:])
            elif len(parts) == 2 and parts[0] == "checkout":
                self._checkout_page(parts[1])
            elif parts == ["_sandbox", "state"]:
                self._send_json(200, self.state.snapshot(self.base_url))
            else:
                self._send_problem(MollieProblem(404, "The resource does not exist."))
        except MollieProblem as problem:
            self._send_problem(problem)

    def do_POST(self) -> None:
        parts = self._path()
        try:
            if parts[:2] == ["v2", "payments"]:
                self._api("POST", parts[2:])
            elif len(parts) == 2 and parts[0] == "checkout":
                self._checkout_submit(parts[1])
            elif parts[:2] == ["_sandbox", "payments"] and len(parts) == 3:
                self._control_payment(parts[2], self._read_json())
            elif parts == ["_sandbox", "reset"]:
                self.state.reset()
                self._send_json(200, self.state.snapshot(self.base_url))
            elif parts == ["_sandbox", "settings"]:
                self._post_settings(self._read_json())
            elif parts == ["_sandbox", "faults"]:
                self._post_faults(self._read_json())
            else:
                self._send_problem(MollieProblem(404, "The resource does not exist."))
        except MollieProblem as problem:
            self._send_problem(problem)
        except ValueError as exc:
            self._send_problem(MollieProblem(400, str(exc)))

    def do_DELETE(self) -> None:
        if self._path() == ["_sandbox", "faults"]:
            self.state.faults.clear()
            self._send_json(200, {"faults": []})
        else:
            self._send_problem(MollieProblem(404, "The resource does not exist."))

    def _path(self) -> list[str]:
        return [part for part in urlsplit(self.path).path.split("/") if part]

    # The API.

    def _api(self, method: str, rest: list[str]) -> None:
        if not self._authenticated():
            raise MollieProblem(401, "Missing authentication, or failed to authenticate.")
        if method == "POST" and not rest:
            operation = "payments.create"
        elif method == "GET" and not rest:
            operation = "payments.list"
        elif method == "GET" and len(rest) == 1:
            operation = "payments.get"
        elif len(rest) == 2 and rest[1] == "refunds":
            operation = "refunds.create" if method == "POST" else "refunds.list"
        else:
            raise MollieProblem(404, "The resource does not exist.")
        body = self._read_json() if method == "POST" else None
        key = self.headers.get("Idempotency-Key", "")
        self.state.record_call(
            operation, path=urlsplit(self.path).path, body=body, idempotency_key=key
        )
        fault = self.state.faults.take(operation)
        if fault is not None:
            if fault.mode == "delay":
                time.sleep(fault.delay)
            elif fault.mode == "error":
                status = fault.code if isinstance(fault.code, int) else 500
                raise MollieProblem(status, fault.text or "Something went wrong at Mollie.")
            elif fault.mode == "drop_before":
                self._drop()
                return
        if method == "POST" and key:
            with self.state.lock:
                stored = self.state.idempotent.get((operation, key))
                if stored is None:
                    stored = self._answer(operation, rest, body)
                    self.state.idempotent[(operation, key)] = stored
        else:
            stored = self._answer(operation, rest, body)
        if fault is not None and fault.mode == "drop_after_commit":
            self._drop()
            return
        self._send_json(*stored, content_type="application/hal+json")

    def _answer(self, operation: str, rest: list[str], body: Any) -> tuple[int, dict[str, Any]]:
        try:
            if operation == "payments.create":
                return 201, self.state.payment_create(body).to_json(self.base_url)
            if operation == "payments.get":
                return 200, self.state.payment_get(rest[0]).to_json(self.base_url)
            if operation == "payments.list":
                with self.state.lock:
                    payments = list(reversed(self.state.payments.values()))[:250]
                return 200, {
                    "count": len(payments),
                    "_embedded": {"payments": [p.to_json(self.base_url) for p in payments]},
                    "_links": {"self": {"href": f"{self.base_url}/v2/payments"}},
                }
            if operation == "refunds.create":
                return 201, self.state.refund_create(rest[0], body).to_json(self.base_url)
            payment = self.state.payment_get(rest[0])
            return 200, {
                "count": len(payment.refunds),
                "_embedded": {"refunds": [r.to_json(self.base_url) for r in payment.refunds]},
            }
        except MollieProblem as problem:
            # Stored like a success, so an idempotent retry gets the same refusal.
            return problem.status, problem.body()

    def _authenticated(self) -> bool:
        scheme, _, key = self.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and key.strip() == self.state.api_key

    # The checkout page.

    def _checkout_page(self, payment_id: str) -> None:
        payment = self.state.payment_get(payment_id)
        amount = html.escape(f"{payment.currency} {payment.value:.2f}")
        description = html.escape(payment.description)
        if payment.status == "open":
            buttons = "".join(
                f'<button name="status" value="{outcome}" class="{outcome}">{outcome}</button>'
                for outcome in OUTCOMES
            )
            action = f'<form method="post"><p>Choose the outcome:</p>{buttons}</form>'
        else:
            back = html.escape(payment.redirect_url, quote=True)
            action = (
                f"<p>This payment is <strong>{html.escape(payment.status)}</strong>.</p>"
                f'<p><a href="{back}">Back to the shop</a></p>'
            )
        page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mollie test payment</title>
<style>body{{font-family:sans-serif;max-width:32rem;margin:3rem auto;color:#222}}
.box{{border:1px solid #ccc;border-radius:8px;padding:1.5rem}}button{{margin:.25rem;
padding:.6rem 1rem;border-radius:6px;border:1px solid #888;cursor:pointer}}
.paid{{background:#2e7d32;color:#fff}}</style></head>
<body><div class="box"><h1>Test payment (simulator)</h1>
<p><strong>{description}</strong></p><p>Amount: <strong>{amount}</strong></p>
<p>Payment <code>{html.escape(payment.id)}</code></p>{action}</div></body></html>"""
        self._send(200, page.encode(), "text/html; charset=utf-8")

    def _checkout_submit(self, payment_id: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode() if length else "")
        status = (form.get("status") or [""])[0]
        if status not in OUTCOMES:
            raise MollieProblem(400, f"choose one of {', '.join(OUTCOMES)}")
        payment, sequence = self.state.status_set(payment_id, status)
        # Like Mollie, the webhook and the customer's return race each other.
        threading.Thread(
            target=deliver, args=(self.state, payment, [(sequence, status)]), daemon=True
        ).start()
        self.send_response(303)
        self.send_header("Location", payment.redirect_url)
        self.send_header("Content-Length", "0")
        self.end_headers()

    # The control endpoints.

    def _control_payment(self, payment_id: str, body: object) -> None:
        if not isinstance(body, dict) or "status" not in body:
            raise ValueError('send {"status": ..., "deliveries": 1..3, "reverse": false}')
        deliveries = body.get("deliveries", 1)
        if not isinstance(deliveries, int) or not 1 <= deliveries <= MAX_DELIVERIES:
            raise ValueError(f"deliveries must be a whole number from 1 to {MAX_DELIVERIES}")
        payment, sequence = self.state.status_set(payment_id, str(body["status"]))
        plan = [(sequence, payment.status)] * deliveries
        if body.get("reverse"):
            with self.state.lock:
                earlier = [item for item in payment.notifications if item[0] != sequence]
            plan += list(reversed(earlier))
        if body.get("parallel"):
            # Every planned notice at the same moment, each in its own thread (a race).
            results: list[list[Delivery]] = [[] for _ in plan]

            def one(index: int, item: tuple[int, str]) -> None:
                results[index] = deliver(self.state, payment, [item])

            threads = [
                threading.Thread(target=one, args=(index, item), daemon=True)
                for index, item in enumerate(plan)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            made = [delivery for result in results for delivery in result]
        else:
            made = deliver(self.state, payment, plan)
        self._send_json(
            200,
            {
                "payment": payment.to_json(self.base_url),
                "deliveries": [delivery.to_json() for delivery in made],
            },
        )

    def _post_settings(self, body: object) -> None:
        if not isinstance(body, dict):
            raise ValueError("settings are a JSON object")
        if "webhook_attempts" in body:
            self.state.webhook_attempts = max(1, int(body["webhook_attempts"]))
        if "webhook_retry_delay" in body:
            self.state.webhook_retry_delay = max(0.0, float(body["webhook_retry_delay"]))
        self._send_json(
            200,
            {
                "webhook_attempts": self.state.webhook_attempts,
                "webhook_retry_delay": self.state.webhook_retry_delay,
            },
        )

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

    # Plumbing.

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _read_json(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw.strip():
            return {}
        try:
            return json.loads(raw)
        except ValueError:
            raise MollieProblem(400, "The request body is not valid JSON.") from None

    def _send_problem(self, problem: MollieProblem) -> None:
        self._send_json(problem.status, problem.body(), content_type="application/hal+json")

    def _send_json(
        self, status: int, data: object, *, content_type: str = "application/json"
    ) -> None:
        self._send(status, json.dumps(data).encode(), content_type)

    def _send(self, status: int, payload: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@dataclass
class MollieSandbox:
    """A simulator serving in a background thread: `url` for the client, `state` for the test."""

    server: MollieHttpServer
    running: RunningServer

    @property
    def state(self) -> MollieState:
        return self.server.state

    @property
    def url(self) -> str:
        return f"http://{self.running.host}:{self.running.port}"

    @property
    def api_key(self) -> str:
        return self.state.api_key

    def stop(self) -> None:
        self.running.stop()
        self.server.close_connections()

    def __enter__(self) -> MollieSandbox:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def build_server(
    *, host: str = "127.0.0.1", port: int = 0, api_key: str = SANDBOX_API_KEY, quiet: bool = True
) -> MollieHttpServer:
    return MollieHttpServer((host, port), MollieState(api_key=api_key), quiet=quiet)


def start(
    *, host: str = "127.0.0.1", port: int = 0, api_key: str = SANDBOX_API_KEY
) -> MollieSandbox:
    """Serve a fresh simulator in a daemon thread; port 0 picks a free port."""
    server = build_server(host=host, port=port, api_key=api_key)
    return MollieSandbox(server=server, running=serve_in_thread(server, "mollie-sandbox"))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="hostwerk sandbox mollie",
        description="Run the Mollie API v2 simulator until SIGINT or SIGTERM.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8905)
    parser.add_argument("--api-key", default=SANDBOX_API_KEY)
    options = parser.parse_args(argv)
    server = build_server(
        host=options.host, port=options.port, api_key=options.api_key, quiet=False
    )
    print(
        f"Mollie simulator on http://{options.host}:{server.server_address[1]} "
        f"(API key {options.api_key}); Ctrl-C stops it.",
        file=sys.stderr,
        flush=True,
    )
    serve_until_signal(server)
