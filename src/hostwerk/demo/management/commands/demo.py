"""`hostwerk demo`: migrate, load demo data, start simulators, worker and web server; stop on Ctrl-C."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from hostwerk.demo import setup as demo_setup
from hostwerk.sandbox import powerdns as powerdns_runner


@dataclass
class Child:
    name: str
    argv: list[str]
    port: int | None = None
    process: subprocess.Popen | None = None
    log: Path | None = None
    extra: dict = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)  # added to this process's environment


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _wait_for_port(port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.2)
    return False


def hostwerk_command(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "hostwerk.cli", *arguments]


class Command(BaseCommand):
    help = "Run the whole system on this machine with simulators (stop with Ctrl-C)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The demo is refused under production settings.")
        children = self.children()
        busy = [
            child
            for child in children
            if any(
                port and not _port_free(port) for port in (child.port, child.extra.get("dns_port"))
            )
        ]
        if busy:
            names = ", ".join(f"{child.name} (port {child.port})" for child in busy)
            raise CommandError(
                f"These ports are taken: {names}. Stop what uses them, or choose other ports "
                "with the HOSTWERK_DEMO_*_PORT variables (see README)."
            )
        demo_setup.demo_seller_apply()  # before any child starts: they inherit it
        self.stdout.write("== migrating the database")
        call_command("migrate", interactive=False, verbosity=0)
        logins = demo_setup.load_demo_data()

        log_dir = settings.VAR_DIR / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            for child in children:
                child.log = log_dir / f"{child.name}.log"
                handle = child.log.open("ab")
                child.process = subprocess.Popen(
                    child.argv,
                    stdout=handle,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    env={**os.environ, **child.env} if child.env else None,
                )
                if child.port and not _wait_for_port(child.port, 30):
                    raise CommandError(f"{child.name} did not start; see {child.log}")
                self.stdout.write(
                    f"   started {child.name}"
                    + (f" on 127.0.0.1:{child.port}" if child.port else "")
                )
                if child.name == "powerdns":
                    self.publish_zones_to_powerdns(child)
                if child.name == "epp-registry":
                    demo_setup.demo_registry_seed()
            demo_setup.demo_provision()
            demo_setup.demo_unpaid_invoice()
            self.print_welcome(logins, log_dir)
            while not stopping:
                for child in children:
                    if child.process and child.process.poll() is not None:
                        raise CommandError(
                            f"{child.name} stopped unexpectedly (exit {child.process.returncode}); see {child.log}"
                        )
                time.sleep(0.5)
        finally:
            self.stdout.write("\n== stopping")
            for child in reversed(children):
                if child.process and child.process.poll() is None:
                    child.process.terminate()
            for child in reversed(children):
                if child.process:
                    try:
                        child.process.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        child.process.kill()
            self.stdout.write("   all stopped")

    def children(self) -> list[Child]:
        children = []
        # PowerDNS first: the worker and the web server publish zones to it, and the EPP
        # simulator's .de name-server check asks it.
        dns = self.powerdns_child()
        dns_env = dns.extra["publisher_env"] if dns else {}
        if dns:
            children.append(dns)
        for server in demo_setup.demo_plesk_servers():
            children.append(
                Child(
                    name=f"plesk-{server.name}",
                    port=server.port,
                    argv=hostwerk_command(
                        "sandbox",
                        "plesk",
                        "--port",
                        str(server.port),
                        "--name",
                        server.name,
                        "--ip",
                        server.web_ip,
                        "--ip",
                        server.mail_ip,
                        "--login",
                        demo_setup.SANDBOX_LOGIN,
                        "--password",
                        demo_setup.SANDBOX_PASSWORD,
                        *[arg for plan in demo_setup.DEMO_PLANS for arg in ("--plan", plan)],
                    ),
                )
            )
        children.append(
            Child(
                name="epp-registry",
                port=demo_setup.demo_epp_port(),
                argv=hostwerk_command(
                    "sandbox",
                    "epp",
                    "--port",
                    str(demo_setup.demo_epp_port()),
                    "--control-port",
                    str(demo_setup.demo_epp_control_port()),
                    *(["--resolver", f"127.0.0.1:{dns.extra['dns_port']}"] if dns else []),
                ),
            )
        )
        children.append(
            Child(
                name="spamexperts",
                port=demo_setup.demo_spamexperts_port(),
                argv=hostwerk_command(
                    "sandbox",
                    "spamexperts",
                    "--port",
                    str(demo_setup.demo_spamexperts_port()),
                ),
            )
        )
        children.append(
            Child(
                name="mollie",
                port=demo_setup.demo_mollie_port(),
                argv=hostwerk_command(
                    "sandbox", "mollie", "--port", str(demo_setup.demo_mollie_port())
                ),
            )
        )
        # iDEAL through the simulator: its checkout page sends the browser back to the demo.
        app_env = {**dns_env, **demo_setup.demo_mollie_env()}
        children.append(Child(name="worker", argv=hostwerk_command("worker"), env=app_env))
        # Scheduled work (provider checks, domain sync, republishing) as cron would enqueue it.
        children.append(
            Child(name="cron", argv=hostwerk_command("cron", "--loop", "60"), env=app_env)
        )
        children.append(
            Child(
                name="web",
                port=demo_setup.demo_web_port(),
                argv=hostwerk_command(
                    "runserver", f"127.0.0.1:{demo_setup.demo_web_port()}", "--noreload"
                ),
                env=app_env,
            )
        )
        return children

    def powerdns_child(self) -> Child | None:
        """The real PowerDNS when it is installed (data under $HOSTWERK_VAR_DIR/powerdns)."""
        if not powerdns_runner.powerdns_available():
            self.stdout.write(
                "   PowerDNS is not installed ("
                + ", ".join(powerdns_runner.missing_parts())
                + "): "
                "zones stay in the database only."
            )
            return None
        dns_port = int(os.environ.get("HOSTWERK_DEMO_DNS_PORT", 8053))
        api_port = int(os.environ.get("HOSTWERK_DEMO_DNS_API_PORT", 8081))
        api_key = secrets.token_urlsafe(24)
        argv = powerdns_runner.prepare(
            settings.VAR_DIR / "powerdns", dns_port=dns_port, api_port=api_port, api_key=api_key
        )
        publisher_env = {
            "HOSTWERK_DNS_PUBLISHER": "powerdns",
            "HOSTWERK_POWERDNS_API_URL": f"http://127.0.0.1:{api_port}",
            "HOSTWERK_POWERDNS_API_KEY": api_key,
        }
        return Child(
            name="powerdns",
            argv=argv,
            port=api_port,
            extra={"dns_port": dns_port, "publisher_env": publisher_env},
        )

    def publish_zones_to_powerdns(self, child: Child) -> None:
        """Publish from this process too (demo data), and queue every zone for the new server."""
        from hostwerk.core.audit import Actor
        from hostwerk.dns.actions import zone_publish_all

        for name, value in child.extra["publisher_env"].items():
            setattr(settings, name, value)
        queued = zone_publish_all(actor=Actor.system(via="command"))
        self.stdout.write(
            f"   DNS on 127.0.0.1:{child.extra['dns_port']} (UDP and TCP); "
            f"{queued} zone(s) queued for publishing"
        )

    def print_welcome(self, logins: demo_setup.DemoLogins, log_dir: Path) -> None:
        port = demo_setup.demo_web_port()
        self.stdout.write(
            self.style.SUCCESS(
                f"""
Hostwerk is running at http://127.0.0.1:{port}/

  Client area  http://127.0.0.1:{port}/         {logins.client_email}   password: {logins.client_password}
  Staff area   http://127.0.0.1:{port}/staff/   {logins.staff_email}    password: {logins.staff_password}
  API docs     http://127.0.0.1:{port}/api/v1/docs   staff token: {logins.staff_token}
  iDEAL        Mollie simulator on http://127.0.0.1:{demo_setup.demo_mollie_port()} ("Pay now" on an unpaid invoice)

Logs are in {log_dir}; e-mail is written to {settings.EMAIL_FILE_PATH}.
Press Ctrl-C to stop everything.
"""
            )
        )
