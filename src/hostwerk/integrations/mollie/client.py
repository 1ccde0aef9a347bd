"""Client of the Mollie payments API v2: create and read payments, create and list refunds.

Amounts travel as strings with the currency's exact decimals ("12.50"); ids are checked before
they go into a URL, because a payment id often comes from an unauthenticated webhook.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

import httpx

from hostwerk.core.errors import TransientError
from hostwerk.core.http import HttpClient
from hostwerk.integrations.mollie.errors import (
    MollieAuthError,
    MollieError,
    MollieNotFound,
    MollieUnavailable,
    MollieValidationError,
)

PAYMENT_ID = re.compile(r"^tr_[A-Za-z0-9]{1,64}$")
REFUND_ID = re.compile(r"^re_[A-Za-z0-9]{1,64}$")
# Currencies Mollie takes without decimals; every other one has two.
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "ISK"})


def is_payment_id(value: str) -> bool:
    return bool(PAYMENT_ID.match(value or ""))


class PaymentStatus:
    """Mollie's payment statuses; the last four are final."""

    OPEN = "open"  # created, the customer has not finished the checkout
    PENDING = "pending"  # the customer finished; the bank has not confirmed yet
    AUTHORIZED = "authorized"  # reserved but not captured (card and pay-later methods only)
    PAID = "paid"
    FAILED = "failed"
    CANCELED = "canceled"
    EXPIRED = "expired"
    FINAL = frozenset({PAID, FAILED, CANCELED, EXPIRED})
    ALL = frozenset({OPEN, PENDING, AUTHORIZED, PAID, FAILED, CANCELED, EXPIRED})


@dataclass(frozen=True)
class Amount:
    value: Decimal
    currency: str = "EUR"

    def to_api(self) -> dict[str, str]:
        decimals = 0 if self.currency.upper() in ZERO_DECIMAL_CURRENCIES else 2
        exponent = Decimal(1).scaleb(-decimals)
        value = Decimal(self.value)
        if value != value.quantize(exponent, rounding=ROUND_HALF_UP):
            raise ValueError(f"{value} has more than {decimals} decimals for {self.currency}")
        return {"currency": self.currency.upper(), "value": f"{value.quantize(exponent)}"}

    @classmethod
    def from_api(cls, data: Any) -> Amount:
        if not isinstance(data, dict):
            raise ValueError(f"not an amount: {data!r}")
        try:
            return cls(value=Decimal(str(data["value"])), currency=str(data["currency"]))
        except (KeyError, InvalidOperation):
            raise ValueError(f"not an amount: {data!r}") from None


@dataclass(frozen=True)
class Payment:
    id: str
    status: str
    amount: Amount
    description: str
    created_at: datetime.datetime | None
    checkout_url: str = ""
    expires_at: datetime.datetime | None = None
    paid_at: datetime.datetime | None = None
    method: str | None = None
    metadata: Any = None
    redirect_url: str = ""
    webhook_url: str = ""
    amount_refunded: Amount | None = None
    amount_remaining: Amount | None = None
    mode: str = ""

    @property
    def is_final(self) -> bool:
        return self.status in PaymentStatus.FINAL


@dataclass(frozen=True)
class Refund:
    id: str
    payment_id: str
    status: str  # queued, pending, processing, refunded, failed, canceled
    amount: Amount
    description: str = ""
    created_at: datetime.datetime | None = None
    metadata: Any = None

    @property
    def counts(self) -> bool:
        """Whether the money goes (or went) back: every status but failed and canceled."""
        return self.status not in ("failed", "canceled")


@dataclass
class _Call:
    method: str
    path: str
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)


class MollieClient:
    """One Mollie account (one API key). `api_url` is the API's base address, with or without
    the "/v2" part."""

    def __init__(self, api_url: str, *, api_key: str, timeout: float = 15.0) -> None:
        if not api_key:
            raise ValueError("a Mollie client needs an API key")
        base_url = api_url.rstrip("/")
        if base_url.endswith("/v2"):
            base_url = base_url[: -len("/v2")]
        host = urlsplit(base_url).hostname or base_url
        self._http = HttpClient(
            base_url,
            timeout=timeout,
            service=f"Mollie at {host}",
            headers={
                "Authorization": f"Bearer {api_key}",
                "Accept": "application/hal+json, application/json",
                "User-Agent": "Hostwerk",
            },
        )

    # Payments.

    def payment_create(
        self,
        *,
        amount: Amount,
        description: str,
        redirect_url: str,
        webhook_url: str = "",
        metadata: Any = None,
        method: str | None = None,
        locale: str | None = None,
        idempotency_key: str = "",
    ) -> Payment:
        """Create a one-off payment; the same `idempotency_key` returns the same payment."""
        body: dict[str, Any] = {
            "amount": amount.to_api(),
            "description": description[:255],
            "redirectUrl": redirect_url,
        }
        if webhook_url:
            body["webhookUrl"] = webhook_url
        if metadata is not None:
            body["metadata"] = metadata
        if method:
            body["method"] = method
        if locale:
            body["locale"] = locale
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        data = self._call(_Call("POST", "/v2/payments", body, headers), "create a payment")
        return _payment(data)

    def payment_get(self, payment_id: str) -> Payment:
        if not is_payment_id(payment_id):
            raise MollieNotFound(f"{payment_id!r} is not a Mollie payment id.", status=404)
        return _payment(self._call(_Call("GET", f"/v2/payments/{payment_id}"), "read a payment"))

    # Refunds.

    def refund_create(
        self,
        *,
        payment_id: str,
        amount: Amount,
        description: str = "",
        metadata: Any = None,
        idempotency_key: str = "",
    ) -> Refund:
        if not is_payment_id(payment_id):
            raise MollieNotFound(f"{payment_id!r} is not a Mollie payment id.", status=404)
        body: dict[str, Any] = {"amount": amount.to_api()}
        if description:
            body["description"] = description[:255]
        if metadata is not None:
            body["metadata"] = metadata
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        data = self._call(
            _Call("POST", f"/v2/payments/{payment_id}/refunds", body, headers), "create a refund"
        )
        return _refund(data)

    def refund_list(self, payment_id: str) -> list[Refund]:
        """The payment's refunds (the first 250, more than any invoice has)."""
        if not is_payment_id(payment_id):
            raise MollieNotFound(f"{payment_id!r} is not a Mollie payment id.", status=404)
        data = self._call(
            _Call("GET", f"/v2/payments/{payment_id}/refunds?limit=250"), "list refunds"
        )
        items = (data.get("_embedded") or {}).get("refunds") or []
        if not isinstance(items, list):
            raise MollieUnavailable("Mollie answered a refund list without refunds.")
        return [_refund(item) for item in items]

    # Plumbing.

    def _call(self, call: _Call, operation: str) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"headers": call.headers}
        if call.body is not None:
            kwargs["content"] = json.dumps(call.body).encode()
            kwargs["headers"] = {**call.headers, "Content-Type": "application/json"}
        try:
            response = self._http.request(call.method, call.path, **kwargs)
        except TransientError as exc:
            raise MollieUnavailable(exc.message, code=exc.code, detail=exc.detail) from exc
        return self._interpret(response, operation)

    def _interpret(self, response: httpx.Response, operation: str) -> dict[str, Any]:
        service = self._http.service
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code >= 500:
            raise MollieUnavailable(
                f"{service} answered HTTP {response.status_code} when asked to {operation}; "
                "try again later.",
                code=response.status_code,
                detail=response.text[:2000],
            )
        if response.status_code >= 400:
            error = data if isinstance(data, dict) else {}
            detail_text = str(error.get("detail") or error.get("title") or response.reason_phrase)
            field_name = str(error.get("field") or "")
            message = f"{service} refused to {operation}: {detail_text}"
            error_class: type[MollieError] = MollieError
            if response.status_code == 401:
                error_class = MollieAuthError
                message = f"{service} refused the API key: {detail_text}"
            elif response.status_code in (404, 410):
                error_class = MollieNotFound
            elif response.status_code == 422:
                error_class = MollieValidationError
            raise error_class(
                message,
                status=response.status_code,
                field=field_name,
                detail=response.text[:2000],
            )
        if not isinstance(data, dict):
            raise MollieUnavailable(
                f"{service} gave an answer that is not JSON when asked to {operation}.",
                code="unexpected_answer",
                detail=response.text[:2000],
            )
        return data

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> MollieClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _moment(value: Any) -> datetime.datetime | None:
    if not value:
        return None
    try:
        return datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _payment(data: dict[str, Any]) -> Payment:
    try:
        payment_id = str(data["id"])
        status = str(data["status"])
        amount = Amount.from_api(data["amount"])
    except (KeyError, ValueError) as exc:
        raise MollieUnavailable(
            f"Mollie answered with a payment that lacks {exc}.",
            code="unexpected_answer",
            detail=json.dumps(data)[:2000],
        ) from None
    links = data.get("_links") or {}
    checkout = links.get("checkout") or {}

    def optional_amount(name: str) -> Amount | None:
        try:
            return Amount.from_api(data[name]) if data.get(name) else None
        except ValueError:
            return None

    return Payment(
        id=payment_id,
        status=status,
        amount=amount,
        description=str(data.get("description") or ""),
        created_at=_moment(data.get("createdAt")),
        checkout_url=str(checkout.get("href") or ""),
        expires_at=_moment(data.get("expiresAt")),
        paid_at=_moment(data.get("paidAt")),
        method=data.get("method"),
        metadata=data.get("metadata"),
        redirect_url=str(data.get("redirectUrl") or ""),
        webhook_url=str(data.get("webhookUrl") or ""),
        amount_refunded=optional_amount("amountRefunded"),
        amount_remaining=optional_amount("amountRemaining"),
        mode=str(data.get("mode") or ""),
    )


def _refund(data: dict[str, Any]) -> Refund:
    try:
        refund = Refund(
            id=str(data["id"]),
            payment_id=str(data.get("paymentId") or ""),
            status=str(data["status"]),
            amount=Amount.from_api(data["amount"]),
            description=str(data.get("description") or ""),
            created_at=_moment(data.get("createdAt")),
            metadata=data.get("metadata"),
        )
    except (KeyError, ValueError) as exc:
        raise MollieUnavailable(
            f"Mollie answered with a refund that lacks {exc}.",
            code="unexpected_answer",
            detail=json.dumps(data)[:2000],
        ) from None
    if not REFUND_ID.match(refund.id):
        raise MollieUnavailable(f"Mollie answered with an odd refund id {refund.id!r}.")
    return refund
