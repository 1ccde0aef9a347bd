"""Drift check fixtures: the real PowerDNS and the SpamExperts simulator."""

from __future__ import annotations

from tests.domains.conftest import powerdns_publishing  # noqa: F401

# Anna's world of the drift check, for the one-object checks as well.
from tests.drift.test_drift_check import world  # noqa: F401
from tests.support.powerdns import powerdns_client, powerdns_server  # noqa: F401
from tests.support.spamexperts import (  # noqa: F401
    spamexperts_sandbox,
    spamexperts_sandbox_session,
)
