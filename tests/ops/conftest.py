"""Fixtures of the operations tests: the real PowerDNS, which the worker processes publish to
through the fault proxy."""

from __future__ import annotations

from tests.support.powerdns import (  # noqa: F401
    powerdns_client,
    powerdns_faults_session,
    powerdns_server,
)
