"""Typed errors of the Mollie API v2, built from its JSON error body ({status, title, detail, field})."""

from __future__ import annotations

from hostwerk.core.errors import PermanentError, TransientError


class MollieError(PermanentError):
    """Mollie refused the request; `status` is the HTTP status, `field` the input it names."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        field: str = "",
        detail: str = "",
    ) -> None:
        super().__init__(message, code=status, detail=detail)
        self.status = status
        self.field = field


class MollieAuthError(MollieError):
    """The API key is missing, wrong, or for another mode (401)."""


class MollieNotFound(MollieError):
    """No such payment or refund (404, or 410 for a removed one)."""


class MollieValidationError(MollieError):
    """The request was understood but refused (422); `field` says which value, e.g. "amount.value"."""


class MollieUnavailable(TransientError):
    """Mollie could not be reached or answered 5xx/429; the same call may work later."""
