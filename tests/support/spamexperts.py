"""Fixtures: a SpamExperts simulator per test, and a client logged in to it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from hostwerk.integrations.spamexperts import SpamExpertsClient
from hostwerk.sandbox.spamexperts.server import SpamExpertsSandbox, start


@pytest.fixture(scope="session")
def spamexperts_sandbox_session() -> Iterator[SpamExpertsSandbox]:
    sandbox = start()
    try:
        yield sandbox
    finally:
        sandbox.stop()


@pytest.fixture
def spamexperts_sandbox(
    spamexperts_sandbox_session: SpamExpertsSandbox,
) -> SpamExpertsSandbox:
    """The session's simulator, emptied: no domains, no faults, automatic confirmation."""
    spamexperts_sandbox_session.state.reset()
    return spamexperts_sandbox_session


@pytest.fixture
def spamexperts_client(spamexperts_sandbox: SpamExpertsSandbox) -> Iterator[SpamExpertsClient]:
    client = SpamExpertsClient(
        spamexperts_sandbox.url, username="admin", password="sandbox", timeout=5.0
    )
    try:
        yield client
    finally:
        client.close()


def arm_fault(sandbox: SpamExpertsSandbox, **fault: object) -> None:
    """Arm a fault through the control endpoint, the way the demo and other processes do."""
    response = httpx.post(f"{sandbox.url}/_sandbox/faults", json=fault, timeout=5)
    assert response.status_code == 201, response.text
