"""The simulator speaks EPP like a registry: greeting, login rules, result codes, framing."""

from __future__ import annotations

import pytest

from hostwerk.integrations.epp import namespaces
from tests.sandbox.epp.support import RawSession, result_code, result_text

SIDN_EXTENSION = f"<svcExtension><extURI>{namespaces.SIDN}</extURI></svcExtension>"


@pytest.fixture
def raw(sandbox):
    session = RawSession(sandbox)
    yield session
    session.close()


def test_the_greeting_comes_first_and_names_services_and_extensions(raw):
    greeting = raw.greeting.find(f"{{{namespaces.EPP}}}greeting")

    assert greeting is not None
    assert result_text(raw.greeting, "svID") == "Hostwerk EPP sandbox"
    uris = [item.text for item in raw.greeting.iter(f"{{{namespaces.EPP}}}objURI")]
    extensions = [item.text for item in raw.greeting.iter(f"{{{namespaces.EPP}}}extURI")]
    assert uris == [namespaces.DOMAIN, namespaces.CONTACT, namespaces.HOST]
    assert extensions == [namespaces.SIDN, namespaces.SECDNS]


def test_hello_is_answered_with_a_greeting_before_and_after_login(raw):
    assert raw.send("<hello/>").find(f"{{{namespaces.EPP}}}greeting") is not None
    raw.login()
    assert raw.send("<hello/>").find(f"{{{namespaces.EPP}}}greeting") is not None


def test_a_command_before_login_is_a_command_use_error(raw):
    answer = raw.send(
        f'<command><check><domain:check xmlns:domain="{namespaces.DOMAIN}">'
        "<domain:name>voorbeeld.com</domain:name></domain:check></check>"
        "<clTRID>RAW-1</clTRID></command>"
    )

    assert result_code(answer) == 2002
    assert result_text(answer, "msg") == "Command use error"
    assert result_text(answer, "clTRID") == "RAW-1"
    assert result_text(answer, "svTRID").startswith("SIM-")


def test_a_wrong_password_is_an_authentication_error(raw):
    answer = raw.login(password="wrong-one")

    assert result_code(answer) == 2200
    assert result_text(answer, "msg") == "Authentication error"


def test_an_unknown_account_is_an_authentication_error(raw):
    assert result_code(raw.login(account="nobody")) == 2200


def test_logging_in_twice_is_a_command_use_error(raw):
    assert result_code(raw.login()) == 1000
    assert result_code(raw.login()) == 2002


def test_login_with_an_unknown_extension_is_refused(raw):
    answer = raw.login(
        extensions="<svcExtension><extURI>urn:example:unknown</extURI></svcExtension>"
    )

    assert result_code(answer) == 2103


def test_malformed_xml_is_a_syntax_error(raw):
    answer = raw.send_bytes(b"<epp><command>")

    assert result_code(answer) == 2001


def test_a_document_type_declaration_is_refused(raw):
    answer = raw.send_bytes(
        b'<?xml version="1.0"?><!DOCTYPE epp [<!ENTITY x "y">]>'
        b'<epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><hello/></epp>'
    )

    assert result_code(answer) == 2001


def test_an_unknown_command_is_answered_2000(raw):
    raw.login()

    answer = raw.send("<command><frobnicate/><clTRID>RAW-2</clTRID></command>")

    assert result_code(answer) == 2000


def test_an_extension_not_requested_at_login_is_refused(raw):
    raw.login()  # without SIDN's extension

    answer = raw.send(
        f'<command><info><contact:info xmlns:contact="{namespaces.CONTACT}">'
        "<contact:id>HW-1</contact:id></contact:info></info>"
        f'<extension><sidn-ext-epp:ext xmlns:sidn-ext-epp="{namespaces.SIDN}"/></extension>'
        "<clTRID>RAW-3</clTRID></command>"
    )

    assert result_code(answer) == 2103


def test_logout_ends_the_session_with_1500_and_closes(raw):
    raw.login()

    answer = raw.send("<command><logout/><clTRID>RAW-4</clTRID></command>")

    assert result_code(answer) == 1500
    assert result_text(answer, "msg") == "Command completed successfully; ending session"
    assert raw.closed_by_peer()


def test_a_nl_refusal_carries_sidn_details_in_the_extension(raw):
    raw.login(extensions=SIDN_EXTENSION)

    answer = raw.send(
        f'<command><info><domain:info xmlns:domain="{namespaces.DOMAIN}">'
        "<domain:name>onbekend.nl</domain:name></domain:info></info>"
        "<clTRID>RAW-5</clTRID></command>"
    )

    assert result_code(answer) == 2303
    assert result_text(answer, "msg") == "The specified domain name is unknown."
    detail = answer.find(f".//{{{namespaces.SIDN}}}msg")
    assert detail.get("code") == "T0001"
    assert detail.text == "De opgegeven domeinnaam is onbekend."


def test_without_the_sidn_extension_the_details_go_in_the_reason(raw):
    raw.login()

    answer = raw.send(
        f'<command><info><domain:info xmlns:domain="{namespaces.DOMAIN}">'
        "<domain:name>onbekend.nl</domain:name></domain:info></info>"
        "<clTRID>RAW-6</clTRID></command>"
    )

    assert answer.find(f".//{{{namespaces.EPP}}}extension") is None
    assert result_text(answer, "reason") == "De opgegeven domeinnaam is onbekend."
