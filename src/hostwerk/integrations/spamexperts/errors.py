"""Typed errors of the SpamExperts control-panel API, classified from the provider's own messages."""

from __future__ import annotations

from hostwerk.core.errors import PermanentError, TransientError


class SpamExpertsError(PermanentError):
    """The panel refused the call.

    `message` is the provider's own text (its error lines joined), `messages` the separate lines,
    `code` the reason name the official add-ons use (e.g. "DOMAIN_EXISTS").
    """

    def __init__(
        self,
        message: str,
        *,
        code: str | int | None = None,
        detail: str = "",
        messages: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message, code=code, detail=detail)
        self.messages = messages or (message,)


class SpamExpertsAuthError(SpamExpertsError):
    """Wrong API credentials, an inactive or API-less account, or an address the panel refuses."""


class SpamExpertsDomainExists(SpamExpertsError):
    """The domain is already in the filter (for a domain Hostwerk requested: adopt it)."""


class SpamExpertsNotOwner(SpamExpertsError):
    """The domain is in the filter but belongs to another account; it cannot be adopted."""


class SpamExpertsDomainNotFound(SpamExpertsError):
    """The domain is not in the filter."""


class SpamExpertsLimitReached(SpamExpertsError):
    """The account has reached its domain limit."""


class SpamExpertsInvalidDestination(SpamExpertsError):
    """A delivery route was refused, e.g. because it points at the filter itself."""


class SpamExpertsUnavailable(TransientError):
    """The panel could not be reached or gave no usable answer; try again later."""


# Substrings of the panel's error lines, most specific first, with the exception and the reason
# name the official add-ons use for them. The panel has no error codes, only these texts.
ERROR_PATTERNS: tuple[tuple[str, type[SpamExpertsError], str], ...] = (
    ("supplied credential is invalid", SpamExpertsAuthError, "INVALID_API_CREDENTIALS"),
    ("has status 'inactive'", SpamExpertsAuthError, "API_USER_INACTIVE"),
    ("you don't have permissions to access the api", SpamExpertsAuthError, "API_ACCESS_DISABLED"),
    ("no access to this api", SpamExpertsAuthError, "API_IP_ACCESS_ERROR"),
    ("no permissions", SpamExpertsAuthError, "NO_PERMISSION"),
    ("you is not owner", SpamExpertsNotOwner, "ALREADYEXISTS_NOT_OWNER"),
    ("does not belong to", SpamExpertsNotOwner, "ALREADYEXISTS_NOT_OWNER"),
    ("not the owner of", SpamExpertsNotOwner, "ALREADYEXISTS_NOT_OWNER"),
    ("already exists", SpamExpertsDomainExists, "DOMAIN_EXISTS"),
    ("present in the filtering software", SpamExpertsDomainExists, "DOMAIN_EXISTS"),
    ("no such domain", SpamExpertsDomainNotFound, "NO_SUCH_DOMAIN"),
    ("is not registered on", SpamExpertsDomainNotFound, "DOMAIN_NOT_EXISTS"),
    ("reached the allowed limit", SpamExpertsLimitReached, "DOMAIN_LIMIT_REACHED"),
    ("cannot be a destination", SpamExpertsInvalidDestination, "WRONG_DESTINATION_GIVEN"),
    ("incorrect usage of api", SpamExpertsError, "API_CORE_ERROR"),
)


def error_from_messages(messages: list[str], *, detail: str = "") -> SpamExpertsError:
    """Build the most specific exception for the panel's error lines."""
    lines = tuple(line.strip() for line in messages if line.strip()) or ("Unknown error.",)
    text = " ".join(lines)
    lowered = [line.lower() for line in lines]
    for needle, error_class, reason in ERROR_PATTERNS:
        if any(needle in line for line in lowered):
            return error_class(text, code=reason, detail=detail, messages=lines)
    return SpamExpertsError(text, code="API_UNHANDLED_ERROR", detail=detail, messages=lines)
