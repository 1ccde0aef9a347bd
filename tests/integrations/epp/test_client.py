"""EppClient against the EPP simulator over real TLS sockets: session, commands, logs, errors."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from hostwerk.integrations.epp import (
    Availability,
    DomainContact,
    EppAuthenticationError,
    EppAuthorizationError,
    EppClient,
    EppConnectFailed,
    EppMissingParameter,
    EppObjectExists,
    EppObjectNotFound,
    EppPolicyError,
    EppSessionEnded,
    EppStatusProhibits,
    EppSyntaxError,
    EppUnimplemented,
    EppValueRangeError,
    ExchangeLog,
    namespaces,
)
from hostwerk.sandbox.faults import Fault
from tests.sandbox.epp.support import contact_spec, control, free_port, make_client

TODAY = datetime.now(UTC).date()


def create_domain(client, name="voorbeeld.com", *, years=1, nameservers=(), owner="HW-OWNER1"):
    if client.contact_check([owner])[0].available:
        client.contact_create(contact_spec(owner))
    return client.domain_create(
        name=name,
        years=years,
        registrant=owner,
        admin_contacts=[owner],
        tech_contacts=[owner],
        nameservers=nameservers,
        auth_code="Domain-Secret-1",
    )


def logins(log: list[ExchangeLog]) -> list[ExchangeLog]:
    return [entry for entry in log if entry.command == "login"]


# -- session -------------------------------------------------------------------------------------


def test_greeting_lists_the_registry_objects_and_extensions(admin):
    greeting = admin.connect()

    assert greeting.server_id == "Hostwerk EPP sandbox"
    assert greeting.versions == ("1.0",)
    assert greeting.object_uris == (namespaces.DOMAIN, namespaces.CONTACT, namespaces.HOST)
    assert greeting.extension_uris == (namespaces.SIDN, namespaces.SECDNS)


def test_login_announces_the_objects_and_only_the_extensions_the_client_speaks(sandbox):
    log: list[ExchangeLog] = []
    client = make_client(sandbox, log=log)
    client.connect()

    request = logins(log)[0].request_xml
    for uri in (namespaces.DOMAIN, namespaces.CONTACT, namespaces.HOST):
        assert f"<objURI>{uri}</objURI>" in request
    assert f"<extURI>{namespaces.SIDN}</extURI>" in request
    assert namespaces.SECDNS not in request
    assert "<lang>en</lang>" in request
    assert client.extension_uris == (namespaces.SIDN,)
    client.close()


def test_login_password_never_appears_in_the_exchange_log(sandbox):
    log: list[ExchangeLog] = []
    client = make_client(sandbox, password="sandbox", log=log)
    client.connect()

    login = logins(log)[0]
    assert "sandbox" not in login.request_xml
    assert "<pw>********</pw>" in login.request_xml
    assert login.result_code == 1000
    client.close()


def test_auth_codes_are_redacted_in_requests_and_responses(sandbox):
    log: list[ExchangeLog] = []
    client = make_client(sandbox, log=log)
    create_domain(client)
    client.domain_info(name="voorbeeld.com")

    create = next(entry for entry in log if entry.command == "domain:create")
    info = next(entry for entry in log if entry.command == "domain:info")
    contact = next(entry for entry in log if entry.command == "contact:create")
    assert "Domain-Secret-1" not in create.request_xml
    assert "Domain-Secret-1" not in info.response_xml
    assert "Contact-Secret-1" not in contact.request_xml
    assert "<domain:pw>********</domain:pw>" in info.response_xml
    client.close()


def test_every_command_gets_its_own_client_transaction_id(sandbox):
    log: list[ExchangeLog] = []
    client = make_client(sandbox, log=log)
    for _ in range(5):
        client.domain_check(["voorbeeld.com"])
    client.close()

    ids = [entry.client_transaction_id for entry in log]
    assert len(ids) == 7  # login, 5 checks, logout
    assert len(set(ids)) == 7
    assert all(item.startswith("HW-") and 3 <= len(item) <= 64 for item in ids)
    assert all(entry.server_transaction_id.startswith("SIM-") for entry in log)


def test_the_exchange_log_names_command_object_result_and_both_ids(sandbox):
    log: list[ExchangeLog] = []
    client = make_client(sandbox, log=log)
    result = create_domain(client)

    entry = log[-1]
    assert entry.command == "domain:create"
    assert entry.object_name == "voorbeeld.com"
    assert entry.result_code == 1000
    assert entry.message == "Command completed successfully"
    assert entry.client_transaction_id == result.client_transaction_id
    assert entry.server_transaction_id == result.server_transaction_id
    assert "<domain:name>voorbeeld.com</domain:name>" in entry.request_xml
    assert "<domain:creData" in entry.response_xml
    assert client.last_exchange == entry
    client.close()


def test_a_wrong_password_raises_authentication_error_and_keeps_no_session(sandbox):
    client = make_client(sandbox, password="wrong-password")

    with pytest.raises(EppAuthenticationError) as caught:
        client.domain_check(["voorbeeld.com"])

    assert caught.value.code == 2200
    assert caught.value.message == "Authentication error"
    assert not client.connected


def test_connecting_to_a_closed_port_raises_connect_failed():
    client = EppClient("127.0.0.1", free_port(), client_id="admin", password="sandbox", timeout=2)

    with pytest.raises(EppConnectFailed, match="cannot connect"):
        client.domain_check(["voorbeeld.com"])


def test_an_untrusted_certificate_is_refused(sandbox):
    client = EppClient(sandbox.host, sandbox.port, client_id="admin", password="sandbox", timeout=2)

    with pytest.raises(EppConnectFailed, match="TLS handshake"):
        client.connect()


def test_verification_can_be_switched_off_for_a_test_registry(sandbox):
    client = EppClient(
        sandbox.host,
        sandbox.port,
        client_id="admin",
        password="sandbox",
        timeout=2,
        verify_tls=False,
    )

    assert client.connect().server_id == "Hostwerk EPP sandbox"
    client.close()


def test_client_reconnects_and_logs_in_again_after_the_registry_drops_all_sessions(sandbox):
    log: list[ExchangeLog] = []
    client = make_client(sandbox, log=log)
    client.domain_check(["voorbeeld.com"])

    status, body = control(sandbox, "POST", "/_sandbox/drop-connections")
    assert (status, body) == (200, {"dropped": 1})

    assert client.domain_check(["voorbeeld.com"])[0].available is True
    assert len(logins(log)) == 2
    client.close()


def test_logout_ends_the_session_and_the_next_command_opens_a_new_one(sandbox):
    log: list[ExchangeLog] = []
    client = make_client(sandbox, log=log)
    client.domain_check(["voorbeeld.com"])
    client.logout()

    assert not client.connected
    assert log[-1].command == "logout"
    assert log[-1].result_code == 1500
    client.domain_check(["voorbeeld.com"])
    assert len(logins(log)) == 2
    client.close()


def test_keepalive_sends_hello_only_after_the_idle_time(sandbox):
    log: list[ExchangeLog] = []
    client = make_client(sandbox, log=log)

    assert client.keepalive(max_idle_seconds=0) is False  # not connected: nothing to keep
    client.connect()
    assert client.keepalive(max_idle_seconds=300) is False
    assert client.keepalive(max_idle_seconds=0) is True
    assert log[-1].command == "hello"
    assert client.greeting is not None
    client.close()


def test_keepalive_on_a_dropped_session_is_quiet_and_the_next_call_reconnects(sandbox):
    client = make_client(sandbox)
    client.connect()
    sandbox.drop_connections()

    client.keepalive(max_idle_seconds=0)

    assert client.domain_check(["voorbeeld.com"])[0].available is True
    client.close()


def test_a_25xx_answer_ends_the_session_and_the_next_call_logs_in_again(sandbox):
    log: list[ExchangeLog] = []
    client = make_client(sandbox, log=log)
    client.connect()
    sandbox.state.faults.add(Fault("domain:check", mode="error", code=2500))

    with pytest.raises(EppSessionEnded):
        client.domain_check(["voorbeeld.com"])
    assert not client.connected
    assert client.domain_check(["voorbeeld.com"])[0].available
    assert len(logins(log)) == 2
    client.close()


# -- domains -------------------------------------------------------------------------------------


def test_domain_check_gives_reasons_for_unavailable_names(admin):
    create_domain(admin, "bezet.com")

    result = admin.domain_check(["vrij.com", "bezet.com", "nic.com", "vrij.xyz", "-fout.com"])

    assert result == [
        Availability("vrij.com", True, ""),
        Availability("bezet.com", False, "In use"),
        Availability("nic.com", False, "Reserved by the registry"),
        Availability("vrij.xyz", False, "Not served by this registry"),
        Availability("-fout.com", False, "Invalid domain name"),
    ]


def test_domain_create_returns_dates_and_info_shows_the_domain(admin):
    before = datetime.now(UTC) - timedelta(seconds=1)
    result = create_domain(admin, years=2, nameservers=["ns1.hostwerk.test", "ns2.hostwerk.test"])

    assert result.name == "voorbeeld.com"
    assert result.pending is False
    assert result.created >= before
    assert result.expires.date() == result.created.date().replace(year=result.created.year + 2)
    info = admin.domain_info(name="voorbeeld.com")
    assert info.name == "voorbeeld.com"
    assert info.roid.endswith("-COM")
    assert info.statuses == ("ok",)
    assert info.registrant == "HW-OWNER1"
    assert info.contacts == {"admin": ["HW-OWNER1"], "tech": ["HW-OWNER1"]}
    assert info.nameservers == ("ns1.hostwerk.test", "ns2.hostwerk.test")
    assert info.sponsoring_client_id == "admin"
    assert info.expires == result.expires
    assert info.auth_code == "Domain-Secret-1"


def test_a_domain_without_nameservers_is_inactive(admin):
    create_domain(admin)

    assert admin.domain_info(name="voorbeeld.com").statuses == ("inactive",)


def test_creating_a_registered_domain_raises_object_exists(admin):
    create_domain(admin)

    with pytest.raises(EppObjectExists) as caught:
        create_domain(admin)
    assert caught.value.code == 2302
    assert "registered already" in caught.value.reason


def test_info_of_an_unknown_domain_raises_object_not_found(admin):
    with pytest.raises(EppObjectNotFound) as caught:
        admin.domain_info(name="onbekend.com")
    assert caught.value.message == "Object does not exist"


def test_another_registrar_sees_limited_info_without_the_auth_code(admin, other):
    create_domain(admin, nameservers=["ns1.hostwerk.test"])

    info = other.domain_info(name="voorbeeld.com")

    assert info.sponsoring_client_id == "admin"
    assert info.registrant == ""
    assert info.contacts == {}
    assert info.nameservers == ()
    assert info.auth_code is None


def test_another_registrar_with_the_auth_code_sees_the_full_info(admin, other):
    create_domain(admin, nameservers=["ns1.hostwerk.test"])

    info = other.domain_info(name="voorbeeld.com", auth_code="Domain-Secret-1")

    assert info.registrant == "HW-OWNER1"
    assert info.nameservers == ("ns1.hostwerk.test",)
    assert info.auth_code is None  # only the sponsor is told the auth code


def test_a_wrong_auth_code_on_info_raises_authorization_error(admin, other):
    create_domain(admin)

    with pytest.raises(EppAuthorizationError) as caught:
        other.domain_info(name="voorbeeld.com", auth_code="not-it")
    assert caught.value.code == 2202


def test_domain_renew_returns_the_new_expiry_date(admin):
    created = create_domain(admin)
    current = created.expires.date()

    new_expiry = admin.domain_renew(name="voorbeeld.com", current_expiry=current, years=2)

    assert new_expiry == current.replace(year=current.year + 2)
    assert admin.domain_info(name="voorbeeld.com").expires.date() == new_expiry


def test_renewing_with_a_stale_expiry_date_is_refused_so_it_never_renews_twice(admin):
    created = create_domain(admin)
    current = created.expires.date()
    admin.domain_renew(name="voorbeeld.com", current_expiry=current, years=1)

    with pytest.raises(EppValueRangeError) as caught:
        admin.domain_renew(name="voorbeeld.com", current_expiry=current, years=1)
    assert "does not match" in caught.value.reason


def test_renewing_beyond_ten_years_is_refused(admin):
    created = create_domain(admin, years=9)

    with pytest.raises(EppValueRangeError):
        admin.domain_renew(name="voorbeeld.com", current_expiry=created.expires.date(), years=2)


def test_domain_update_changes_nameservers_contacts_registrant_and_auth_code(admin):
    create_domain(admin, nameservers=["ns1.hostwerk.test", "ns2.hostwerk.test"])
    admin.contact_create(contact_spec("HW-TECH2"))
    admin.contact_create(contact_spec("HW-OWNER2"))

    result = admin.domain_update(
        name="voorbeeld.com",
        add_nameservers=["ns3.hostwerk.test"],
        remove_nameservers=["ns1.hostwerk.test"],
        add_contacts=[DomainContact("tech", "HW-TECH2")],
        remove_contacts=[("tech", "HW-OWNER1")],
        new_registrant="HW-OWNER2",
        new_auth_code="New-Secret-2",
    )

    assert result.code == 1000
    info = admin.domain_info(name="voorbeeld.com")
    assert info.nameservers == ("ns2.hostwerk.test", "ns3.hostwerk.test")
    assert info.contacts == {"admin": ["HW-OWNER1"], "tech": ["HW-TECH2"]}
    assert info.registrant == "HW-OWNER2"
    assert info.auth_code == "New-Secret-2"
    assert info.updated is not None


def test_an_update_without_changes_is_refused_before_sending(admin):
    with pytest.raises(ValueError, match="at least one change"):
        admin.domain_update(name="voorbeeld.com")


def test_only_the_sponsor_may_update_a_domain(admin, other):
    create_domain(admin)

    with pytest.raises(EppAuthorizationError) as caught:
        other.domain_update(name="voorbeeld.com", new_auth_code="Hijack-1")
    assert caught.value.code == 2201
    assert admin.domain_info(name="voorbeeld.com").auth_code == "Domain-Secret-1"


def test_domain_delete_removes_the_domain(admin):
    create_domain(admin)

    assert admin.domain_delete(name="voorbeeld.com").code == 1000
    assert admin.domain_check(["voorbeeld.com"])[0].available is True


def test_a_domain_whose_host_serves_another_domain_cannot_be_deleted(admin):
    create_domain(admin, "hoster.com")
    admin.host_create(name="ns1.hoster.com", addresses=["192.0.2.53", "2001:db8::53"])
    create_domain(admin, "klant.com", nameservers=["ns1.hoster.com"])

    with pytest.raises(EppStatusProhibits) as caught:
        admin.domain_delete(name="hoster.com")
    assert caught.value.code == 2305
    assert admin.domain_info(name="hoster.com").hosts == ("ns1.hoster.com",)


def test_a_policy_refusal_keeps_the_registry_reason(admin):
    admin.contact_create(contact_spec())

    with pytest.raises(EppPolicyError) as caught:
        admin.domain_create(
            name="nic.com",
            years=1,
            registrant="HW-OWNER1",
            admin_contacts=["HW-OWNER1"],
            tech_contacts=["HW-OWNER1"],
            auth_code="Domain-Secret-1",
        )
    assert caught.value.code == 2306
    assert caught.value.reason == "nic.com: Reserved by the registry"


def test_a_create_without_registrant_contact_raises_object_not_found(admin):
    with pytest.raises(EppObjectNotFound, match="registrant contact HW-NOBODY"):
        admin.domain_create(
            name="voorbeeld.com",
            years=1,
            registrant="HW-NOBODY",
            admin_contacts=[],
            tech_contacts=[],
            auth_code="Domain-Secret-1",
        )


# -- contacts ------------------------------------------------------------------------------------


def test_contact_create_info_and_update(admin):
    contact_id = admin.contact_create(
        contact_spec("HW-OWNER1", province="Gelderland", fax="+31.201234568")
    )

    assert contact_id == "HW-OWNER1"
    info = admin.contact_info(id="HW-OWNER1")
    assert (info.name, info.organization, info.street_lines) == (
        "Jan Jansen",
        "Voorbeeld BV",
        ("Dorpsstraat 1",),
    )
    assert (info.city, info.province, info.postcode, info.country_code) == (
        "Arnhem",
        "Gelderland",
        "6825 MD",
        "NL",
    )
    assert (info.voice, info.fax, info.email) == (
        "+31.201234567",
        "+31.201234568",
        "jan@voorbeeld.nl",
    )
    assert info.auth_code == "Contact-Secret-1"
    assert (info.legal_form, info.legal_form_registration_number) == ("BV", "14633770")
    assert info.sponsoring_client_id == "admin"

    admin.contact_update(
        id="HW-OWNER1",
        spec=contact_spec(
            "HW-OWNER1",
            name="Piet Jansen",
            street_lines=("Kerkstraat 2", "bus 3"),
            voice="+31.612345678",
            legal_form="STICHTING",
            legal_form_registration_number="41234567",
        ),
    )
    info = admin.contact_info(id="HW-OWNER1")
    assert info.name == "Piet Jansen"
    assert info.street_lines == ("Kerkstraat 2", "bus 3")
    assert info.voice == "+31.612345678"
    assert info.legal_form == "STICHTING"
    assert info.updated is not None


def test_contact_check_reports_used_ids(admin):
    admin.contact_create(contact_spec("HW-OWNER1"))

    assert admin.contact_check(["HW-OWNER1", "HW-FREE1"]) == [
        Availability("HW-OWNER1", False, "In use"),
        Availability("HW-FREE1", True, ""),
    ]


def test_creating_an_existing_contact_raises_object_exists(admin):
    admin.contact_create(contact_spec())

    with pytest.raises(EppObjectExists):
        admin.contact_create(contact_spec())


def test_a_phone_number_not_in_epp_form_raises_syntax_error(admin):
    with pytest.raises(EppSyntaxError) as caught:
        admin.contact_create(contact_spec(voice="020-1234567"))
    assert caught.value.code == 2005
    assert "+31.201234567" in caught.value.reason
    assert admin.contact_check(["HW-OWNER1"])[0].available is True


def test_a_contact_without_auth_code_gets_a_generated_one(admin):
    admin.contact_create(contact_spec(auth_code=""))

    assert len(admin.contact_info(id="HW-OWNER1").auth_code or "") >= 12


def test_another_registrar_is_not_told_a_contact_auth_code(admin, other):
    admin.contact_create(contact_spec())

    assert other.contact_info(id="HW-OWNER1").auth_code is None


def test_unknown_contact_raises_object_not_found(admin):
    with pytest.raises(EppObjectNotFound):
        admin.contact_info(id="HW-NOBODY")


# -- hosts and poll ------------------------------------------------------------------------------


def test_host_create_and_check(admin):
    create_domain(admin, "hoster.com")

    admin.host_create(name="ns1.hoster.com", addresses=["192.0.2.53"])

    assert admin.host_check(["ns1.hoster.com", "ns2.hoster.com"]) == [
        Availability("ns1.hoster.com", False, "In use"),
        Availability("ns2.hoster.com", True, ""),
    ]


def test_a_host_inside_our_domain_needs_its_addresses(admin):
    create_domain(admin, "hoster.com")

    with pytest.raises(EppMissingParameter, match="give its addresses"):
        admin.host_create(name="ns1.hoster.com")


def test_an_external_host_may_not_have_addresses(admin):
    with pytest.raises(EppPolicyError):
        admin.host_create(name="ns1.elders.net", addresses=["192.0.2.1"])


def test_poll_request_on_an_empty_queue_returns_none(admin):
    assert admin.poll_request() is None


def test_acknowledging_an_unknown_message_raises_object_not_found(admin):
    with pytest.raises(EppObjectNotFound):
        admin.poll_ack(message_id="999")


def test_transfer_query_without_a_transfer_raises_status_prohibits(admin):
    create_domain(admin)

    with pytest.raises(EppStatusProhibits) as caught:
        admin.domain_transfer_query(name="voorbeeld.com")
    assert caught.value.code == 2301


def test_renewing_a_nl_domain_raises_unimplemented(admin):
    with pytest.raises(EppUnimplemented) as caught:
        admin.domain_renew(name="voorbeeld.nl", current_expiry=TODAY, years=1)
    assert caught.value.code == 2101


# -- every mapped error class, end to end ---------------------------------------------------------

ERROR_CODES = {
    2001: "EppSyntaxError",
    2003: "EppMissingParameter",
    2004: "EppValueRangeError",
    2005: "EppSyntaxError",
    2101: "EppUnimplemented",
    2102: "EppUnimplemented",
    2104: "EppBillingFailure",
    2200: "EppAuthenticationError",
    2201: "EppAuthorizationError",
    2202: "EppAuthorizationError",
    2302: "EppObjectExists",
    2303: "EppObjectNotFound",
    2304: "EppStatusProhibits",
    2305: "EppStatusProhibits",
    2306: "EppPolicyError",
    2308: "EppPolicyError",
    2400: "EppCommandFailed",
    2500: "EppSessionEnded",
    2501: "EppSessionEnded",
    2502: "EppSessionEnded",
}


@pytest.mark.parametrize(("code", "class_name"), sorted(ERROR_CODES.items()))
def test_each_result_code_from_the_registry_raises_its_class(admin, sandbox, code, class_name):
    import hostwerk.integrations.epp as epp

    admin.connect()
    sandbox.state.faults.add(
        Fault("domain:create", mode="error", code=code, text=f"Registry says {code}")
    )

    with pytest.raises(getattr(epp, class_name)) as caught:
        create_domain(admin)

    assert caught.value.code == code
    assert caught.value.message == f"Registry says {code}"
    assert caught.value.command == "domain:create"
    assert caught.value.server_transaction_id.startswith("SIM-")


def test_renew_period_counts_from_the_current_expiry_not_today(admin):
    created = create_domain(admin)
    expiry = admin.domain_renew(
        name="voorbeeld.com", current_expiry=created.expires.date(), years=1
    )
    assert expiry - TODAY > timedelta(days=700)
    assert isinstance(expiry, date)
