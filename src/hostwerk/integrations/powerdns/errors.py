"""Typed errors of the PowerDNS Authoritative HTTP API, split into what staff must fix and what to retry."""

from __future__ import annotations

from hostwerk.core.errors import PermanentError, TransientError


class PowerDnsError(PermanentError):
    """PowerDNS refused the request in a way a retry cannot fix."""


class PowerDnsAuthError(PowerDnsError):
    """The API key is wrong (HTTP 401/403)."""


class PowerDnsZoneNotFound(PowerDnsError):
    """PowerDNS has no such zone (HTTP 404)."""


class PowerDnsZoneExists(PowerDnsError):
    """Creating a zone PowerDNS already has (HTTP 409)."""


class PowerDnsValidationError(PowerDnsError):
    """PowerDNS refused the content (HTTP 422).

    `message` is PowerDNS's own text, e.g. "Record x.example.nl./A '999.1.1.1': Parsing record
    content (try 'pdnsutil check-zone'): unable to parse IP address"; `errors` holds the extra
    lines PowerDNS sometimes sends.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str | int | None = 422,
        detail: str = "",
        errors: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message, code=code, detail=detail)
        self.errors = errors


class PowerDnsUnavailable(TransientError):
    """PowerDNS could not be reached, or kept failing with HTTP 500 (e.g. its SQLite database was
    locked) after the client's own retries; try again later."""
