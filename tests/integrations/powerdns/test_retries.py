"""Retry, locking and error mapping of PowerDnsClient, against a scripted PowerDNS stand-in on loopback.

The real server cannot be made to fail on cue; this stand-in answers the exact shapes PowerDNS 4.7
sends (plain-text 500/400/404, JSON 422) in the order a test scripts.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from hostwerk.integrations.powerdns import (
    PowerDnsClient,
    PowerDnsError,
    PowerDnsUnavailable,
    PowerDnsValidationError,
    PowerDnsZoneNotFound,
    RRSet,
)
from hostwerk.sandbox.threads import serve_in_thread

PLAIN = "text/plain; charset=utf-8"
CHANGE = [RRSet("www.example.nl.", "A", 300, ["192.0.2.1"])]


class ScriptedPowerDns(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), ScriptedHandler)
        self.script: list[tuple[int, str, str]] = []
        self.requests: list[tuple[str, str, bytes]] = []
        self.hold = 0.0  # seconds each request takes, to expose overlapping writes
        self.in_flight: dict[str, int] = {}
        self.most_in_flight: dict[str, int] = {}
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class ScriptedHandler(BaseHTTPRequestHandler):
    server: ScriptedPowerDns
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        zone = self.path.split("?")[0].rsplit("/", 1)[-1]
        with self.server.lock:
            self.server.requests.append((self.command, self.path, body))
            self.server.in_flight[zone] = self.server.in_flight.get(zone, 0) + 1
            self.server.most_in_flight[zone] = max(
                self.server.most_in_flight.get(zone, 0), self.server.in_flight[zone]
            )
            status, content_type, text = (
                self.server.script.pop(0) if self.server.script else (204, PLAIN, "")
            )
        time.sleep(self.server.hold)
        with self.server.lock:
            self.server.in_flight[zone] -= 1
        payload = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PATCH = do_DELETE = _handle


@pytest.fixture
def scripted() -> Iterator[ScriptedPowerDns]:
    server = ScriptedPowerDns()
    running = serve_in_thread(server, "scripted-powerdns")
    try:
        yield server
    finally:
        running.stop()


def client_for(server: ScriptedPowerDns, *, attempts: int = 4) -> PowerDnsClient:
    return PowerDnsClient(
        server.url, api_key="key", timeout=5, retry_attempts=attempts, retry_delay=0.001
    )


def test_http_500_is_retried_until_the_write_lands(scripted):
    scripted.script = [(500, PLAIN, "Internal Server Error")] * 2 + [(204, PLAIN, "")]

    client_for(scripted).zone_replace_rrsets(name="example.nl.", replace=CHANGE)

    assert [request[:2] for request in scripted.requests] == [
        ("PATCH", "/api/v1/servers/localhost/zones/example.nl.")
    ] * 3
    assert json.loads(scripted.requests[0][2]) == {
        "rrsets": [
            {
                "name": "www.example.nl.",
                "type": "A",
                "ttl": 300,
                "records": [{"content": "192.0.2.1", "disabled": False}],
                "changetype": "REPLACE",
            }
        ]
    }


def test_delete_changes_are_sent_without_ttl(scripted):
    client_for(scripted).zone_replace_rrsets(name="example.nl.", delete=[("www.example.nl.", "a")])

    assert json.loads(scripted.requests[0][2]) == {
        "rrsets": [{"name": "www.example.nl.", "type": "A", "changetype": "DELETE", "records": []}]
    }


def test_http_500_every_time_ends_in_a_transient_error(scripted):
    scripted.script = [(500, PLAIN, "Internal Server Error")] * 10

    with pytest.raises(PowerDnsUnavailable) as caught:
        client_for(scripted, attempts=3).zone_replace_rrsets(name="example.nl.", replace=CHANGE)

    assert caught.value.code == 500
    assert len(scripted.requests) == 3


def test_reads_are_retried_on_http_500_too(scripted):
    scripted.script = [(500, PLAIN, "Internal Server Error"), (200, "application/json", "[]")]

    assert client_for(scripted).zone_list() == []
    assert len(scripted.requests) == 2


def test_a_delete_that_finds_the_zone_gone_after_a_retry_has_succeeded(scripted):
    scripted.script = [(500, PLAIN, "Internal Server Error"), (404, PLAIN, "Not Found")]

    client_for(scripted).zone_delete("example.nl.")

    assert len(scripted.requests) == 2


def test_a_delete_of_a_zone_that_never_was_raises_not_found(scripted):
    scripted.script = [(404, PLAIN, "Not Found")]

    with pytest.raises(PowerDnsZoneNotFound):
        client_for(scripted).zone_delete("example.nl.")


def test_plain_text_400_is_permanent_and_not_retried(scripted):
    scripted.script = [(400, PLAIN, "Bad Request")]

    with pytest.raises(PowerDnsError) as caught:
        client_for(scripted).zone_replace_rrsets(name="example.nl.", replace=CHANGE)

    assert caught.value.code == 400
    assert caught.value.message.endswith("refused the request: HTTP 400 Bad Request")
    assert len(scripted.requests) == 1


def test_http_503_is_transient_and_left_to_the_caller(scripted):
    scripted.script = [(503, PLAIN, "Service Unavailable")]

    with pytest.raises(PowerDnsUnavailable) as caught:
        client_for(scripted).zone_list()

    assert caught.value.code == 503
    assert len(scripted.requests) == 1


def test_422_carries_the_error_and_the_error_list(scripted):
    scripted.script = [
        (422, "application/json", json.dumps({"error": "Invalid thing", "errors": ["a", "b"]}))
    ]

    with pytest.raises(PowerDnsValidationError) as caught:
        client_for(scripted).zone_replace_rrsets(name="example.nl.", replace=CHANGE)

    assert caught.value.message == "Invalid thing"
    assert caught.value.errors == ("a", "b")


def test_an_answer_that_is_not_json_is_a_permanent_error(scripted):
    scripted.script = [(200, "text/html", "<html>not PowerDNS</html>")]

    with pytest.raises(PowerDnsError) as caught:
        client_for(scripted).zone_list()

    assert caught.value.code == "unexpected_answer"


def test_writes_to_one_zone_never_overlap_even_from_separate_clients(scripted):
    scripted.hold = 0.02
    clients = [client_for(scripted) for _ in range(3)]

    def write(client: PowerDnsClient, zone: str) -> None:
        for _ in range(3):
            client.zone_replace_rrsets(
                name=zone, replace=[RRSet(f"www.{zone}", "A", 300, ["192.0.2.1"])]
            )

    threads = [
        threading.Thread(target=write, args=(client, zone))
        for client in clients
        for zone in ("one.example.", "two.example.")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(scripted.requests) == 18
    assert scripted.most_in_flight == {"one.example.": 1, "two.example.": 1}
