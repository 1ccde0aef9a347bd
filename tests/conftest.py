"""Shared pytest fixtures: personas, simulators, and the rule that a required integration is never skipped."""

import os

import pytest

REQUIRE_ALL = os.environ.get("HOSTWERK_REQUIRE_ALL") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip a test whose system dependency is missing; under HOSTWERK_REQUIRE_ALL=1 (CI) fail instead."""
    if REQUIRE_ALL:
        pytest.fail(f"HOSTWERK_REQUIRE_ALL=1 and {reason}", pytrace=False)
    pytest.skip(reason)
