"""The Mollie simulator's memory: payments, refunds, idempotency keys, faults and the webhook log.

Validation follows Mollie's rules and texts for the fields Hostwerk sends; an error is a
`MollieProblem` (HTTP status, title, detail, field), rendered as Mollie's JSON error body.
"""

from __future__ import annotations

import datetime
import json
import re
import secrets
import string
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from hostwerk.sandbox.faults import FaultPlan

SANDBOX_API_KEY = "test_sandbox"
# An iDEAL payment stays open this long before Mollie expires it.
OPEN_MINUTES = 15
AMOUNT_VALUE = re.compile(r"^\d{1,10}\.\d{2}$")
CURRENCIES = frozenset({"EUR", "GBP", "USD", "CHF", "DKK", "NOK", "PLN", "SEK"})
METHODS = frozenset(
    {"ideal", "creditcard", "bancontact", "banktransfer", "directdebit", "paypal", "applepay"}
)
# Where a payment may go from each status (open/pending only; the others are final).
TRANSITIONS = {
    "open": {"pending", "paid", "failed", "canceled", "expired"},
    "pending": {"paid", "failed", "canceled", "expired"},
}
STATUSES = ("open", "pending", "paid", "failed", "canceled", "expired")
OUTCOMES = ("paid", "failed", "canceled", "expired")
TITLES = {
    400: "Bad Request",
    401: "Unauthorized Request",
    404: "Not Found",
    422: "Unprocessable Entity",
    500: "Internal Server Error",
}


class MollieProblem(Exception):
    """An API error in Mollie's shape."""

    def __init__(self, status: int, detail: str, *, field: str = "") -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.field = field

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "status": self.status,
            "title": TITLES.get(self.status, "Error"),
            "detail": self.detail,
        }
        if self.field:
            body["field"] = self.field
        return body


def _token(prefix: str) -> str:
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(10))


def _iso(moment: datetime.datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


@dataclass
class SimRefund:
    id: str
    payment_id: str
    value: Decimal
    currency: str
    description: str
    metadata: Any
    status: str
    created_at: datetime.datetime

    def to_json(self, base_url: str) -> dict[str, Any]:
        return {
            "resource": "refund",
            "id": self.id,
            "amount": {"currency": self.currency, "value": f"{self.value:.2f}"},
            "status": self.status,
            "createdAt": _iso(self.created_at),
            "description": self.description,
            "metadata": self.metadata,
            "paymentId": self.payment_id,
            "_links": {
                "self": {
                    "href": f"{base_url}/v2/payments/{self.payment_id}/refunds/{self.id}",
                    "type": "application/hal+json",
                },
                "payment": {
                    "href": f"{base_url}/v2/payments/{self.payment_id}",
                    "type": "application/hal+json",
                },
            },
        }


@dataclass
class SimPayment:
    id: str
    value: Decimal
    currency: str
    description: str
    redirect_url: str
    webhook_url: str
    metadata: Any
    method: str | None
    created_at: datetime.datetime
    expires_at: datetime.datetime
    status: str = "open"
    status_changed_at: dict[str, datetime.datetime] = field(default_factory=dict)
    refunds: list[SimRefund] = field(default_factory=list)
    # Every status change the control endpoint or checkout made: (sequence, status).
    notifications: list[tuple[int, str]] = field(default_factory=list)

    @property
    def refunded(self) -> Decimal:
        return sum(
            (
                refund.value
                for refund in self.refunds
                if refund.status not in ("failed", "canceled")
            ),
            Decimal("0.00"),
        )

    def to_json(self, base_url: str) -> dict[str, Any]:
        data: dict[str, Any] = {
            "resource": "payment",
            "id": self.id,
            "mode": "test",
            "createdAt": _iso(self.created_at),
            "amount": {"currency": self.currency, "value": f"{self.value:.2f}"},
            "description": self.description,
            "method": self.method or ("ideal" if self.status == "paid" else None),
            "metadata": self.metadata,
            "status": self.status,
            "isCancelable": False,
            "sequenceType": "oneoff",
            "redirectUrl": self.redirect_url,
            "webhookUrl": self.webhook_url or None,
            "profileId": "pfl_sandbox",
            "_links": {
                "self": {
                    "href": f"{base_url}/v2/payments/{self.id}",
                    "type": "application/hal+json",
                }
            },
        }
        if self.status in ("open", "pending"):
            data["expiresAt"] = _iso(self.expires_at)
        if self.status == "open":
            data["_links"]["checkout"] = {
                "href": f"{base_url}/checkout/{self.id}",
                "type": "text/html",
            }
        for status, key in (
            ("paid", "paidAt"),
            ("failed", "failedAt"),
            ("canceled", "canceledAt"),
            ("expired", "expiredAt"),
        ):
            if status in self.status_changed_at:
                data[key] = _iso(self.status_changed_at[status])
        if self.status == "paid":
            refunded = self.refunded
            data["amountRefunded"] = {"currency": self.currency, "value": f"{refunded:.2f}"}
            data["amountRemaining"] = {
                "currency": self.currency,
                "value": f"{self.value - refunded:.2f}",
            }
            data["details"] = {
                "consumerName": "T. TEST",
                "consumerAccount": "NL91ABNA0417164300",
                "consumerBic": "ABNANL2A",
            }
            if self.refunds:
                data["_links"]["refunds"] = {
                    "href": f"{base_url}/v2/payments/{self.id}/refunds",
                    "type": "application/hal+json",
                }
        return data


def _amount(body: dict[str, Any], *, minimum: Decimal = Decimal("0.01")) -> tuple[Decimal, str]:
    amount = body.get("amount")
    if amount is None:
        raise MollieProblem(422, "The amount is required.", field="amount")
    if not isinstance(amount, dict):
        raise MollieProblem(422, "The amount is invalid.", field="amount")
    currency = amount.get("currency")
    if not isinstance(currency, str) or currency not in CURRENCIES:
        raise MollieProblem(422, "The amount currency is invalid.", field="amount.currency")
    value = amount.get("value")
    # Mollie wants a string with exactly two decimals ("10.00"), never a number.
    if not isinstance(value, str) or not AMOUNT_VALUE.match(value):
        raise MollieProblem(422, "The amount contains an invalid value.", field="amount.value")
    decimal_value = Decimal(value)
    if decimal_value < minimum:
        raise MollieProblem(422, "The amount is lower than minimum.", field="amount")
    return decimal_value, currency


def _url(body: dict[str, Any], name: str, label: str, *, required: bool) -> str:
    value = body.get(name)
    if value in (None, ""):
        if required:
            raise MollieProblem(422, f"The {label} is required.", field=name)
        return ""
    parts = urlsplit(str(value)) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise MollieProblem(422, f"The {label} is invalid.", field=name)
    return str(value)


@dataclass
class Delivery:
    """One webhook call the simulator made (or tried)."""

    payment_id: str
    sequence: int
    status: str  # the status whose notification this was
    attempt: int
    http_status: int | None  # None: no answer (connection refused, timeout)
    error: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "payment_id": self.payment_id,
            "notification": self.sequence,
            "notified_status": self.status,
            "attempt": self.attempt,
            "http_status": self.http_status,
            "error": self.error,
        }


class MollieState:
    """Everything the simulator holds; one lock guards it (the handler threads share it)."""

    def __init__(self, *, api_key: str = SANDBOX_API_KEY) -> None:
        self.api_key = api_key
        self.lock = threading.RLock()
        self.faults = FaultPlan()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.payments: dict[str, SimPayment] = {}
            self.idempotent: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
            self.calls: list[dict[str, Any]] = []
            self.deliveries: list[Delivery] = []
            self.sequence = 0
            # Webhook retries: how often, and how long to wait between tries (Mollie waits
            # minutes to hours; the simulator compresses that).
            self.webhook_attempts = 5
            self.webhook_retry_delay = 0.1
            self.webhook_timeout = 10.0
            self.faults.clear()

    def record_call(self, operation: str, **data: Any) -> None:
        with self.lock:
            self.calls.append({"operation": operation, **data})

    def snapshot(self, base_url: str) -> dict[str, Any]:
        with self.lock:
            return {
                "payments": [payment.to_json(base_url) for payment in self.payments.values()],
                "deliveries": [delivery.to_json() for delivery in self.deliveries],
                "calls": list(self.calls),
                "faults": self.faults.pending(),
            }

    # The API.

    def payment_create(self, body: Any) -> SimPayment:
        if not isinstance(body, dict):
            raise MollieProblem(400, "The request body is not a JSON object.")
        value, currency = _amount(body)
        description = body.get("description")
        if not isinstance(description, str) or not description.strip():
            raise MollieProblem(422, "The description is required.", field="description")
        if len(description) > 255:
            raise MollieProblem(
                422, "The description may not be longer than 255 characters.", field="description"
            )
        redirect_url = _url(body, "redirectUrl", "redirect URL", required=True)
        webhook_url = _url(body, "webhookUrl", "webhook URL", required=False)
        metadata = body.get("metadata")
        if metadata is not None and len(json.dumps(metadata)) > 1024:
            raise MollieProblem(422, "The metadata is too large.", field="metadata")
        method = body.get("method")
        if method is not None and method not in METHODS:
            raise MollieProblem(422, "The payment method is invalid.", field="method")
        now = _now()
        payment = SimPayment(
            id=_token("tr_"),
            value=value,
            currency=currency,
            description=description,
            redirect_url=redirect_url,
            webhook_url=webhook_url,
            metadata=metadata,
            method=method,
            created_at=now,
            expires_at=now + datetime.timedelta(minutes=OPEN_MINUTES),
        )
        with self.lock:
            self.payments[payment.id] = payment
        return payment

    def payment_get(self, payment_id: str) -> SimPayment:
        with self.lock:
            payment = self.payments.get(payment_id)
        if payment is None:
            raise MollieProblem(404, f"No payment exists with token {payment_id}.")
        return payment

    def refund_create(self, payment_id: str, body: Any) -> SimRefund:
        if not isinstance(body, dict):
            raise MollieProblem(400, "The request body is not a JSON object.")
        with self.lock:
            payment = self.payment_get(payment_id)
            if payment.status != "paid":
                raise MollieProblem(422, "The payment cannot be refunded: it is not paid.")
            value, currency = _amount(body)
            if currency != payment.currency:
                raise MollieProblem(
                    422, "The currency does not match the payment's.", field="amount.currency"
                )
            if value > payment.value - payment.refunded:
                raise MollieProblem(
                    422, "The amount is higher than the amount remaining.", field="amount"
                )
            description = body.get("description") or ""
            if not isinstance(description, str) or len(description) > 255:
                raise MollieProblem(422, "The description is invalid.", field="description")
            refund = SimRefund(
                id=_token("re_"),
                payment_id=payment.id,
                value=value,
                currency=currency,
                description=description,
                metadata=body.get("metadata"),
                # Test mode: Mollie queues the refund and sends it with the next batch.
                status="pending",
                created_at=_now(),
            )
            payment.refunds.append(refund)
            return refund

    # The tester's side: the checkout page and the control endpoint.

    def status_set(self, payment_id: str, status: str) -> tuple[SimPayment, int]:
        """Move a payment to `status`; return it with the number of the new notification."""
        if status not in STATUSES:
            raise MollieProblem(400, f"status must be one of {', '.join(STATUSES)}")
        with self.lock:
            payment = self.payment_get(payment_id)
            if status != payment.status:
                if status not in TRANSITIONS.get(payment.status, set()):
                    raise MollieProblem(
                        400, f"a payment that is {payment.status} cannot become {status}"
                    )
                payment.status = status
                payment.status_changed_at[status] = _now()
            self.sequence += 1
            payment.notifications.append((self.sequence, status))
            return payment, self.sequence

    def record_delivery(self, delivery: Delivery) -> None:
        with self.lock:
            self.deliveries.append(delivery)
