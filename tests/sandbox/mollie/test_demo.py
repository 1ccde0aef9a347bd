"""`./dev demo` starts the Mollie simulator and points the web server and workers at it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from decimal import Decimal

from hostwerk.demo.management.commands.demo import Command
from hostwerk.integrations.mollie import Amount, MollieClient
from hostwerk.sandbox import powerdns
from hostwerk.sandbox.mollie.state import SANDBOX_API_KEY


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_demo_runs_the_simulator_and_configures_hostwerk_for_it(monkeypatch):
    monkeypatch.setenv("HOSTWERK_DEMO_MOLLIE_PORT", "18905")
    monkeypatch.setenv("HOSTWERK_DEMO_PORT", "18000")
    # Without PowerDNS: its set-up would write a configuration under var/.
    monkeypatch.setattr(powerdns, "powerdns_available", lambda: False)
    children = {child.name: child for child in Command().children()}
    assert children["mollie"].port == 18905
    assert children["mollie"].argv[-4:] == ["sandbox", "mollie", "--port", "18905"]
    for name in ("web", "worker", "cron"):
        env = children[name].env
        assert env["HOSTWERK_MOLLIE_API_URL"] == "http://127.0.0.1:18905"
        assert env["HOSTWERK_MOLLIE_API_KEY"] == SANDBOX_API_KEY
        assert env["HOSTWERK_PUBLIC_URL"] == "http://127.0.0.1:18000"


def test_sandbox_command_serves_the_mollie_api():
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "hostwerk.cli", "sandbox", "mollie", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        with MollieClient(f"http://127.0.0.1:{port}", api_key=SANDBOX_API_KEY, timeout=5) as client:
            payment = client.payment_create(
                amount=Amount(Decimal("9.95")),
                description="demo",
                redirect_url="http://127.0.0.1:9/",
            )
        assert payment.status == "open"
    finally:
        process.terminate()
        process.wait(timeout=10)
