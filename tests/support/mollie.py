"""Fixtures: a Mollie simulator per test session (emptied per test), a client for it, Hostwerk
configured to use it, and the tester's control endpoint."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from hostwerk.integrations.mollie import MollieClient
from hostwerk.sandbox.mollie.server import MollieSandbox, start

# A port nothing listens on: webhooks of tests without a live server go nowhere, quickly.
CLOSED_URL = "http://127.0.0.1:9"


@pytest.fixture(scope="session")
def mollie_sandbox_session() -> Iterator[MollieSandbox]:
    sandbox = start()
    try:
        yield sandbox
    finally:
        sandbox.stop()


@pytest.fixture
def mollie_sandbox(mollie_sandbox_session: MollieSandbox) -> MollieSandbox:
    """The session's simulator, emptied, with quick webhook retries."""
    mollie_sandbox_session.state.reset()
    mollie_sandbox_session.state.webhook_retry_delay = 0.02
    return mollie_sandbox_session


@pytest.fixture
def mollie_client(mollie_sandbox: MollieSandbox) -> Iterator[MollieClient]:
    client = MollieClient(mollie_sandbox.url, api_key=mollie_sandbox.api_key, timeout=5.0)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def mollie_settings(settings, mollie_sandbox: MollieSandbox) -> MollieSandbox:
    """Hostwerk pointed at the simulator; webhooks go to a closed port (no live server)."""
    settings.HOSTWERK_MOLLIE_API_URL = mollie_sandbox.url
    settings.HOSTWERK_MOLLIE_API_KEY = mollie_sandbox.api_key
    settings.HOSTWERK_MOLLIE_TIMEOUT = 5
    settings.HOSTWERK_PUBLIC_URL = CLOSED_URL
    mollie_sandbox.state.webhook_attempts = 1
    return mollie_sandbox


@pytest.fixture
def mollie_live(settings, mollie_settings: MollieSandbox, live_server) -> MollieSandbox:
    """Hostwerk served on a real socket, so the simulator's webhook reaches it."""
    settings.HOSTWERK_PUBLIC_URL = live_server.url
    mollie_settings.state.webhook_attempts = 5
    return mollie_settings


def control(sandbox: MollieSandbox, payment_id: str, **body: object) -> dict:
    """Set a payment's status through the control endpoint; the webhook calls are made before
    it answers. Returns the simulator's report (payment and every delivery attempt)."""
    response = httpx.post(f"{sandbox.url}/_sandbox/payments/{payment_id}", json=body, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def arm_fault(sandbox: MollieSandbox, **fault: object) -> None:
    response = httpx.post(f"{sandbox.url}/_sandbox/faults", json=fault, timeout=5)
    assert response.status_code == 201, response.text
