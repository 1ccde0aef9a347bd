"""The simulator's control endpoints (/_sandbox/...) and the PleskState methods tests use."""

from __future__ import annotations

import httpx
import pytest

from hostwerk.integrations.plesk import (
    CustomerSpec,
    PleskClient,
    PleskObjectExists,
    PleskUnavailable,
    WebspaceSpec,
)
from hostwerk.sandbox.plesk.server import PleskSandbox


def provision(client: PleskClient) -> int:
    """Customer stevelow with example.com, mailbox info (spam filter on) and alias example.net."""
    customer = client.customer_add(
        CustomerSpec(
            login="stevelow", password="Jhtr66fBB", pname="Stephen Lowell", external_id="hw-7"
        )
    )
    webspace = client.webspace_add(
        WebspaceSpec(
            name="example.com",
            owner_id=customer.id,
            plan_name="Pro",
            ip_address="192.0.2.10",
            ftp_login="exampleuser",
            ftp_password="S3cret!pw",
        )
    )
    client.mail_create(site_id=webspace.id, name="info", password="S3cret!pw")
    client.spamfilter_set(mailbox="info@example.com", enabled=True, action="move")
    client.site_alias_create(site_id=webspace.id, name="example.net")
    return webspace.id


def test_state_endpoint_dumps_customers_webspaces_mailboxes_and_aliases(
    http: httpx.Client, plesk_client: PleskClient
):
    site_id = provision(plesk_client)

    response = http.get("/_sandbox/state")

    assert response.status_code == 200
    state = response.json()
    assert [(c["id"], c["login"], c["external_id"]) for c in state["customers"]] == [
        (2, "stevelow", "hw-7")
    ]
    assert "password" not in state["customers"][0]
    assert [
        (w["id"], w["name"], w["owner_id"], w["plan_name"], w["status"]) for w in state["webspaces"]
    ] == [(site_id, "example.com", 2, "Pro", 0)]
    assert "ftp_password" not in state["webspaces"][0]
    assert [
        (m["address"], m["spam_filter"], m["spam_action"], m["quota"]) for m in state["mailboxes"]
    ] == [("info@example.com", True, "move", -1)]
    assert [(a["name"], a["site_id"]) for a in state["aliases"]] == [("example.net", site_id)]
    assert [p["name"] for p in state["plans"]] == ["Basic", "Pro"]
    assert state["ips"] == ["192.0.2.10", "192.0.2.11"]


def test_faults_endpoint_arms_a_fault_from_json(
    plesk: PleskSandbox, http: httpx.Client, plesk_client: PleskClient
):
    response = http.post(
        "/_sandbox/faults",
        json={"operation": "customer.add", "mode": "error", "code": 1007, "text": "Taken."},
    )

    assert response.status_code == 200
    assert response.json() == {
        "pending": [
            {
                "operation": "customer.add",
                "mode": "error",
                "count": 1,
                "code": 1007,
                "text": "Taken.",
                "delay": 0.0,
            }
        ]
    }
    with pytest.raises(PleskObjectExists, match=r"\(1007\): Taken\.$"):
        plesk_client.customer_add(CustomerSpec(login="a1", password="secret1", pname="A"))
    assert http.get("/_sandbox/faults").json() == {"pending": []}


def test_faults_endpoint_takes_a_list_of_faults(plesk: PleskSandbox, http: httpx.Client):
    response = http.post(
        "/_sandbox/faults",
        json=[
            {"operation": "webspace.add", "mode": "drop_after_commit"},
            {"operation": "mail.create", "mode": "delay", "delay": 0.5, "count": 2},
        ],
    )

    assert [(f["operation"], f["mode"], f["count"]) for f in response.json()["pending"]] == [
        ("webspace.add", "drop_after_commit", 1),
        ("mail.create", "delay", 2),
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"mode": "error"}, "missing field 'operation'"),
        ({"operation": "customer.add", "mode": "explode"}, "unknown fault mode 'explode'"),
        ({"operation": "customer.add", "count": 0}, "a fault needs count >= 1"),
    ],
)
def test_faults_endpoint_refuses_a_bad_fault_with_400(
    plesk: PleskSandbox, http: httpx.Client, body: dict, message: str
):
    response = http.post("/_sandbox/faults", json=body)

    assert response.status_code == 400
    assert message in response.json()["error"]
    assert plesk.state.faults.pending() == []


def test_faults_endpoint_refuses_a_body_that_is_not_json(http: httpx.Client):
    response = http.post("/_sandbox/faults", content=b"operation=customer.add")

    assert response.status_code == 400


def test_a_dropping_fault_armed_over_http_drops_the_connection(
    http: httpx.Client, plesk_client: PleskClient
):
    http.post("/_sandbox/faults", json={"operation": "server.get", "mode": "drop_before"})

    with pytest.raises(PleskUnavailable):
        plesk_client.server_info()


def test_reset_endpoint_forgets_everything_and_disarms_faults(
    plesk: PleskSandbox, http: httpx.Client, plesk_client: PleskClient
):
    provision(plesk_client)
    http.post("/_sandbox/faults", json={"operation": "customer.add"})

    response = http.post("/_sandbox/reset")

    assert response.json() == {"status": "ok"}
    assert plesk.state.counts() == {
        "customers": 0,
        "webspaces": 0,
        "aliases": 0,
        "mailboxes": 0,
        "dns_records": 0,
    }
    assert plesk.state.faults.pending() == []
    assert [plan.name for plan in plesk.state.plans] == ["Basic", "Pro"]
    assert (
        plesk_client.customer_add(
            CustomerSpec(login="stevelow", password="Jhtr66fBB", pname="S")
        ).id
        == 2
    )


def test_state_methods_count_and_find_objects(plesk: PleskSandbox, plesk_client: PleskClient):
    site_id = provision(plesk_client)
    state = plesk.state

    assert state.counts() == {
        "customers": 1,
        "webspaces": 1,
        "aliases": 1,
        "mailboxes": 1,
        "dns_records": 12,
    }
    customer = state.find_customer(login="stevelow")
    assert customer is not None
    assert customer.pname == "Stephen Lowell"
    webspace = state.find_webspace(name="EXAMPLE.com.")
    assert webspace is not None
    assert webspace.id == site_id
    assert state.plan_name_of(webspace) == "Pro"
    mailbox = state.find_mailbox("Info@Example.com")
    assert mailbox is not None
    assert mailbox.spam_filter is True
    assert state.find_mailbox("info@example.net") is mailbox
    assert state.find_mailbox("nobody@example.com") is None
    assert state.find_customer(login="nobody") is None
