"""The EPP registry simulator for the test session, and the registrar record pointing at it.

`epp_sandbox` runs once per session (TLS on a free loopback port, with its control API);
`epp_registry` resets it for one test and points the catalogue's registrar ("Sandbox registry",
used by the `tlds` fixture) at it, certificate checked against the simulator's own CA.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache

from hostwerk.domains.models import Registrar
from hostwerk.sandbox.epp.server import EppSandbox, start
from hostwerk.sandbox.faults import Fault
from tests.sandbox.epp.support import control, reset_sandbox


@dataclass
class EppWorld:
    sandbox: EppSandbox
    registrar: Registrar

    @property
    def state(self):
        return self.sandbox.state

    def fail_next(
        self,
        operation: str,
        *,
        mode: str = "error",
        count: int = 1,
        code: int | None = None,
        text: str = "",
    ) -> None:
        self.state.faults.add(
            Fault(operation=operation, mode=mode, count=count, code=code, text=text)
        )

    def control(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        return control(self.sandbox, method, f"/_sandbox{path}", body)

    def seed_domain(self, name: str, **fields: Any) -> dict[str, Any]:
        status, body = self.control("POST", "/domains", {"name": name, **fields})
        assert status == 201, body
        return body

    def domain_names(self) -> list[str]:
        with self.state.lock:
            return sorted(self.state.domains)

    def contact_ids(self, account: str = "admin") -> list[str]:
        with self.state.lock:
            return sorted(c.id for c in self.state.contacts.values() if c.sponsor == account)

    @contextmanager
    def no_commands(self) -> Iterator[None]:
        """Assert the registry receives no command (not even a login) inside the block.

        A tripwire fault matches every operation; if it is still armed afterwards, nothing
        reached the registry.
        """
        self.state.faults.add(Fault(operation="*", mode="error", code=2400, text="tripwire"))
        yield
        pending = self.state.faults.pending()
        self.state.faults.clear()
        assert [fault["text"] for fault in pending] == ["tripwire"], "the registry saw a command"


@pytest.fixture(scope="session")
def epp_sandbox() -> Iterator[EppSandbox]:
    sandbox = start(port=0, control_port=0)
    try:
        yield sandbox
    finally:
        sandbox.stop()


@pytest.fixture
def epp_registry(db, epp_sandbox, registrar) -> EppWorld:
    """An empty simulated registry; the catalogue's registrar logs in to it as "admin"."""
    reset_sandbox(epp_sandbox)
    cache.clear()  # availability answers of earlier tests
    registrar.host = epp_sandbox.host
    registrar.port = epp_sandbox.port
    registrar.username = "admin"
    registrar.password = "sandbox"
    registrar.verify_tls = True
    registrar.settings = {"ca_file": epp_sandbox.ca_file, "timeout": 5}
    registrar.save()
    return EppWorld(sandbox=epp_sandbox, registrar=registrar)
