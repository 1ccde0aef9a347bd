"""`hostwerk sandbox plesk ...`: main() parses its options and serves until SIGTERM."""

from __future__ import annotations

import re
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from hostwerk.integrations.plesk import (
    CustomerSpec,
    PleskClient,
    PleskObjectNotFound,
    PleskUnavailable,
    WebspaceSpec,
)

RUN_MAIN = "import sys; from hostwerk.sandbox.plesk.server import main; main(sys.argv[1:])"


def _first_line(process: subprocess.Popen[str], timeout: float = 15.0) -> str:
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if selector.select(timeout=0.1):
            return process.stdout.readline()
        if process.poll() is not None:
            break
    process.kill()
    raise AssertionError(
        f"the simulator did not start: {process.stderr.read() if process.stderr else ''}"
    )


@pytest.fixture
def cli_sandbox() -> Iterator[tuple[subprocess.Popen[str], str]]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            RUN_MAIN,
            "--port",
            "0",
            "--name",
            "plesk7",
            "--ip",
            "192.0.2.20",
            "--ip",
            "192.0.2.21",
            "--plan",
            "Gold",
            "--login",
            "root",
            "--password",
            "t0p-secret",
            "--tls",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield process, _first_line(process)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_main_serves_with_the_given_name_addresses_plans_and_credentials(cli_sandbox):
    process, banner = cli_sandbox
    match = re.match(
        r"Plesk sandbox plesk7 on (https://127\.0\.0\.1:\d+)/enterprise/control/agent\.php "
        r"\(login root; IPs 192\.0\.2\.20, 192\.0\.2\.21; plans Gold\)\n$",
        banner,
    )
    assert match, banner
    url = match.group(1)

    with PleskClient(
        url, login="root", password="t0p-secret", name="plesk7", verify_tls=False, timeout=5
    ) as client:
        assert client.server_info().hostname == "plesk7"
        customer = client.customer_add(
            CustomerSpec(login="stevelow", password="Jhtr66fBB", pname="Stephen Lowell")
        )
        webspace = client.webspace_add(
            WebspaceSpec(
                name="example.com",
                owner_id=customer.id,
                plan_name="Gold",
                ip_address="192.0.2.21",
                ftp_login="exampleuser",
                ftp_password="S3cret!pw",
            )
        )
        assert webspace.plan_name == "Gold"
        with pytest.raises(PleskObjectNotFound):
            client.webspace_switch_plan(id=webspace.id, plan_name="Default Domain")

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
    with (
        PleskClient(
            url, login="root", password="t0p-secret", verify_tls=False, timeout=2
        ) as client,
        pytest.raises(PleskUnavailable),
    ):
        client.server_info()


def test_main_refuses_unknown_options():
    result = subprocess.run(
        [sys.executable, "-c", RUN_MAIN, "--colour", "blue"],
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 2
    assert "unrecognized arguments: --colour blue" in result.stderr
