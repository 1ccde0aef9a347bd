"""The SpamExperts simulator fixtures for the client tests."""

from tests.support.spamexperts import (  # noqa: F401
    spamexperts_client,
    spamexperts_sandbox,
    spamexperts_sandbox_session,
)
