"""The simulator's JSON control API and its Python handle."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

from hostwerk.integrations.epp import EppClient
from hostwerk.sandbox.epp.server import start
from tests.sandbox.epp.support import contact_spec, control, free_port


def test_state_lists_domains_contacts_polls_and_sessions(admin, sandbox):
    admin.contact_create(contact_spec())
    admin.domain_create(
        name="voorbeeld.com",
        years=1,
        registrant="HW-OWNER1",
        admin_contacts=["HW-OWNER1"],
        tech_contacts=["HW-OWNER1"],
        auth_code="Domain-Secret-1",
    )

    status, state = control(sandbox, "GET", "/_sandbox/state")

    assert status == 200
    assert state["sessions"] == 1
    assert [item["name"] for item in state["domains"]] == ["voorbeeld.com"]
    assert state["domains"][0]["sponsor"] == "admin"
    assert state["domains"][0]["statuses"] == ["inactive"]
    assert state["contacts"][0]["id"] == "HW-OWNER1"
    assert state["contacts"][0]["legal_form"] == "BV"
    assert state["polls"] == {"admin": [], "other": []}


def test_reset_forgets_objects_and_faults(admin, sandbox):
    admin.contact_create(contact_spec())
    control(sandbox, "POST", "/_sandbox/faults", {"operation": "domain:create", "count": 3})

    assert control(sandbox, "POST", "/_sandbox/reset") == (200, {"reset": True})

    state = control(sandbox, "GET", "/_sandbox/state")[1]
    assert state["contacts"] == []
    assert state["faults"] == []


def test_faults_can_be_armed_as_a_list_and_are_listed(sandbox):
    status, body = control(
        sandbox,
        "POST",
        "/_sandbox/faults",
        {
            "faults": [
                {"operation": "domain:create", "mode": "drop_after_commit"},
                {"operation": "*", "mode": "delay", "delay": 0.5, "count": 2},
            ]
        },
    )

    assert status == 201
    assert [(item["operation"], item["mode"], item["count"]) for item in body["faults"]] == [
        ("domain:create", "drop_after_commit", 1),
        ("*", "delay", 2),
    ]


def test_a_bad_fault_is_refused_with_the_reason(sandbox):
    status, body = control(
        sandbox, "POST", "/_sandbox/faults", {"operation": "domain:create", "mode": "explode"}
    )

    assert status == 400
    assert "unknown fault mode" in body["detail"]
    assert control(sandbox, "GET", "/_sandbox/state")[1]["faults"] == []


def test_a_fault_without_operation_is_refused(sandbox):
    status, body = control(sandbox, "POST", "/_sandbox/faults", {"mode": "error"})

    assert (status, body) == (400, {"detail": "missing field 'operation'"})


def test_seeding_a_domain_twice_is_refused(sandbox):
    assert control(sandbox, "POST", "/_sandbox/domains", {"name": "voorbeeld.com"})[0] == 201

    status, body = control(sandbox, "POST", "/_sandbox/domains", {"name": "voorbeeld.com"})

    assert status == 400
    assert body["detail"] == "voorbeeld.com exists already"


def test_seeding_for_an_unknown_account_is_refused(sandbox):
    status, body = control(
        sandbox, "POST", "/_sandbox/domains", {"name": "voorbeeld.com", "account": "nobody"}
    )

    assert (status, body) == (400, {"detail": "unknown account 'nobody'"})


def test_approving_without_a_pending_transfer_is_not_found(sandbox):
    status, body = control(
        sandbox, "POST", "/_sandbox/transfers/approve", {"name": "voorbeeld.com"}
    )

    assert (status, body) == (404, {"detail": "no pending transfer for voorbeeld.com"})


def test_an_unknown_endpoint_is_not_found(sandbox):
    assert control(sandbox, "GET", "/_sandbox/nothing")[0] == 404
    assert control(sandbox, "POST", "/elsewhere")[0] == 404


def test_drop_connections_counts_the_sessions_it_closed(admin, other, sandbox):
    admin.connect()
    other.connect()

    assert control(sandbox, "POST", "/_sandbox/drop-connections") == (200, {"dropped": 2})


def test_the_handle_exposes_address_certificate_and_control_url():
    sandbox = start(accounts={"registrar1": "secret-1"})
    try:
        assert sandbox.host == "127.0.0.1"
        assert sandbox.port > 0
        assert sandbox.control_url is None
        assert sandbox.certificate_pem.startswith("-----BEGIN CERTIFICATE-----")
        client = EppClient(
            "localhost",
            sandbox.port,
            client_id="registrar1",
            password="secret-1",
            ca_file=sandbox.ca_file,
            timeout=5,
        )
        assert client.domain_check(["voorbeeld.com"])[0].available
        client.close()
    finally:
        sandbox.stop()


def test_the_command_line_serves_until_terminated(tmp_path):
    port, control_port = free_port(), free_port()
    certificate = tmp_path / "sandbox.pem"
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from hostwerk.sandbox.epp.server import main; main(sys.argv[1:])",
            "--port",
            str(port),
            "--control-port",
            str(control_port),
            "--write-certificate",
            str(certificate),
            "--resolver",
            "127.0.0.1:8053",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert f"EPP sandbox listening on 127.0.0.1:{port}" in line
        assert f"control API http://127.0.0.1:{control_port}" in line
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        client = EppClient(
            "127.0.0.1",
            port,
            client_id="admin",
            password="sandbox",
            ca_file=str(certificate),
            timeout=5,
        )
        assert client.domain_check(["voorbeeld.com"])[0].available
        client.close()
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
