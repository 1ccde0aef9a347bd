"""The Mollie client against the simulator over a real socket."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hostwerk.integrations.mollie import (
    Amount,
    MollieAuthError,
    MollieClient,
    MollieNotFound,
    MollieUnavailable,
    MollieValidationError,
)
from tests.support.mollie import arm_fault, control


def create(client: MollieClient, value: str = "12.50", **extra):
    values = {
        "amount": Amount(Decimal(value)),
        "description": "Invoice 2027-0001",
        "redirect_url": "http://127.0.0.1:9/return",
        "metadata": {"invoice_id": 7},
    }
    values.update(extra)
    return client.payment_create(**values)


def test_amount_goes_as_a_string_with_exactly_two_decimals():
    assert Amount(Decimal("12.5")).to_api() == {"currency": "EUR", "value": "12.50"}
    assert Amount(Decimal("1000"), "eur").to_api() == {"currency": "EUR", "value": "1000.00"}
    with pytest.raises(ValueError):
        Amount(Decimal("12.505")).to_api()


def test_created_payment_is_open_with_a_checkout_address(mollie_client, mollie_sandbox):
    payment = create(mollie_client, idempotency_key="k-1")
    assert payment.id.startswith("tr_")
    assert (payment.status, payment.amount, payment.metadata) == (
        "open",
        Amount(Decimal("12.50"), "EUR"),
        {"invoice_id": 7},
    )
    assert payment.checkout_url == f"{mollie_sandbox.url}/checkout/{payment.id}"
    assert payment.expires_at is not None
    call = mollie_sandbox.state.calls[-1]
    assert call["body"]["amount"] == {"currency": "EUR", "value": "12.50"}
    assert call["idempotency_key"] == "k-1"


def test_same_idempotency_key_gives_the_same_payment(mollie_client, mollie_sandbox):
    first = create(mollie_client, idempotency_key="same")
    second = create(mollie_client, idempotency_key="same")
    third = create(mollie_client, idempotency_key="other")
    assert first.id == second.id != third.id
    assert len(mollie_sandbox.state.payments) == 2


def test_payment_is_read_back_with_its_new_status(mollie_client, mollie_sandbox):
    payment = create(mollie_client)
    control(mollie_sandbox, payment.id, status="paid")
    read = mollie_client.payment_get(payment.id)
    assert (read.status, read.paid_at is not None, read.checkout_url) == ("paid", True, "")
    assert read.amount_remaining == Amount(Decimal("12.50"))


def test_unknown_payment_is_not_found(mollie_client):
    with pytest.raises(MollieNotFound):
        mollie_client.payment_get("tr_doesnotexist")


def test_an_id_that_is_no_payment_id_never_reaches_the_url(mollie_client, mollie_sandbox):
    with pytest.raises(MollieNotFound):
        mollie_client.payment_get("../refunds")
    assert mollie_sandbox.state.calls == []


def test_wrong_api_key_is_an_auth_error(mollie_sandbox):
    with (
        MollieClient(mollie_sandbox.url, api_key="test_wrong", timeout=5) as client,
        pytest.raises(MollieAuthError) as refused,
    ):
        create(client)
    assert refused.value.status == 401


def test_server_error_is_transient(mollie_client, mollie_sandbox):
    arm_fault(mollie_sandbox, operation="payments.get", code=500)
    payment_id = create(mollie_client).id
    with pytest.raises(MollieUnavailable):
        mollie_client.payment_get(payment_id)
    assert mollie_client.payment_get(payment_id).status == "open"


def test_refund_is_created_and_listed(mollie_client, mollie_sandbox):
    payment = create(mollie_client, "20.00")
    control(mollie_sandbox, payment.id, status="paid")
    refund = mollie_client.refund_create(
        payment_id=payment.id, amount=Amount(Decimal("5.00")), description="goodwill"
    )
    assert refund.id.startswith("re_")
    assert (refund.payment_id, refund.amount, refund.status) == (
        payment.id,
        Amount(Decimal("5.00")),
        "pending",
    )
    assert [r.id for r in mollie_client.refund_list(payment.id)] == [refund.id]
    assert mollie_client.payment_get(payment.id).amount_refunded == Amount(Decimal("5.00"))


def test_refund_above_what_remains_names_the_amount_field(mollie_client, mollie_sandbox):
    payment = create(mollie_client, "20.00")
    control(mollie_sandbox, payment.id, status="paid")
    with pytest.raises(MollieValidationError) as refused:
        mollie_client.refund_create(payment_id=payment.id, amount=Amount(Decimal("20.01")))
    assert (refused.value.status, refused.value.field) == (422, "amount")
