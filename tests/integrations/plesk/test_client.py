"""Every PleskClient method against the simulator, read back through the XML API."""

from __future__ import annotations

import pytest

from hostwerk.integrations.plesk import (
    Customer,
    CustomerSpec,
    DnsRecord,
    Mailbox,
    PleskClient,
    ServerInfo,
    SiteAlias,
    Webspace,
    WebspaceSpec,
)
from hostwerk.sandbox.plesk.server import PleskSandbox, start


def test_server_info_names_the_server_and_its_version(
    plesk: PleskSandbox, plesk_client: PleskClient
):
    assert plesk_client.server_info() == ServerInfo(
        hostname="plesk1",
        guid=plesk.state.guid,
        version="18.0.61",
        operating_system="Debian 12.0",
    )


def test_customer_add_returns_the_new_customer_with_plesk_id_and_guid(
    plesk: PleskSandbox, customer: Customer
):
    stored = plesk.state.find_customer(login="stevelow")
    assert stored is not None
    assert customer == Customer(
        id=2,
        guid=stored.guid,
        login="stevelow",
        pname="Stephen Lowell",
        cname="LogicSoft Ltd.",
        email="host@logicsoft.example",
        phone="+31.201234567",
        address="Brisbane Road 105",
        city="Toronto",
        pcode="1234AB",
        country="CA",
        external_id="hostwerk-client-7",
        status=0,
    )
    assert len(customer.guid) == 36
    assert stored.password == "Jhtr66fBB"


def test_customer_get_finds_the_customer_by_id_login_and_external_id(
    plesk_client: PleskClient, customer: Customer
):
    assert plesk_client.customer_get(id=customer.id) == customer
    assert plesk_client.customer_get(login="stevelow") == customer
    assert plesk_client.customer_get(external_id="hostwerk-client-7") == customer


def test_customer_get_returns_none_for_an_unknown_customer(plesk_client: PleskClient):
    assert plesk_client.customer_get(login="nobody") is None
    assert plesk_client.customer_get(id=99) is None


def test_customer_get_needs_exactly_one_key(plesk_client: PleskClient):
    with pytest.raises(TypeError, match="exactly one of id, login, external-id"):
        plesk_client.customer_get(id=2, login="stevelow")
    with pytest.raises(TypeError):
        plesk_client.customer_get()


def test_customer_add_sends_only_the_fields_that_are_filled_in(
    plesk: PleskSandbox, plesk_client: PleskClient
):
    added = plesk_client.customer_add(
        CustomerSpec(login="minimal", password="secret123", pname="Mini Mal")
    )
    assert plesk_client.customer_get(login="minimal") == added
    assert added.email == ""
    assert added.external_id == ""


def test_customer_set_password_changes_the_stored_password(
    plesk: PleskSandbox, plesk_client: PleskClient, customer: Customer
):
    plesk_client.customer_set_password(id=customer.id, password="N3w-passw0rd")

    stored = plesk.state.find_customer(login="stevelow")
    assert stored is not None
    assert stored.password == "N3w-passw0rd"


def test_customer_del_removes_the_customer_and_its_webspaces(
    plesk: PleskSandbox, plesk_client: PleskClient, customer: Customer, webspace: Webspace
):
    plesk_client.customer_del(id=customer.id)

    assert plesk_client.customer_get(id=customer.id) is None
    assert plesk_client.webspace_get(id=webspace.id) is None
    assert plesk.state.counts() == {
        "customers": 0,
        "webspaces": 0,
        "aliases": 0,
        "mailboxes": 0,
        "dns_records": 0,
    }


def test_webspace_add_creates_hosting_with_plan_ip_and_ftp_login(
    plesk: PleskSandbox, plesk_client: PleskClient, customer: Customer, webspace: Webspace
):
    stored = plesk.state.find_webspace(name="example.com")
    assert stored is not None
    expected = Webspace(
        id=1,
        guid=stored.guid,
        name="example.com",
        owner_id=customer.id,
        status=0,
        hosting_type="vrt_hst",
        ip_addresses=("192.0.2.10",),
        plan_name="Default Domain",
        ftp_login="exampleuser",
        forwarding_url=None,
    )
    assert webspace == expected
    assert plesk_client.webspace_get(id=webspace.id) == expected
    assert plesk_client.webspace_get(name="example.com") == expected
    assert stored.ftp_password == "S3cret!pw"


@pytest.mark.parametrize("hosting_type", ["std_fwd", "frm_fwd"])
def test_webspace_add_creates_a_forwarding_webspace(
    plesk_client: PleskClient, customer: Customer, hosting_type: str
):
    added = plesk_client.webspace_add(
        WebspaceSpec(
            name="example.org",
            owner_id=customer.id,
            plan_name="Unlimited",
            ip_address="192.0.2.11",
            hosting_type=hosting_type,  # type: ignore[arg-type]
            forwarding_url="https://www.example.net/",
        )
    )

    assert plesk_client.webspace_get(name="example.org") == Webspace(
        id=added.id,
        guid=added.guid,
        name="example.org",
        owner_id=customer.id,
        status=0,
        hosting_type=hosting_type,
        ip_addresses=("192.0.2.11",),
        plan_name="Unlimited",
        ftp_login=None,
        forwarding_url="https://www.example.net/",
    )


def test_webspace_spec_refuses_hosting_without_ftp_credentials_and_unicode_names():
    with pytest.raises(ValueError, match="ftp_login and ftp_password"):
        WebspaceSpec(name="example.com", owner_id=2, plan_name="P", ip_address="192.0.2.10")
    with pytest.raises(ValueError, match="forwarding_url"):
        WebspaceSpec(
            name="example.com",
            owner_id=2,
            plan_name="P",
            ip_address="192.0.2.10",
            hosting_type="std_fwd",
        )
    with pytest.raises(ValueError, match="A-label"):
        WebspaceSpec(
            name="bücher.nl",
            owner_id=2,
            plan_name="P",
            ip_address="192.0.2.10",
            ftp_login="books",
            ftp_password="S3cret!pw",
        )


def test_webspace_get_returns_none_for_an_unknown_webspace(plesk_client: PleskClient):
    assert plesk_client.webspace_get(name="unknown.example") is None
    assert plesk_client.webspace_get(id=42) is None


def test_webspace_set_status_suspends_and_activates(plesk_client: PleskClient, webspace: Webspace):
    plesk_client.webspace_set_status(id=webspace.id, status="suspended")
    suspended = plesk_client.webspace_get(id=webspace.id)
    assert suspended is not None
    assert suspended.status == 16
    assert suspended.is_active is False

    plesk_client.webspace_set_status(id=webspace.id, status="active")
    active = plesk_client.webspace_get(id=webspace.id)
    assert active is not None
    assert active.status == 0
    assert active.is_active is True


def test_webspace_set_status_refuses_other_statuses(plesk_client: PleskClient):
    with pytest.raises(ValueError, match="'active' or 'suspended'"):
        plesk_client.webspace_set_status(id=1, status="deleted")  # type: ignore[arg-type]


def test_webspace_switch_plan_moves_the_webspace_to_the_other_plan(
    plesk_client: PleskClient, webspace: Webspace
):
    plesk_client.webspace_switch_plan(id=webspace.id, plan_name="Unlimited")

    switched = plesk_client.webspace_get(id=webspace.id)
    assert switched is not None
    assert switched.plan_name == "Unlimited"


def test_webspace_del_removes_the_webspace_with_its_mail_and_dns(
    plesk: PleskSandbox, plesk_client: PleskClient, webspace: Webspace
):
    plesk_client.mail_create(site_id=webspace.id, name="info", password="S3cret!pw")

    plesk_client.webspace_del(id=webspace.id)

    assert plesk_client.webspace_get(id=webspace.id) is None
    assert plesk.state.counts()["mailboxes"] == 0
    assert plesk.state.counts()["dns_records"] == 0
    assert plesk.state.counts()["customers"] == 1


def test_site_alias_create_get_and_delete(plesk_client: PleskClient, webspace: Webspace):
    alias_id = plesk_client.site_alias_create(site_id=webspace.id, name="example.net")

    assert alias_id == 1
    assert plesk_client.site_alias_get(site_id=webspace.id) == [
        SiteAlias(id=1, site_id=webspace.id, name="example.net", web=True, mail=True, status=0)
    ]

    plesk_client.site_alias_delete(id=alias_id)

    assert plesk_client.site_alias_get(site_id=webspace.id) == []


def test_mail_create_returns_the_mailbox_and_mail_get_reads_it_back(
    plesk_client: PleskClient, webspace: Webspace
):
    created = plesk_client.mail_create(
        site_id=webspace.id, name="info", password="S3cret!pw", quota_bytes=1073741824
    )

    expected = Mailbox(id=1, site_id=webspace.id, name="info", enabled=True, quota_bytes=1073741824)
    assert created == expected
    assert plesk_client.mail_get(site_id=webspace.id, name="info") == expected


def test_mail_create_without_quota_reads_back_as_unlimited(
    plesk_client: PleskClient, webspace: Webspace
):
    plesk_client.mail_create(site_id=webspace.id, name="sales", password="S3cret!pw")

    mailbox = plesk_client.mail_get(site_id=webspace.id, name="sales")
    assert mailbox is not None
    assert mailbox.quota_bytes is None


def test_mail_get_returns_none_for_an_unknown_mailbox(
    plesk_client: PleskClient, webspace: Webspace
):
    assert plesk_client.mail_get(site_id=webspace.id, name="nobody") is None


def test_mail_list_returns_every_mailbox_of_the_site(plesk_client: PleskClient, webspace: Webspace):
    assert plesk_client.mail_list(site_id=webspace.id) == []

    plesk_client.mail_create(site_id=webspace.id, name="info", password="S3cret!pw")
    plesk_client.mail_create(
        site_id=webspace.id, name="sales", password="S3cret!pw", quota_bytes=5000
    )

    assert plesk_client.mail_list(site_id=webspace.id) == [
        Mailbox(id=1, site_id=webspace.id, name="info", enabled=True, quota_bytes=None),
        Mailbox(id=2, site_id=webspace.id, name="sales", enabled=True, quota_bytes=5000),
    ]


def test_mail_update_changes_password_and_quota(
    plesk: PleskSandbox, plesk_client: PleskClient, webspace: Webspace
):
    plesk_client.mail_create(site_id=webspace.id, name="info", password="S3cret!pw")

    plesk_client.mail_update(
        site_id=webspace.id, name="info", password="An0ther-pw", quota_bytes=2048
    )

    mailbox = plesk_client.mail_get(site_id=webspace.id, name="info")
    assert mailbox is not None
    assert mailbox.quota_bytes == 2048
    stored = plesk.state.find_mailbox("info@example.com")
    assert stored is not None
    assert stored.password == "An0ther-pw"


def test_mail_update_needs_something_to_change(plesk_client: PleskClient):
    with pytest.raises(ValueError, match="password or a quota"):
        plesk_client.mail_update(site_id=1, name="info")


def test_mail_remove_deletes_the_mailbox(plesk_client: PleskClient, webspace: Webspace):
    plesk_client.mail_create(site_id=webspace.id, name="info", password="S3cret!pw")

    plesk_client.mail_remove(site_id=webspace.id, name="info")

    assert plesk_client.mail_get(site_id=webspace.id, name="info") is None


def test_spam_filter_of_a_new_mailbox_is_off_until_switched_on(
    plesk: PleskSandbox, plesk_client: PleskClient, webspace: Webspace
):
    plesk_client.mail_create(site_id=webspace.id, name="info", password="S3cret!pw")
    assert plesk_client.spamfilter_get(mailbox="info@example.com") is False

    plesk_client.spamfilter_set(
        mailbox="info@example.com", enabled=True, action="move", required_score=5.5
    )

    assert plesk_client.spamfilter_get(mailbox="info@example.com") is True
    stored = plesk.state.find_mailbox("info@example.com")
    assert stored is not None
    assert (stored.spam_filter, stored.spam_action, stored.spam_required_score) == (
        True,
        "move",
        "5.5",
    )


def test_spamfilter_set_switches_the_filter_off_again(
    plesk_client: PleskClient, webspace: Webspace
):
    plesk_client.mail_create(site_id=webspace.id, name="info", password="S3cret!pw")
    plesk_client.spamfilter_set(mailbox="info@example.com", enabled=True)

    plesk_client.spamfilter_set(mailbox="info@example.com", enabled=False)

    assert plesk_client.spamfilter_get(mailbox="info@example.com") is False


def test_dns_get_records_returns_the_default_zone_of_a_new_webspace(
    plesk_client: PleskClient, webspace: Webspace
):
    records = plesk_client.dns_get_records(site_id=webspace.id)

    by_type = {(r.type, r.host, r.value, r.opt) for r in records}
    assert ("A", "example.com.", "192.0.2.10", None) in by_type
    assert ("A", "www.example.com.", "192.0.2.10", None) in by_type
    assert ("A", "mail.example.com.", "192.0.2.10", None) in by_type
    assert ("MX", "example.com.", "mail.example.com.", "10") in by_type
    assert ("NS", "example.com.", "ns1.example.com.", None) in by_type
    assert all(record.site_id == webspace.id for record in records)
    assert len(records) == 12


def test_dns_add_record_then_delete_record(plesk_client: PleskClient, webspace: Webspace):
    record_id = plesk_client.dns_add_record(
        site_id=webspace.id, type="MX", host="", value="mx.spamexperts.com", opt="10"
    )

    added = [r for r in plesk_client.dns_get_records(site_id=webspace.id) if r.id == record_id]
    assert added == [
        DnsRecord(
            id=record_id,
            site_id=webspace.id,
            type="MX",
            host="example.com.",
            value="mx.spamexperts.com.",
            opt="10",
        )
    ]

    plesk_client.dns_delete_record(id=record_id)

    assert record_id not in {r.id for r in plesk_client.dns_get_records(site_id=webspace.id)}


def test_client_works_with_a_secret_key_instead_of_a_password(make_client):
    key = "c5b239d1-0000-4000-8000-000000000001"
    with start(name="keyed", secret_key=key) as sandbox:
        client = make_client(sandbox.url, secret_key=key)

        assert client.server_info().hostname == "keyed"


def test_client_needs_credentials():
    with pytest.raises(ValueError, match="login and password, or a secret key"):
        PleskClient("http://127.0.0.1:8880", login="admin")
