"""Transfers between the two sandbox registrars, with the poll messages both of them receive."""

from __future__ import annotations

import time

import pytest

from hostwerk.integrations.epp import (
    EppAuthorizationError,
    EppObjectNotFound,
    EppStatusProhibits,
)
from tests.sandbox.epp.support import control, make_client


@pytest.fixture
def seeded(sandbox):
    """voorbeeld.com, owned by the other registrar, with a known auth code."""
    status, body = control(
        sandbox,
        "POST",
        "/_sandbox/domains",
        {
            "name": "voorbeeld.com",
            "account": "other",
            "auth_code": "Move-Me-1",
            "years": 2,
            "nameservers": ["ns1.elders.net"],
        },
    )
    assert status == 201
    return body


def test_a_transfer_with_a_wrong_auth_code_is_refused_and_nothing_is_queued(admin, sandbox, seeded):
    with pytest.raises(EppAuthorizationError) as caught:
        admin.domain_transfer_request(name="voorbeeld.com", auth_code="Wrong-1")

    assert caught.value.code == 2202
    assert caught.value.message == "Invalid authorization information"
    domain = sandbox.state.domains["voorbeeld.com"]
    assert domain.transfer is None
    assert sandbox.state.polls["other"] == []


def test_a_transfer_request_is_pending_and_tells_the_losing_registrar(admin, other, seeded):
    status = admin.domain_transfer_request(name="voorbeeld.com", auth_code="Move-Me-1", years=1)

    assert status.code == 1001
    assert status.pending
    assert (status.requesting_client_id, status.acting_client_id) == ("admin", "other")
    assert status.action_due_at > status.requested_at
    message = other.poll_request()
    assert message.text == "Transfer requested."
    assert message.object_name == "voorbeeld.com"
    assert message.transfer.status == "pending"
    assert message.transfer.requesting_client_id == "admin"
    assert message.count == 1
    assert admin.poll_request() is None


def test_approval_moves_the_domain_and_both_registrars_are_told(admin, other, sandbox, seeded):
    requested = admin.domain_transfer_request(name="voorbeeld.com", auth_code="Move-Me-1")

    status, body = control(
        sandbox, "POST", "/_sandbox/transfers/approve", {"name": "voorbeeld.com"}
    )

    assert status == 200
    assert body["sponsor"] == "admin"
    info = admin.domain_info(name="voorbeeld.com")
    assert info.sponsoring_client_id == "admin"
    assert info.expires == requested.expires
    assert info.transferred is not None
    query = admin.domain_transfer_query(name="voorbeeld.com")
    assert query.status == "serverApproved"
    gaining = admin.poll_request()
    assert (gaining.text, gaining.transfer.status) == ("Transfer completed.", "serverApproved")
    # The losing registrar has two messages: the request and the completion.
    first = other.poll_request()
    assert (first.text, first.count) == ("Transfer requested.", 2)
    other.poll_ack(message_id=first.id)
    second = other.poll_request()
    assert (second.text, second.count) == ("Transfer completed.", 1)
    other.poll_ack(message_id=second.id)
    assert other.poll_request() is None


def test_a_pending_transfer_is_approved_by_the_registry_after_the_delay(
    admin, other, sandbox, seeded
):
    sandbox.state.transfer_approve_after_seconds = 0.2
    admin.domain_transfer_request(name="voorbeeld.com", auth_code="Move-Me-1")
    assert admin.domain_transfer_query(name="voorbeeld.com").pending

    time.sleep(0.3)

    assert admin.domain_transfer_query(name="voorbeeld.com").status == "serverApproved"
    assert other.domain_info(name="voorbeeld.com").sponsoring_client_id == "admin"


def test_the_losing_registrar_can_no_longer_change_the_domain(admin, other, sandbox, seeded):
    admin.domain_transfer_request(name="voorbeeld.com", auth_code="Move-Me-1")
    sandbox.state.approve_transfer("voorbeeld.com")

    with pytest.raises(EppAuthorizationError):
        other.domain_update(name="voorbeeld.com", new_auth_code="Too-Late-1")


def test_a_domain_with_a_pending_transfer_cannot_be_updated(admin, other, seeded):
    admin.domain_transfer_request(name="voorbeeld.com", auth_code="Move-Me-1")

    with pytest.raises(EppStatusProhibits) as caught:
        other.domain_update(name="voorbeeld.com", new_auth_code="Block-1")
    assert caught.value.code == 2304
    assert "pendingTransfer" in other.domain_info(name="voorbeeld.com").statuses


def test_a_second_request_while_one_is_pending_is_refused(admin, seeded):
    admin.domain_transfer_request(name="voorbeeld.com", auth_code="Move-Me-1")

    with pytest.raises(EppStatusProhibits) as caught:
        admin.domain_transfer_request(name="voorbeeld.com", auth_code="Move-Me-1")
    assert caught.value.code == 2300


def test_requesting_a_domain_you_sponsor_is_not_eligible(other, seeded):
    with pytest.raises(EppStatusProhibits) as caught:
        other.domain_transfer_request(name="voorbeeld.com", auth_code="Move-Me-1")
    assert caught.value.code == 2106


def test_a_locked_domain_cannot_be_transferred(admin, sandbox):
    control(
        sandbox,
        "POST",
        "/_sandbox/domains",
        {
            "name": "slot.com",
            "account": "other",
            "auth_code": "Move-Me-1",
            "statuses": ["clientTransferProhibited"],
        },
    )

    with pytest.raises(EppStatusProhibits) as caught:
        admin.domain_transfer_request(name="slot.com", auth_code="Move-Me-1")
    assert caught.value.code == 2304


def test_transferring_an_unknown_domain_raises_object_not_found(admin):
    with pytest.raises(EppObjectNotFound):
        admin.domain_transfer_request(name="onbekend.com", auth_code="Move-Me-1")


def test_an_uninvolved_registrar_needs_the_auth_code_to_query(admin, sandbox, seeded):
    sandbox.state.accounts["third"] = "sandbox-3"
    admin.domain_transfer_request(name="voorbeeld.com", auth_code="Move-Me-1")
    third = make_client(sandbox, "third", password="sandbox-3")
    with pytest.raises(EppAuthorizationError) as caught:
        third.domain_transfer_query(name="voorbeeld.com")
    assert caught.value.code == 2201
    assert third.domain_transfer_query(name="voorbeeld.com", auth_code="Move-Me-1").pending
    third.close()


def test_a_nl_transfer_works_the_same_way(admin, other, sandbox):
    control(
        sandbox,
        "POST",
        "/_sandbox/domains",
        {"name": "voorbeeld.nl", "account": "other", "auth_code": "Move-Me-1"},
    )

    status = admin.domain_transfer_request(name="voorbeeld.nl", auth_code="Move-Me-1")

    assert status.pending
    assert other.poll_request().object_name == "voorbeeld.nl"
