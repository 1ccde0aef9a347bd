"""Plesk simulators for tests: plesk1 and plesk2 (group "Plesk") and the forwarding server.

The simulators run for the whole session on free loopback ports; `plesk_servers` resets them
and creates matching Server records for one test.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from hostwerk.provisioning.models import Server, ServerGroup
from hostwerk.sandbox.plesk.server import PleskSandbox, start

SIMULATORS = {
    "plesk1": ("plesk", ("192.0.2.11", "192.0.2.12"), "Plesk"),
    "plesk2": ("plesk", ("192.0.2.21", "192.0.2.22"), "Plesk"),
    "movealong": ("forwarding", ("80.247.175.4",), "Forwarding"),
}
PLANS = ("Default Domain", "Unlimited", "Forwarding")


@dataclass
class PleskWorld:
    sandboxes: dict[str, PleskSandbox]
    servers: dict[str, Server]

    def state(self, name: str):
        return self.sandboxes[name].state

    def fail_next(
        self,
        server: str,
        operation: str,
        *,
        mode: str = "error",
        count: int = 1,
        code: int | None = None,
        text: str = "",
    ) -> None:
        from hostwerk.sandbox.faults import Fault

        self.state(server).faults.add(
            Fault(operation=operation, mode=mode, count=count, code=code, text=text)
        )


@pytest.fixture(scope="session")
def plesk_sandboxes():
    sandboxes = {
        name: start(name=name, ips=ips, plans=PLANS) for name, (_, ips, _) in SIMULATORS.items()
    }
    yield sandboxes
    for sandbox in sandboxes.values():
        sandbox.stop()


@pytest.fixture
def plesk_servers(db, plesk_sandboxes) -> PleskWorld:
    servers = {}
    for name, (kind, ips, group_name) in SIMULATORS.items():
        plesk_sandboxes[name].state.reset()
        group, _ = ServerGroup.objects.get_or_create(name=group_name)
        servers[name] = Server.objects.create(
            name=name,
            kind=kind,
            group=group,
            hostname=f"{name}.hostwerk.test" if kind == "plesk" else "movealong.movenext.nl",
            api_url=plesk_sandboxes[name].url,
            username="admin",
            password="sandbox",
            verify_tls=False,
            web_ip=ips[0],
            mail_ip=ips[-1],
        )
    ServerGroup.objects.filter(name="Plesk").update(default_server=servers["plesk1"])
    ServerGroup.objects.filter(name="Forwarding").update(default_server=servers["movealong"])
    for server in servers.values():
        server.refresh_from_db()
    return PleskWorld(sandboxes=plesk_sandboxes, servers=servers)
