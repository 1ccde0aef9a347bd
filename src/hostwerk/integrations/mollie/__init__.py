"""Mollie payments API v2: our typed client on httpx (see docs/adr/0007-mollie-client.md)."""

from hostwerk.integrations.mollie.client import (
    Amount,
    MollieClient,
    Payment,
    PaymentStatus,
    Refund,
    is_payment_id,
)
from hostwerk.integrations.mollie.errors import (
    MollieAuthError,
    MollieError,
    MollieNotFound,
    MollieUnavailable,
    MollieValidationError,
)

__all__ = [
    "Amount",
    "MollieAuthError",
    "MollieClient",
    "MollieError",
    "MollieNotFound",
    "MollieUnavailable",
    "MollieValidationError",
    "Payment",
    "PaymentStatus",
    "Refund",
    "is_payment_id",
]
