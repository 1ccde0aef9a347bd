"""Fixtures: one EPP simulator per module (TLS on a free port), reset before every test."""

from __future__ import annotations

import pytest

from tests.sandbox.epp.support import make_client, reset_sandbox, running_sandbox


@pytest.fixture(scope="module")
def _module_sandbox():
    with running_sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def sandbox(_module_sandbox):
    reset_sandbox(_module_sandbox)
    return _module_sandbox


@pytest.fixture
def admin(sandbox):
    client = make_client(sandbox, "admin")
    yield client
    client.close()


@pytest.fixture
def other(sandbox):
    client = make_client(sandbox, "other")
    yield client
    client.close()
