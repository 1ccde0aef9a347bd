"""Fixtures of the fault matrix: every simulator, the real PowerDNS behind its fault proxy."""

from __future__ import annotations

from tests.support.powerdns import (  # noqa: F401
    powerdns_client,
    powerdns_faults,
    powerdns_faults_session,
    powerdns_server,
)
from tests.support.spamexperts import (  # noqa: F401
    spamexperts_sandbox,
    spamexperts_sandbox_session,
)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    from tests.faults.test_fault_matrix import KINDS, MATRIX_SIZE

    ran = [
        report
        for report in terminalreporter.stats.get("passed", [])
        + terminalreporter.stats.get("failed", [])
        if "test_fault_then_retry" in report.nodeid
    ]
    if ran:
        terminalreporter.write_line(
            f"fault matrix: {MATRIX_SIZE} cells over {len(KINDS)} kinds; "
            f"{len(ran)} ran, {sum(r.passed for r in ran)} passed"
        )
