"""Fault injection per "<operator>.<operation>": error, delay, drop_before, drop_after_commit, ignore."""

from __future__ import annotations

import time

import pytest

from hostwerk.integrations.plesk import (
    CustomerSpec,
    PleskBadPacket,
    PleskClient,
    PleskError,
    PleskObjectExists,
    PleskUnavailable,
    WebspaceSpec,
)
from hostwerk.sandbox.faults import Fault
from hostwerk.sandbox.plesk.server import PleskSandbox

STEVE = CustomerSpec(login="stevelow", password="Jhtr66fBB", pname="Stephen Lowell")


def hosting_spec(owner_id: int) -> WebspaceSpec:
    return WebspaceSpec(
        name="example.com",
        owner_id=owner_id,
        plan_name="Basic",
        ip_address="192.0.2.10",
        ftp_login="exampleuser",
        ftp_password="S3cret!pw",
    )


def test_error_fault_answers_the_given_code_and_text_and_changes_nothing(
    plesk: PleskSandbox, plesk_client: PleskClient
):
    plesk.state.faults.add(
        Fault(operation="customer.add", mode="error", code=1007, text="Login is in use.")
    )

    with pytest.raises(PleskObjectExists) as caught:
        plesk_client.customer_add(STEVE)

    assert str(caught.value) == (
        "Plesk server plesk1 could not create customer stevelow (1007): Login is in use."
    )
    assert plesk.state.counts()["customers"] == 0
    assert plesk.state.faults.pending() == []


def test_error_fault_without_code_is_operation_failed_1023(
    plesk: PleskSandbox, plesk_client: PleskClient
):
    plesk.state.faults.add(Fault(operation="customer.add", mode="error"))

    with pytest.raises(PleskError) as caught:
        plesk_client.customer_add(STEVE)

    assert (caught.value.code, caught.value.text) == (1023, "Operation failed.")
    assert type(caught.value) is PleskError


def test_error_fault_with_code_1014_in_a_result_is_a_bad_packet(
    plesk: PleskSandbox, plesk_client: PleskClient
):
    plesk.state.faults.add(Fault(operation="server.get", mode="error", code=1014))

    with pytest.raises(PleskBadPacket) as caught:
        plesk_client.server_info()

    assert caught.value.text == "Parser error: Request is invalid."
    assert caught.value.operation == "server.get"


def test_error_fault_on_mail_update_answers_inside_update_set(
    plesk: PleskSandbox, plesk_client: PleskClient
):
    customer = plesk_client.customer_add(STEVE)
    webspace = plesk_client.webspace_add(hosting_spec(customer.id))
    plesk_client.mail_create(site_id=webspace.id, name="info", password="S3cret!pw")
    plesk.state.faults.add(Fault(operation="mail.update", mode="error", code=1019))

    with pytest.raises(PleskError) as caught:
        plesk_client.mail_update(site_id=webspace.id, name="info", quota_bytes=10)

    assert (caught.value.code, caught.value.operation) == (1019, "mail.update")


def test_a_fault_applies_count_times_then_disarms(plesk: PleskSandbox, plesk_client: PleskClient):
    plesk.state.faults.add(Fault(operation="customer.get", mode="error", code=1023, count=2))

    for _ in range(2):
        with pytest.raises(PleskError):
            plesk_client.customer_get(login="stevelow")

    assert plesk_client.customer_get(login="stevelow") is None


def test_a_star_fault_matches_any_operation(plesk: PleskSandbox, plesk_client: PleskClient):
    plesk.state.faults.add(Fault(operation="*", mode="error", code=1006))

    with pytest.raises(PleskError) as caught:
        plesk_client.server_info()

    assert (caught.value.code, caught.value.text) == (1006, "Permission denied.")


def test_delay_fault_answers_normally_after_the_delay(
    plesk: PleskSandbox, plesk_client: PleskClient
):
    plesk.state.faults.add(Fault(operation="customer.add", mode="delay", delay=0.3))

    started = time.monotonic()
    customer = plesk_client.customer_add(STEVE)

    assert time.monotonic() - started >= 0.3
    assert plesk_client.customer_get(id=customer.id) == customer


def test_drop_before_closes_the_connection_and_does_nothing(
    plesk: PleskSandbox, plesk_client: PleskClient
):
    plesk.state.faults.add(Fault(operation="customer.add", mode="drop_before"))

    with pytest.raises(PleskUnavailable) as caught:
        plesk_client.customer_add(STEVE)

    assert caught.value.code == "connection"
    assert plesk.state.counts()["customers"] == 0
    assert plesk_client.customer_add(STEVE).login == "stevelow"


def test_drop_after_commit_leaves_the_webspace_created_so_a_retry_gets_1007(
    plesk: PleskSandbox, plesk_client: PleskClient
):
    customer = plesk_client.customer_add(STEVE)
    plesk.state.faults.add(Fault(operation="webspace.add", mode="drop_after_commit"))

    with pytest.raises(PleskUnavailable):
        plesk_client.webspace_add(hosting_spec(customer.id))

    created = plesk_client.webspace_get(name="example.com")
    assert created is not None
    assert created.owner_id == customer.id
    with pytest.raises(PleskObjectExists) as caught:
        plesk_client.webspace_add(hosting_spec(customer.id))
    assert caught.value.code == 1007


def test_ignore_fault_answers_ok_but_the_spam_filter_stays_off(
    plesk: PleskSandbox, plesk_client: PleskClient
):
    customer = plesk_client.customer_add(STEVE)
    webspace = plesk_client.webspace_add(hosting_spec(customer.id))
    plesk_client.mail_create(site_id=webspace.id, name="info", password="S3cret!pw")
    plesk.state.faults.add(Fault(operation="spamfilter.set", mode="ignore"))

    plesk_client.spamfilter_set(mailbox="info@example.com", enabled=True)

    assert plesk_client.spamfilter_get(mailbox="info@example.com") is False
    mailbox = plesk.state.find_mailbox("info@example.com")
    assert mailbox is not None
    assert mailbox.spam_filter is False


def test_ignore_fault_on_an_add_returns_an_id_for_an_object_that_does_not_exist(
    plesk: PleskSandbox, plesk_client: PleskClient
):
    plesk.state.faults.add(Fault(operation="customer.add", mode="ignore"))

    ghost = plesk_client.customer_add(STEVE)

    assert ghost.id == 2
    assert plesk_client.customer_get(id=ghost.id) is None
    assert plesk.state.counts()["customers"] == 0


def test_faults_only_hit_their_own_operation(plesk: PleskSandbox, plesk_client: PleskClient):
    plesk.state.faults.add(Fault(operation="webspace.set", mode="error", code=1023))

    customer = plesk_client.customer_add(STEVE)
    webspace = plesk_client.webspace_add(hosting_spec(customer.id))
    with pytest.raises(PleskError):
        plesk_client.webspace_set_status(id=webspace.id, status="suspended")

    still = plesk_client.webspace_get(id=webspace.id)
    assert still is not None
    assert still.status == 0
