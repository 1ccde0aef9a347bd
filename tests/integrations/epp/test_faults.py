"""Fault injection: what the client reports when the registry fails, and what it never does."""

from __future__ import annotations

import pytest

from hostwerk.core.errors import TransientError
from hostwerk.integrations.epp import (
    EppCommandFailed,
    EppConnectFailed,
    EppConnectionLost,
    EppObjectNotFound,
    EppTimeout,
    ExchangeLog,
)
from hostwerk.sandbox.faults import Fault
from tests.sandbox.epp.support import contact_spec, control, make_client


def register(client, name="voorbeeld.com"):
    return client.domain_create(
        name=name,
        years=1,
        registrant="HW-OWNER1",
        admin_contacts=["HW-OWNER1"],
        tech_contacts=["HW-OWNER1"],
        auth_code="Domain-Secret-1",
    )


@pytest.fixture
def owner(admin):
    admin.contact_create(contact_spec())
    return admin


def test_drop_after_commit_raises_connection_lost_but_the_domain_exists(owner, sandbox):
    log: list[ExchangeLog] = []
    owner.on_exchange = log.append
    sandbox.state.faults.add(Fault("domain:create", mode="drop_after_commit"))

    with pytest.raises(EppConnectionLost) as caught:
        register(owner)

    assert isinstance(caught.value, TransientError)
    assert caught.value.command == "domain:create"
    assert caught.value.client_transaction_id == log[-1].client_transaction_id
    assert log[-1].result_code is None
    assert "connection lost" in log[-1].message
    # The create was not repeated behind the caller's back: one create in the log.
    assert [entry.command for entry in log].count("domain:create") == 1
    # The caller adopts it by looking.
    info = owner.domain_info(name="voorbeeld.com")
    assert info.sponsoring_client_id == "admin"


def test_drop_before_raises_connection_lost_and_nothing_was_created(owner, sandbox):
    sandbox.state.faults.add(Fault("domain:create", mode="drop_before"))

    with pytest.raises(EppConnectionLost):
        register(owner)

    with pytest.raises(EppObjectNotFound):
        owner.domain_info(name="voorbeeld.com")


def test_a_lost_query_is_asked_again_once_on_a_new_connection(owner, sandbox):
    log: list[ExchangeLog] = []
    owner.on_exchange = log.append
    register(owner)
    sandbox.state.faults.add(Fault("domain:info", mode="drop_before"))

    info = owner.domain_info(name="voorbeeld.com")

    assert info.name == "voorbeeld.com"
    assert [entry.command for entry in log] == [
        "domain:create",
        "domain:info",
        "login",
        "domain:info",
    ]


def test_a_query_lost_twice_raises_connection_lost(owner, sandbox):
    sandbox.state.faults.add(Fault("domain:check", mode="drop_before", count=2))

    with pytest.raises(EppConnectionLost):
        owner.domain_check(["voorbeeld.com"])


def test_a_delay_longer_than_the_timeout_raises_timeout(sandbox):
    client = make_client(sandbox, timeout=0.3)
    client.connect()
    sandbox.state.faults.add(Fault("domain:check", mode="delay", delay=1.0))

    with pytest.raises(EppTimeout, match=r"no response to domain:check within 0\.3 s"):
        client.domain_check(["voorbeeld.com"])
    assert not client.connected
    client.close()


def test_a_short_delay_only_slows_the_answer(owner, sandbox):
    sandbox.state.faults.add(Fault("domain:check", mode="delay", delay=0.2))

    assert owner.domain_check(["voorbeeld.com"])[0].available is True


def test_ignore_answers_success_but_changes_nothing(owner, sandbox):
    register(owner)
    sandbox.state.faults.add(Fault("domain:update", mode="ignore"))

    result = owner.domain_update(name="voorbeeld.com", new_auth_code="Changed-1")

    assert result.code == 1000
    assert owner.domain_info(name="voorbeeld.com").auth_code == "Domain-Secret-1"


def test_an_error_fault_answers_the_given_code_and_text(owner, sandbox):
    sandbox.state.faults.add(
        Fault("domain:create", mode="error", code=2400, text="Registry database unavailable")
    )

    with pytest.raises(EppCommandFailed) as caught:
        register(owner)

    assert isinstance(caught.value, TransientError)
    assert caught.value.message == "Registry database unavailable"
    assert owner.domain_check(["voorbeeld.com"])[0].available is True
    # The session survives a 2400: the next command needs no new login.
    assert owner.connected


def test_a_fault_with_a_count_fails_that_many_times(owner, sandbox):
    sandbox.state.faults.add(Fault("domain:create", mode="error", code=2400, count=2))

    for _ in range(2):
        with pytest.raises(EppCommandFailed):
            register(owner)
    assert register(owner).name == "voorbeeld.com"


def test_a_wildcard_fault_hits_the_next_command_whatever_it_is(owner, sandbox):
    sandbox.state.faults.add(Fault("*", mode="error", code=2400))

    with pytest.raises(EppCommandFailed):
        owner.contact_info(id="HW-OWNER1")
    assert owner.contact_info(id="HW-OWNER1").id == "HW-OWNER1"


def test_a_dropped_login_is_reported_as_not_sent_and_the_next_call_works(sandbox):
    client = make_client(sandbox)
    sandbox.state.faults.add(Fault("login", mode="drop_before"))

    with pytest.raises(EppConnectFailed, match="login"):
        client.domain_check(["voorbeeld.com"])
    assert client.domain_check(["voorbeeld.com"])[0].available is True
    client.close()


def test_faults_can_be_armed_over_the_control_api(owner, sandbox):
    status, body = control(
        sandbox,
        "POST",
        "/_sandbox/faults",
        {"operation": "contact:create", "mode": "drop_after_commit"},
    )
    assert status == 201
    assert body["faults"][0]["operation"] == "contact:create"

    with pytest.raises(EppConnectionLost):
        owner.contact_create(contact_spec("HW-OWNER2"))
    assert owner.contact_check(["HW-OWNER2"])[0].available is False


def test_a_transfer_fault_applies_to_transfer_commands(owner, other, sandbox):
    register(owner)
    sandbox.state.faults.add(Fault("domain:transfer", mode="error", code=2400))

    with pytest.raises(EppCommandFailed):
        other.domain_transfer_request(name="voorbeeld.com", auth_code="Domain-Secret-1")
    assert other.domain_transfer_request(name="voorbeeld.com", auth_code="Domain-Secret-1").pending


def test_a_poll_fault_applies_to_poll_requests(owner, sandbox):
    sandbox.state.faults.add(Fault("poll", mode="error", code=2400))

    with pytest.raises(EppCommandFailed):
        owner.poll_request()
    assert owner.poll_request() is None
