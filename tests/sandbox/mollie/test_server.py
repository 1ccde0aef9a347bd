"""The Mollie simulator speaks Mollie's API: validation with its error body, idempotency, the
checkout page, and webhook delivery with repeats, reordering and retries."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import httpx
import pytest

from tests.support.mollie import control

VALID = {
    "amount": {"currency": "EUR", "value": "10.00"},
    "description": "Invoice 2027-0001",
    "redirectUrl": "http://127.0.0.1:9/return",
}


def api(sandbox, method, path, body=None, **headers):
    return httpx.request(
        method,
        f"{sandbox.url}{path}",
        json=body,
        headers={"Authorization": f"Bearer {sandbox.api_key}", **headers},
        timeout=5,
    )


class Receiver:
    """A webhook endpoint on loopback: answers the statuses in `answers`, then 200."""

    def __init__(self, answers=()):
        self.answers = list(answers)
        self.received: list[tuple[str, str]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                receiver.received.append(
                    (parse_qs(body)["id"][0], self.headers["X-Sandbox-Notification"])
                )
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhook"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def make(answers=()):
        made.append(Receiver(answers))
        return made[-1]

    yield make
    for item in made:
        item.stop()


@pytest.mark.parametrize(
    ("amount", "field"),
    [
        ({"currency": "EUR", "value": 10}, "amount.value"),
        ({"currency": "EUR", "value": "10"}, "amount.value"),
        ({"currency": "EUR", "value": "10.5"}, "amount.value"),
        ({"currency": "EUR", "value": "10.000"}, "amount.value"),
        ({"currency": "eur", "value": "10.00"}, "amount.currency"),
        ({"currency": "EUR", "value": "0.00"}, "amount"),
        (None, "amount"),
    ],
)
def test_amount_must_be_a_string_with_two_decimals(mollie_sandbox, amount, field):
    response = api(mollie_sandbox, "POST", "/v2/payments", {**VALID, "amount": amount})
    assert response.status_code == 422
    body = response.json()
    assert (body["status"], body["title"], body["field"]) == (422, "Unprocessable Entity", field)
    assert body["detail"]
    assert mollie_sandbox.state.payments == {}


def test_missing_description_and_redirect_are_named(mollie_sandbox):
    for missing in ("description", "redirectUrl"):
        body = {key: value for key, value in VALID.items() if key != missing}
        response = api(mollie_sandbox, "POST", "/v2/payments", body)
        assert (response.status_code, response.json()["field"]) == (422, missing)


def test_without_the_api_key_the_answer_is_401(mollie_sandbox):
    response = httpx.post(f"{mollie_sandbox.url}/v2/payments", json=VALID, timeout=5)
    assert response.status_code == 401
    assert response.json()["title"] == "Unauthorized Request"


def test_idempotency_key_replays_the_first_answer(mollie_sandbox):
    first = api(mollie_sandbox, "POST", "/v2/payments", VALID, **{"Idempotency-Key": "a"})
    again = api(mollie_sandbox, "POST", "/v2/payments", VALID, **{"Idempotency-Key": "a"})
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    listed = api(mollie_sandbox, "GET", "/v2/payments").json()
    assert listed["count"] == 1


def test_checkout_page_lets_the_tester_pick_the_outcome_and_goes_back(mollie_sandbox, receiver):
    hook = receiver()
    payment = api(mollie_sandbox, "POST", "/v2/payments", {**VALID, "webhookUrl": hook.url}).json()
    page = httpx.get(payment["_links"]["checkout"]["href"], timeout=5)
    assert page.status_code == 200
    for outcome in ("paid", "failed", "canceled", "expired"):
        assert f'value="{outcome}"' in page.text
    chosen = httpx.post(payment["_links"]["checkout"]["href"], data={"status": "failed"}, timeout=5)
    assert (chosen.status_code, chosen.headers["Location"]) == (303, VALID["redirectUrl"])
    assert api(mollie_sandbox, "GET", f"/v2/payments/{payment['id']}").json()["status"] == "failed"
    # A final payment cannot be paid afterwards.
    again = httpx.post(payment["_links"]["checkout"]["href"], data={"status": "paid"}, timeout=5)
    assert again.status_code == 400


def test_control_endpoint_delivers_repeats_out_of_order_and_retries_on_5xx(
    mollie_sandbox, receiver
):
    hook = receiver(answers=[503])
    payment = api(mollie_sandbox, "POST", "/v2/payments", {**VALID, "webhookUrl": hook.url}).json()
    pending = control(mollie_sandbox, payment["id"], status="pending")
    # The first call got 503 and was retried.
    assert [d["http_status"] for d in pending["deliveries"]] == [503, 200]
    paid = control(mollie_sandbox, payment["id"], status="paid", deliveries=2, reverse=True)
    assert paid["payment"]["status"] == "paid"
    assert [d["notified_status"] for d in paid["deliveries"]] == ["paid", "paid", "pending"]
    assert [item[0] for item in hook.received] == [payment["id"]] * 5


def test_control_endpoint_refuses_more_than_three_deliveries(mollie_sandbox):
    payment = api(mollie_sandbox, "POST", "/v2/payments", VALID).json()
    response = httpx.post(
        f"{mollie_sandbox.url}/_sandbox/payments/{payment['id']}",
        json={"status": "paid", "deliveries": 4},
        timeout=5,
    )
    assert response.status_code == 400
