"""The SpamExperts simulator over HTTP: the panel's envelope and texts, control endpoints, faults, CLI."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from hostwerk.sandbox.spamexperts.server import start

AUTH = ("admin", "sandbox")


def api(sandbox, path: str, *, auth=AUTH) -> httpx.Response:
    return httpx.get(f"{sandbox.url}{path}", auth=auth, timeout=5)


def control(sandbox, method: str, path: str, body=None) -> httpx.Response:
    return httpx.request(method, f"{sandbox.url}/_sandbox/{path}", json=body, timeout=5)


# The panel's answers.


def test_add_answers_http_200_with_the_success_envelope(spamexperts_sandbox):
    response = api(
        spamexperts_sandbox,
        "/api/domain/add/domain/example.nl/format/json/destinations/%5B%22mx.example.nl%3A25%22%5D/",
    )

    assert response.status_code == 200
    assert response.json() == {
        "messages": {"success": ["Domain 'example.nl' added"]},
        "result": None,
    }


def test_errors_answer_http_200_with_the_error_envelope(spamexperts_sandbox):
    api(spamexperts_sandbox, "/api/domain/add/domain/example.nl/format/json/")

    response = api(spamexperts_sandbox, "/api/domain/add/domain/example.nl/format/json/")

    assert response.status_code == 200
    assert response.json() == {
        "messages": {"error": ["Domain already exists.", "Failed to add domain 'example.nl'"]},
        "result": None,
    }


def test_exists_answers_present_with_an_empty_message_list(spamexperts_sandbox):
    absent = api(spamexperts_sandbox, "/api/domain/exists/domain/example.nl/format/json/")
    api(spamexperts_sandbox, "/api/domain/add/domain/example.nl/format/json/")
    present = api(spamexperts_sandbox, "/api/domain/exists/domain/example.nl/format/json/")

    assert absent.json() == {"messages": [], "result": {"present": 0}}
    assert present.json() == {"messages": [], "result": {"present": 1}}


def test_getroute_answers_routes_with_a_double_colon(spamexperts_sandbox):
    api(
        spamexperts_sandbox,
        "/api/domain/add/domain/example.nl/format/json/destinations/"
        '["mx.example.nl:25","backup.example.nl"]/',
    )

    response = api(spamexperts_sandbox, "/api/domain/getroute/domain/example.nl/format/json")

    assert response.json() == {
        "messages": [],
        "result": ["mx.example.nl::25", "backup.example.nl::25"],
    }


def test_without_format_json_the_answers_are_plain_text_or_bare_json(spamexperts_sandbox):
    added = api(spamexperts_sandbox, "/api/domain/add/domain/example.nl/")
    again = api(spamexperts_sandbox, "/api/domain/add/domain/example.nl/")
    exists = api(spamexperts_sandbox, "/api/domain/exists/domain/example.nl")
    routes = api(spamexperts_sandbox, "/api/domain/getroute/domain/example.nl")
    removed = api(spamexperts_sandbox, "/api/domain/remove/domain/example.nl/")

    assert added.text == "SUCCESS: Domain 'example.nl' added"
    assert again.text == "ERROR: Domain already exists.\nERROR: Failed to add domain 'example.nl'"
    assert exists.json() == {"present": 1}
    assert routes.json() == []
    assert removed.text == "SUCCESS: Domain 'example.nl' removed"


def test_idn_success_message_names_the_domain_in_unicode(spamexperts_sandbox):
    response = api(spamexperts_sandbox, "/api/domain/add/domain/xn--bcher-kva.nl/format/json/")

    assert response.json()["messages"] == {"success": ["Domain 'bücher.nl' added"]}
    assert list(spamexperts_sandbox.state.domains) == ["xn--bcher-kva.nl"]


@pytest.mark.parametrize(
    "auth", [("admin", "wrong"), ("someone", "sandbox"), None], ids=["password", "user", "none"]
)
def test_bad_credentials_answer_http_200_supplied_credential_is_invalid(spamexperts_sandbox, auth):
    as_json = api(spamexperts_sandbox, "/api/domain/add/domain/example.nl/format/json/", auth=auth)
    as_text = api(spamexperts_sandbox, "/api/domain/add/domain/example.nl/", auth=auth)

    assert as_json.status_code == 200
    assert as_json.json() == {
        "messages": {"error": ["Supplied credential is invalid."]},
        "result": None,
    }
    assert as_text.text == "ERROR: Supplied credential is invalid."
    assert spamexperts_sandbox.state.domains == {}
    assert spamexperts_sandbox.state.snapshot()["calls"] == []


def test_unknown_call_is_incorrect_usage(spamexperts_sandbox):
    response = api(spamexperts_sandbox, "/api/domain/frobnicate/domain/example.nl/format/json/")

    assert response.json()["messages"] == {
        "error": ["Incorrect usage of API: unknown call 'domain/frobnicate'."]
    }


def test_invalid_destinations_are_refused_and_add_nothing(spamexperts_sandbox):
    response = api(
        spamexperts_sandbox, "/api/domain/add/domain/example.nl/format/json/destinations/notjson/"
    )

    assert response.json()["messages"]["error"][0].startswith("Incorrect usage of API")
    assert spamexperts_sandbox.state.domains == {}


# Control endpoints.


def test_state_endpoint_shows_domains_faults_and_calls(spamexperts_sandbox):
    api(spamexperts_sandbox, "/api/domain/add/domain/example.nl/format/json/")
    control(spamexperts_sandbox, "POST", "faults", {"operation": "domain/remove", "count": 2})

    state = control(spamexperts_sandbox, "GET", "state").json()

    assert state["confirm"] == "auto"
    assert state["domains"] == {
        "example.nl": {"destinations": [], "owner": "admin", "confirmed": True}
    }
    assert state["faults"] == [
        {
            "operation": "domain/remove",
            "mode": "error",
            "count": 2,
            "code": None,
            "text": "",
            "delay": 0.0,
        }
    ]
    assert state["calls"] == [
        {
            "operation": "domain/add",
            "parameters": {"domain": "example.nl"},
            "path": "/api/domain/add/domain/example.nl/format/json/",
        }
    ]


def test_faults_endpoint_accepts_a_list_and_refuses_nonsense(spamexperts_sandbox):
    created = control(
        spamexperts_sandbox,
        "POST",
        "faults",
        [
            {"operation": "domain/add"},
            {"operation": "domain/exists", "mode": "delay", "delay": 0.1},
        ],
    )
    unknown_mode = control(
        spamexperts_sandbox, "POST", "faults", {"operation": "x", "mode": "explode"}
    )
    missing = control(spamexperts_sandbox, "POST", "faults", {"mode": "error"})
    cleared = control(spamexperts_sandbox, "DELETE", "faults")

    assert created.status_code == 201
    assert [fault["operation"] for fault in created.json()["faults"]] == [
        "domain/add",
        "domain/exists",
    ]
    assert unknown_mode.status_code == 400
    assert missing.status_code == 400
    assert cleared.json() == {"faults": []}
    assert spamexperts_sandbox.state.faults.pending() == []


def test_reset_empties_everything_and_can_switch_to_manual_confirmation(spamexperts_sandbox):
    api(spamexperts_sandbox, "/api/domain/add/domain/example.nl/format/json/")
    control(spamexperts_sandbox, "POST", "faults", {"operation": "*"})

    state = control(spamexperts_sandbox, "POST", "reset", {"confirm": "manual"}).json()

    assert state == {
        "confirm": "manual",
        "domain_limit": None,
        "domains": {},
        "faults": [],
        "calls": [],
    }
    api(spamexperts_sandbox, "/api/domain/add/domain/example.nl/format/json/")
    exists = api(spamexperts_sandbox, "/api/domain/exists/domain/example.nl/format/json/")
    assert exists.json()["result"] == {"present": 0}


def test_confirming_a_pending_domain_makes_it_present(spamexperts_sandbox):
    control(spamexperts_sandbox, "POST", "settings", {"confirm": "manual"})
    api(spamexperts_sandbox, "/api/domain/add/domain/example.nl/format/json/")

    confirmed = control(spamexperts_sandbox, "POST", "confirm/example.nl")
    unknown = control(spamexperts_sandbox, "POST", "confirm/other.nl")

    assert confirmed.status_code == 200
    assert unknown.status_code == 404
    exists = api(spamexperts_sandbox, "/api/domain/exists/domain/example.nl/format/json/")
    assert exists.json()["result"] == {"present": 1}


def test_seeded_domain_of_another_owner_cannot_be_added_or_removed(spamexperts_sandbox):
    seeded = control(
        spamexperts_sandbox,
        "POST",
        "domains",
        {"domain": "example.nl", "destinations": ["mx.example.nl:25"], "owner": "reseller2"},
    )

    add = api(spamexperts_sandbox, "/api/domain/add/domain/example.nl/format/json/")
    remove = api(spamexperts_sandbox, "/api/domain/remove/domain/example.nl/format/json/")

    assert seeded.status_code == 201
    assert add.json()["messages"]["error"] == [
        "The domain 'example.nl' does not belong to the admin 'admin'",
        "Failed to add domain 'example.nl'",
    ]
    assert remove.json()["messages"]["error"] == [
        "You are not the owner of 'example.nl'.",
        "Failed to remove domain 'example.nl'",
    ]
    assert spamexperts_sandbox.state.domains["example.nl"].owner == "reseller2"


def test_domain_limit_setting_refuses_further_domains(spamexperts_sandbox):
    control(spamexperts_sandbox, "POST", "settings", {"domain_limit": 0})

    response = api(spamexperts_sandbox, "/api/domain/add/domain/example.nl/format/json/")

    assert response.json()["messages"]["error"][0] == (
        "You have reached the allowed limit of 0 domains."
    )


# Faults.


def test_an_error_fault_applies_to_the_next_n_calls_of_its_operation_only(spamexperts_sandbox):
    control(
        spamexperts_sandbox,
        "POST",
        "faults",
        {"operation": "domain/add", "count": 2, "text": "Busy."},
    )

    exists = api(spamexperts_sandbox, "/api/domain/exists/domain/a.nl/format/json/")
    first = api(spamexperts_sandbox, "/api/domain/add/domain/a.nl/format/json/")
    second = api(spamexperts_sandbox, "/api/domain/add/domain/a.nl/format/json/")
    third = api(spamexperts_sandbox, "/api/domain/add/domain/a.nl/format/json/")

    assert exists.json()["result"] == {"present": 0}
    assert first.json()["messages"] == {"error": ["Busy."]}
    assert second.json()["messages"] == {"error": ["Busy."]}
    assert third.json()["messages"] == {"success": ["Domain 'a.nl' added"]}


def test_a_wildcard_fault_with_an_http_status_hits_any_operation(spamexperts_sandbox):
    control(spamexperts_sandbox, "POST", "faults", {"operation": "*", "code": 503})

    response = api(spamexperts_sandbox, "/api/domain/getroute/domain/a.nl/format/json/")

    assert response.status_code == 503
    assert response.text == "Service Unavailable"


def test_drop_before_closes_the_connection_and_changes_nothing(spamexperts_sandbox):
    control(
        spamexperts_sandbox, "POST", "faults", {"operation": "domain/add", "mode": "drop_before"}
    )

    with pytest.raises(httpx.RemoteProtocolError):
        api(spamexperts_sandbox, "/api/domain/add/domain/a.nl/format/json/")

    assert spamexperts_sandbox.state.domains == {}


def test_drop_after_commit_closes_the_connection_but_keeps_the_change(spamexperts_sandbox):
    api(spamexperts_sandbox, "/api/domain/add/domain/a.nl/format/json/")
    control(
        spamexperts_sandbox,
        "POST",
        "faults",
        {"operation": "domain/remove", "mode": "drop_after_commit"},
    )

    with pytest.raises(httpx.RemoteProtocolError):
        api(spamexperts_sandbox, "/api/domain/remove/domain/a.nl/format/json/")

    assert spamexperts_sandbox.state.domains == {}


def test_ignore_answers_success_and_changes_nothing(spamexperts_sandbox):
    control(spamexperts_sandbox, "POST", "faults", {"operation": "domain/add", "mode": "ignore"})

    response = api(spamexperts_sandbox, "/api/domain/add/domain/a.nl/format/json/")

    assert response.json()["messages"] == {"success": ["Domain 'a.nl' added"]}
    assert spamexperts_sandbox.state.domains == {}


def test_delay_answers_normally_after_the_delay(spamexperts_sandbox):
    control(
        spamexperts_sandbox,
        "POST",
        "faults",
        {"operation": "domain/exists", "mode": "delay", "delay": 0.3},
    )

    started = time.monotonic()
    response = api(spamexperts_sandbox, "/api/domain/exists/domain/a.nl/format/json/")

    assert time.monotonic() - started >= 0.3
    assert response.json()["result"] == {"present": 0}


# Lifecycle.


def test_stop_cuts_open_keep_alive_connections():
    sandbox = start()
    client = httpx.Client(base_url=sandbox.url, auth=AUTH, timeout=2)
    assert client.get("/api/domain/exists/domain/a.nl/format/json/").status_code == 200

    sandbox.stop()

    with pytest.raises(httpx.TransportError):
        client.get("/api/domain/exists/domain/a.nl/format/json/")
    client.close()


def test_command_line_serves_until_sigterm():
    source = Path(__file__).resolve().parents[3] / "src"
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from hostwerk.sandbox.spamexperts.server import main; main(sys.argv[1:])",
            "--port",
            "0",
            "--password",
            "secret",
            "--confirm",
            "manual",
        ],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(source)},
    )
    try:
        banner = process.stderr.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)", banner)
        assert match, banner
        url = f"http://127.0.0.1:{match.group(1)}"
        added = httpx.get(
            f"{url}/api/domain/add/domain/a.nl/format/json/", auth=("admin", "secret"), timeout=5
        )
        exists = httpx.get(
            f"{url}/api/domain/exists/domain/a.nl/format/json/", auth=("admin", "secret"), timeout=5
        )
        assert added.json()["messages"] == {"success": ["Domain 'a.nl' added"]}
        assert exists.json()["result"] == {"present": 0}

        process.send_signal(signal.SIGTERM)

        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
        process.stderr.close()
