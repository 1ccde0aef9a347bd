"""A Plesk simulator per test, a client logged in to it, and a customer with a webspace."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from hostwerk.integrations.plesk import (
    Customer,
    CustomerSpec,
    PleskClient,
    Webspace,
    WebspaceSpec,
)
from hostwerk.sandbox.plesk.server import PleskSandbox, start


@pytest.fixture(scope="session")
def plesk_session() -> Iterator[PleskSandbox]:
    sandbox = start(name="plesk1", ips=("192.0.2.10", "192.0.2.11"))
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
def plesk_client(plesk: PleskSandbox) -> Iterator[PleskClient]:
    client = PleskClient(plesk.url, login="admin", password="sandbox", name="plesk1", timeout=5)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def make_client(plesk: PleskSandbox) -> Iterator[Callable[..., PleskClient]]:
    """Build more clients (other credentials, timeouts, addresses); all closed at the end."""
    clients: list[PleskClient] = []

    def make(url: str | None = None, **options: Any) -> PleskClient:
        options.setdefault("name", "plesk1")
        options.setdefault("timeout", 5)
        if "secret_key" not in options:
            options.setdefault("login", "admin")
            options.setdefault("password", "sandbox")
        client = PleskClient(url or plesk.url, **options)
        clients.append(client)
        return client

    try:
        yield make
    finally:
        for client in clients:
            client.close()


@pytest.fixture
def customer(plesk_client: PleskClient) -> Customer:
    """Stephen Lowell of LogicSoft, the customer from Plesk's own sample packet."""
    return plesk_client.customer_add(
        CustomerSpec(
            login="stevelow",
            password="Jhtr66fBB",
            pname="Stephen Lowell",
            cname="LogicSoft Ltd.",
            email="host@logicsoft.example",
            phone="+31.201234567",
            address="Brisbane Road 105",
            city="Toronto",
            pcode="1234AB",
            country="CA",
            external_id="hostwerk-client-7",
        )
    )


@pytest.fixture
def webspace(plesk_client: PleskClient, customer: Customer) -> Webspace:
    return plesk_client.webspace_add(
        WebspaceSpec(
            name="example.com",
            owner_id=customer.id,
            plan_name="Default Domain",
            ip_address="192.0.2.10",
            ftp_login="exampleuser",
            ftp_password="S3cret!pw",
        )
    )
