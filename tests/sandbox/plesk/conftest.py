"""A Plesk simulator, a raw packet sender and a client for the simulator's own tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from lxml import etree

from hostwerk.core.xml import parse_xml
from hostwerk.integrations.plesk import PleskClient
from hostwerk.sandbox.plesk.server import PleskSandbox, start

ADMIN_HEADERS = {
    "HTTP_AUTH_LOGIN": "admin",
    "HTTP_AUTH_PASSWD": "sandbox",
    "Content-Type": "text/xml",
}

Post = Callable[..., etree._Element]


@pytest.fixture(scope="session")
def plesk_session() -> Iterator[PleskSandbox]:
    sandbox = start(name="plesk1", ips=("192.0.2.10", "192.0.2.11"), plans=("Basic", "Pro"))
    try:
        yield sandbox
    finally:
        sandbox.stop()


@pytest.fixture
def plesk(plesk_session: PleskSandbox) -> PleskSandbox:
    """The session's simulator, emptied: no customers, no faults; ids start again."""
    plesk_session.state.reset()
    return plesk_session


@pytest.fixture
def http(plesk: PleskSandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=plesk.url, timeout=5, trust_env=False) as client:
        yield client


@pytest.fixture
def post(http: httpx.Client) -> Post:
    """Send a packet (text) to agent.php and return the answer's <packet>; HTTP must be 200."""

    def send(packet: str, headers: dict[str, str] | None = None) -> etree._Element:
        response = http.post(
            "/enterprise/control/agent.php",
            content=packet.encode(),
            headers=ADMIN_HEADERS if headers is None else headers,
        )
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/xml; charset=UTF-8"
        return parse_xml(response.content)

    return send


@pytest.fixture
def plesk_client(plesk: PleskSandbox) -> Iterator[PleskClient]:
    client = PleskClient(plesk.url, login="admin", password="sandbox", name="plesk1", timeout=5)
    try:
        yield client
    finally:
        client.close()
