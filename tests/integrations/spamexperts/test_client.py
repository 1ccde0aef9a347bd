"""SpamExpertsClient against the simulator over a real socket: every call, every error, every fault."""

from __future__ import annotations

import httpx
import pytest

from hostwerk.core.errors import PermanentError, TransientError
from hostwerk.integrations.spamexperts import (
    SpamExpertsAuthError,
    SpamExpertsClient,
    SpamExpertsDomainExists,
    SpamExpertsDomainNotFound,
    SpamExpertsError,
    SpamExpertsInvalidDestination,
    SpamExpertsLimitReached,
    SpamExpertsNotOwner,
    SpamExpertsUnavailable,
    parse_route,
)
from hostwerk.sandbox.spamexperts.server import SpamExpertsSandbox, start
from tests.support.spamexperts import arm_fault

ROUTE = [("mn-mx1.example.nl", 25)]


def domains(sandbox: SpamExpertsSandbox) -> dict[str, object]:
    return sandbox.state.snapshot()["domains"]  # type: ignore[return-value]


def calls(sandbox: SpamExpertsSandbox) -> list[str]:
    return [call["operation"] for call in sandbox.state.snapshot()["calls"]]  # type: ignore[union-attr]


# Round trips.


def test_added_domain_exists_and_reports_its_route(spamexperts_client, spamexperts_sandbox):
    spamexperts_client.domain_add(domain="example.nl", destinations=ROUTE)

    assert spamexperts_client.domain_exists(domain="example.nl") is True
    assert spamexperts_client.domain_getroute(domain="example.nl") == [("mn-mx1.example.nl", 25)]
    assert domains(spamexperts_sandbox) == {
        "example.nl": {
            "destinations": ["mn-mx1.example.nl:25"],
            "owner": "admin",
            "confirmed": True,
        }
    }


def test_domain_add_uses_the_panel_url_shape_with_json_encoded_destinations(
    spamexperts_client, spamexperts_sandbox
):
    spamexperts_client.domain_add(
        domain="Example.NL.", destinations=[("mn-mx1.example.nl", 25), ("backup.example.nl", 2525)]
    )

    [call] = spamexperts_sandbox.state.snapshot()["calls"]
    assert call["path"] == (
        "/api/domain/add/domain/example.nl/format/json/destinations/"
        "%5B%22mn-mx1.example.nl%3A25%22%2C%22backup.example.nl%3A2525%22%5D/"
    )
    assert spamexperts_client.domain_getroute(domain="example.nl") == [
        ("mn-mx1.example.nl", 25),
        ("backup.example.nl", 2525),
    ]


def test_read_calls_use_the_panel_url_shapes(spamexperts_client, spamexperts_sandbox):
    spamexperts_client.domain_add(domain="example.nl", destinations=ROUTE)
    spamexperts_client.domain_exists(domain="example.nl")
    spamexperts_client.domain_getroute(domain="example.nl")
    spamexperts_client.domain_remove(domain="example.nl")

    paths = [call["path"] for call in spamexperts_sandbox.state.snapshot()["calls"]][1:]
    assert paths == [
        "/api/domain/exists/domain/example.nl/format/json/",
        "/api/domain/getroute/domain/example.nl/format/json/",
        "/api/domain/remove/domain/example.nl/format/json/",
    ]


def test_domain_added_without_destinations_has_no_routes(spamexperts_client):
    spamexperts_client.domain_add(domain="example.nl", destinations=[])

    assert spamexperts_client.domain_exists(domain="example.nl") is True
    assert spamexperts_client.domain_getroute(domain="example.nl") == []


def test_idn_domain_is_sent_in_a_label_form(spamexperts_client, spamexperts_sandbox):
    spamexperts_client.domain_add(domain="Bücher.nl", destinations=ROUTE)

    assert list(domains(spamexperts_sandbox)) == ["xn--bcher-kva.nl"]
    assert spamexperts_client.domain_exists(domain="xn--bcher-kva.nl") is True


def test_unknown_domain_does_not_exist(spamexperts_client):
    assert spamexperts_client.domain_exists(domain="example.nl") is False


def test_removed_domain_no_longer_exists(spamexperts_client, spamexperts_sandbox):
    spamexperts_client.domain_add(domain="example.nl", destinations=ROUTE)

    spamexperts_client.domain_remove(domain="example.nl")

    assert spamexperts_client.domain_exists(domain="example.nl") is False
    assert domains(spamexperts_sandbox) == {}


def test_route_parsing_accepts_double_single_and_no_colon():
    assert parse_route("mx.example.nl::25") == ("mx.example.nl", 25)
    assert parse_route("mx.example.nl:2525") == ("mx.example.nl", 2525)
    assert parse_route("192.0.2.10") == ("192.0.2.10", 25)


# Errors from the envelope.


def test_adding_an_existing_domain_raises_domain_exists_with_the_panel_message(
    spamexperts_client, spamexperts_sandbox
):
    spamexperts_client.domain_add(domain="example.nl", destinations=ROUTE)

    with pytest.raises(SpamExpertsDomainExists) as caught:
        spamexperts_client.domain_add(domain="example.nl", destinations=[("other.example", 25)])

    assert isinstance(caught.value, PermanentError)
    assert caught.value.message == "Domain already exists. Failed to add domain 'example.nl'"
    assert caught.value.messages == ("Domain already exists.", "Failed to add domain 'example.nl'")
    assert caught.value.code == "DOMAIN_EXISTS"
    assert spamexperts_client.domain_getroute(domain="example.nl") == ROUTE


def test_domain_of_another_account_raises_not_owner(spamexperts_client, spamexperts_sandbox):
    spamexperts_sandbox.state.seed(domain="example.nl", destinations=ROUTE, owner="reseller2")

    with pytest.raises(SpamExpertsNotOwner) as caught:
        spamexperts_client.domain_add(domain="example.nl", destinations=ROUTE)
    assert caught.value.code == "ALREADYEXISTS_NOT_OWNER"
    with pytest.raises(SpamExpertsNotOwner):
        spamexperts_client.domain_remove(domain="example.nl")

    assert domains(spamexperts_sandbox)["example.nl"]["owner"] == "reseller2"


def test_removing_an_unknown_domain_raises_not_found(spamexperts_client):
    with pytest.raises(SpamExpertsDomainNotFound) as caught:
        spamexperts_client.domain_remove(domain="example.nl")

    assert (
        caught.value.message == "No such domain 'example.nl'. Failed to remove domain 'example.nl'"
    )
    assert caught.value.code == "NO_SUCH_DOMAIN"


def test_routes_of_an_unknown_domain_raise_not_found(spamexperts_client):
    with pytest.raises(SpamExpertsDomainNotFound):
        spamexperts_client.domain_getroute(domain="example.nl")


def test_wrong_password_raises_auth_error_and_adds_nothing(spamexperts_sandbox):
    client = SpamExpertsClient(
        spamexperts_sandbox.url, username="admin", password="wrong", timeout=5.0
    )

    with pytest.raises(SpamExpertsAuthError) as caught:
        client.domain_add(domain="example.nl", destinations=ROUTE)

    assert caught.value.message == "Supplied credential is invalid."
    assert caught.value.code == "INVALID_API_CREDENTIALS"
    assert domains(spamexperts_sandbox) == {}
    with pytest.raises(SpamExpertsAuthError):
        client.domain_exists(domain="example.nl")


def test_domain_limit_raises_limit_reached(spamexperts_client, spamexperts_sandbox):
    spamexperts_sandbox.state.domain_limit = 1
    spamexperts_client.domain_add(domain="one.nl", destinations=ROUTE)

    with pytest.raises(SpamExpertsLimitReached):
        spamexperts_client.domain_add(domain="two.nl", destinations=ROUTE)

    assert list(domains(spamexperts_sandbox)) == ["one.nl"]


def test_the_filter_itself_as_destination_raises_invalid_destination(
    spamexperts_client, spamexperts_sandbox
):
    with pytest.raises(SpamExpertsInvalidDestination):
        spamexperts_client.domain_add(
            domain="example.nl", destinations=[("mx.spamexperts.com", 25)]
        )

    assert domains(spamexperts_sandbox) == {}


def test_an_unrecognised_panel_error_is_a_plain_spamexperts_error(
    spamexperts_client, spamexperts_sandbox
):
    arm_fault(spamexperts_sandbox, operation="domain/add", text="Something unexpected happened.")

    with pytest.raises(SpamExpertsError) as caught:
        spamexperts_client.domain_add(domain="example.nl", destinations=ROUTE)

    assert type(caught.value) is SpamExpertsError
    assert caught.value.message == "Something unexpected happened."
    assert caught.value.code == "API_UNHANDLED_ERROR"


def test_exists_answered_with_an_error_for_a_missing_domain_means_absent(
    spamexperts_client, spamexperts_sandbox
):
    # Some panels answer domain/exists for a missing domain with an error, not present=0.
    arm_fault(spamexperts_sandbox, operation="domain/exists", text="No such domain 'example.nl'.")

    assert spamexperts_client.domain_exists(domain="example.nl") is False


def test_plain_text_error_lines_are_classified_too(spamexperts_client, spamexperts_sandbox):
    arm_fault(
        spamexperts_sandbox,
        operation="domain/remove",
        code=200,
        text="ERROR: You are not the owner of 'example.nl'.\nERROR: Failed to remove domain 'example.nl'",
    )

    with pytest.raises(SpamExpertsNotOwner) as caught:
        spamexperts_client.domain_remove(domain="example.nl")

    assert caught.value.messages == (
        "You are not the owner of 'example.nl'.",
        "Failed to remove domain 'example.nl'",
    )


def test_invalid_input_is_refused_before_any_call(spamexperts_client, spamexperts_sandbox):
    with pytest.raises(ValueError):
        spamexperts_client.domain_add(domain="exa mple/nl", destinations=ROUTE)
    with pytest.raises(ValueError):
        spamexperts_client.domain_add(domain="example.nl", destinations=[("mx.example.nl", 0)])

    assert calls(spamexperts_sandbox) == []


# Transport and server failures are transient.


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_transient(spamexperts_client, spamexperts_sandbox, status):
    arm_fault(spamexperts_sandbox, operation="domain/add", code=status, text="Server Error")

    with pytest.raises(SpamExpertsUnavailable) as caught:
        spamexperts_client.domain_add(domain="example.nl", destinations=ROUTE)

    assert isinstance(caught.value, TransientError)
    assert caught.value.code == status
    assert domains(spamexperts_sandbox) == {}


def test_http_401_is_an_auth_error(spamexperts_client, spamexperts_sandbox):
    arm_fault(spamexperts_sandbox, operation="domain/exists", code=401, text="Unauthorized")

    with pytest.raises(SpamExpertsAuthError):
        spamexperts_client.domain_exists(domain="example.nl")


def test_an_answer_that_is_not_json_is_transient(spamexperts_client, spamexperts_sandbox):
    arm_fault(
        spamexperts_sandbox,
        operation="domain/getroute",
        code=200,
        text="<html><body>Down for maintenance</body></html>",
    )

    with pytest.raises(SpamExpertsUnavailable) as caught:
        spamexperts_client.domain_getroute(domain="example.nl")

    assert caught.value.code == "unexpected_answer"


def test_connection_dropped_before_commit_is_transient_and_adds_nothing(
    spamexperts_client, spamexperts_sandbox
):
    arm_fault(spamexperts_sandbox, operation="domain/add", mode="drop_before")

    with pytest.raises(SpamExpertsUnavailable):
        spamexperts_client.domain_add(domain="example.nl", destinations=ROUTE)

    assert domains(spamexperts_sandbox) == {}
    spamexperts_client.domain_add(domain="example.nl", destinations=ROUTE)
    assert spamexperts_client.domain_exists(domain="example.nl") is True


def test_connection_dropped_after_commit_leaves_the_domain_added(
    spamexperts_client, spamexperts_sandbox
):
    arm_fault(spamexperts_sandbox, operation="domain/add", mode="drop_after_commit")

    with pytest.raises(SpamExpertsUnavailable):
        spamexperts_client.domain_add(domain="example.nl", destinations=ROUTE)

    # The retry learns that the first attempt went through, which the caller adopts.
    with pytest.raises(SpamExpertsDomainExists):
        spamexperts_client.domain_add(domain="example.nl", destinations=ROUTE)
    assert spamexperts_client.domain_getroute(domain="example.nl") == ROUTE


def test_a_delay_beyond_the_timeout_is_transient(spamexperts_sandbox):
    client = SpamExpertsClient(
        spamexperts_sandbox.url, username="admin", password="sandbox", timeout=0.3
    )
    arm_fault(spamexperts_sandbox, operation="domain/exists", mode="delay", delay=1.0)

    with pytest.raises(SpamExpertsUnavailable) as caught:
        client.domain_exists(domain="example.nl")

    assert caught.value.code == "timeout"


def test_a_short_delay_still_answers(spamexperts_client, spamexperts_sandbox):
    arm_fault(spamexperts_sandbox, operation="domain/add", mode="delay", delay=0.2)

    spamexperts_client.domain_add(domain="example.nl", destinations=ROUTE)

    assert spamexperts_client.domain_exists(domain="example.nl") is True


def test_an_ignored_add_answers_success_but_the_domain_is_absent(
    spamexperts_client, spamexperts_sandbox
):
    arm_fault(spamexperts_sandbox, operation="domain/add", mode="ignore")

    spamexperts_client.domain_add(domain="example.nl", destinations=ROUTE)

    assert spamexperts_client.domain_exists(domain="example.nl") is False


def test_an_ignored_remove_answers_success_but_the_domain_stays(
    spamexperts_client, spamexperts_sandbox
):
    spamexperts_client.domain_add(domain="example.nl", destinations=ROUTE)
    arm_fault(spamexperts_sandbox, operation="domain/remove", mode="ignore")

    spamexperts_client.domain_remove(domain="example.nl")

    assert spamexperts_client.domain_exists(domain="example.nl") is True


def test_an_unreachable_panel_is_transient():
    sandbox = start()
    url = sandbox.url
    sandbox.stop()
    client = SpamExpertsClient(url, username="admin", password="sandbox", timeout=2.0)

    with pytest.raises(SpamExpertsUnavailable) as caught:
        client.domain_exists(domain="example.nl")

    assert caught.value.code == "connection"


def test_api_suffix_in_the_configured_url_is_accepted(spamexperts_sandbox):
    client = SpamExpertsClient(
        f"{spamexperts_sandbox.url}/api/", username="admin", password="sandbox", timeout=5.0
    )

    client.domain_add(domain="example.nl", destinations=ROUTE)

    assert client.domain_exists(domain="example.nl") is True


# Manual confirmation: the domain is present only once the provider has set it up.


def test_manual_confirmation_keeps_the_domain_absent_until_confirmed():
    sandbox = start(confirm="manual")
    client = SpamExpertsClient(sandbox.url, username="admin", password="sandbox", timeout=5.0)
    try:
        client.domain_add(domain="example.nl", destinations=ROUTE)
        assert client.domain_exists(domain="example.nl") is False
        assert client.domain_getroute(domain="example.nl") == ROUTE

        response = httpx.post(f"{sandbox.url}/_sandbox/confirm/example.nl", timeout=5)

        assert response.status_code == 200
        assert response.json() == {"domain": "example.nl", "confirmed": True}
        assert client.domain_exists(domain="example.nl") is True
    finally:
        client.close()
        sandbox.stop()
