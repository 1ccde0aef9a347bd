"""SpamExperts (N-able Mail Assure) control-panel API: typed client and errors, no Django."""

from hostwerk.integrations.spamexperts.client import SpamExpertsClient, parse_route
from hostwerk.integrations.spamexperts.errors import (
    SpamExpertsAuthError,
    SpamExpertsDomainExists,
    SpamExpertsDomainNotFound,
    SpamExpertsError,
    SpamExpertsInvalidDestination,
    SpamExpertsLimitReached,
    SpamExpertsNotOwner,
    SpamExpertsUnavailable,
)

__all__ = [
    "SpamExpertsAuthError",
    "SpamExpertsClient",
    "SpamExpertsDomainExists",
    "SpamExpertsDomainNotFound",
    "SpamExpertsError",
    "SpamExpertsInvalidDestination",
    "SpamExpertsLimitReached",
    "SpamExpertsNotOwner",
    "SpamExpertsUnavailable",
    "parse_route",
]
