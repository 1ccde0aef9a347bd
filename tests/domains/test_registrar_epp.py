"""The "epp" registrar adapter against the simulated registry over TLS: every command, reconnects,
the EPP log, and each registry refusal turned into a message that says what to fix."""

from __future__ import annotations

import pytest

from hostwerk.domains.models import EppLogEntry
from hostwerk.domains.registrars import registrar_client
from hostwerk.domains.registrars.base import (
    FIX_CLIENT_PROFILE,
    FIX_DOMAIN,
    FIX_REGISTRAR_SETTINGS,
    FIX_ZONE,
    AuthCodeWrong,
    CommandNotOffered,
    ContactData,
    DomainExists,
    ObjectMissing,
    RegistrarOutcomeUnknown,
    RegistrarRefused,
    RegistrarUnavailable,
)
from tests.domains.factories import DomainFactory

pytestmark = pytest.mark.django_db

NAMESERVERS = ["ns1.hostwerk.test", "ns2.hostwerk.test"]


def owner_contact(**changes) -> ContactData:
    values = {
        "name": "Anna Aalbers",
        "organization": "",
        "email": "anna@aalbers.nl",
        "street_lines": ("Keizersgracht 1",),
        "city": "Amsterdam",
        "postcode": "1015 CJ",
        "country_code": "NL",
        "voice": "+31.612345678",
        "legal_form": "PERSOON",
    }
    values.update(changes)
    return ContactData(**values)


@pytest.fixture
def session(registry):
    with registrar_client(registry.registrar) as client:
        yield client


@pytest.fixture
def handle(session):
    return session.contact_ensure(contact=owner_contact(), handle="", proposed_handle="HW-1")


def register(session, handle, name="aalbers.nl", **changes):
    values = {
        "name": name,
        "years": 1,
        "contact_handle": handle,
        "nameservers": NAMESERVERS,
        "auth_code": "Domain-Secret-1",
    }
    values.update(changes)
    return session.register(**values)


def test_check_says_which_names_are_free_and_why_not(session, registry):
    registry.seed_domain("bezet.nl")
    answers = {item.name: item for item in session.check(["vrij.nl", "bezet.nl", "nic.nl"])}
    assert answers["vrij.nl"].available is True
    assert (answers["bezet.nl"].available, answers["bezet.nl"].reason) == (False, "In use")
    assert (answers["nic.nl"].available, answers["nic.nl"].reason) == (
        False,
        "Reserved by the registry",
    )


def test_contact_is_created_with_the_sidn_legal_form_and_updated_in_place(
    session, registry, handle
):
    assert handle == "HW-1"
    created = registry.state.contacts["HW-1"]
    assert (created.voice, created.legal_form, created.postal_type) == (
        "+31.612345678",
        "PERSOON",
        "loc",
    )

    again = session.contact_ensure(
        contact=owner_contact(city="Utrecht", legal_form="BV", registration_number="14633770"),
        handle="HW-1",
        proposed_handle="HW-1",
    )

    assert again == "HW-1"
    updated = registry.state.contacts["HW-1"]
    assert (updated.city, updated.legal_form, updated.legal_form_registration_number) == (
        "Utrecht",
        "BV",
        "14633770",
    )
    assert len(registry.contact_ids()) == 1


def test_contact_lost_at_the_registry_is_made_again(session, registry):
    handle = session.contact_ensure(
        contact=owner_contact(), handle="HW-GONE", proposed_handle="HW-2"
    )
    assert handle == "HW-2"
    assert registry.contact_ids() == ["HW-2"]


def test_contact_created_before_with_a_lost_answer_is_adopted(session, registry):
    registry.fail_next("contact:create", mode="drop_after_commit")
    handle = session.contact_ensure(contact=owner_contact(), handle="", proposed_handle="HW-3")
    assert handle == "HW-3"
    assert registry.contact_ids() == ["HW-3"]


def test_contact_handle_of_another_registrar_is_refused(registry):
    with registrar_client(registry.registrar) as ours:
        registry.registrar.username = "other"
        with registrar_client(registry.registrar) as theirs:
            theirs.contact_ensure(contact=owner_contact(), handle="", proposed_handle="HW-4")
        with pytest.raises(RegistrarRefused) as refused:
            ours.contact_ensure(contact=owner_contact(), handle="", proposed_handle="HW-4")
    assert "belongs to another registrar account" in refused.value.message


def test_register_then_info_shows_the_domain_as_ours(session, handle, registry):
    result = register(session, handle)

    assert result.name == "aalbers.nl"
    assert result.pending is False
    assert result.expires.year == result.created.year + 1
    state = session.info(name="aalbers.nl")
    assert (state.ours, state.sponsor, state.registrant) == (True, "admin", "HW-1")
    assert (state.admin, state.tech, state.nameservers) == (
        ("HW-1",),
        ("HW-1",),
        tuple(NAMESERVERS),
    )
    assert state.roid == registry.state.domains["aalbers.nl"].roid
    assert state.expires == result.expires


def test_info_of_another_registrars_domain_is_not_ours(session, registry):
    registry.seed_domain("vreemd.com", account="other")
    state = session.info(name="vreemd.com")
    assert (state.ours, state.sponsor, state.registrant) == (False, "other", "")


def test_nameservers_are_replaced_by_exactly_the_new_set(session, handle, registry):
    register(session, handle, name="ns-wissel.com")
    session.update_nameservers(
        name="ns-wissel.com", nameservers=["ns2.hostwerk.test", "ns3.example.net"]
    )
    assert registry.state.domains["ns-wissel.com"].nameservers == [
        "ns2.hostwerk.test",
        "ns3.example.net",
    ]
    session.update_nameservers(
        name="ns-wissel.com", nameservers=["ns2.hostwerk.test", "ns3.example.net"]
    )


def test_renew_extends_a_com_domain_and_is_refused_for_nl(session, handle, registry):
    register(session, handle, name="verleng.com")
    expires = registry.state.domains["verleng.com"].expires
    new = session.renew(name="verleng.com", current_expiry=expires.date(), years=2)
    assert new == expires.date().replace(year=expires.year + 2)

    register(session, handle, name="verleng.nl")
    with pytest.raises(CommandNotOffered) as refused:
        session.renew(name="verleng.nl", current_expiry=expires.date(), years=1)
    assert "renews automatically" in refused.value.message


def test_transfer_request_query_and_completion_by_poll(session, registry):
    registry.seed_domain("verhuis.com", account="other", auth_code="Geheim-123")

    requested = session.transfer_request(name="verhuis.com", auth_code="Geheim-123", years=1)
    assert (requested.status, requested.pending, requested.requesting_account) == (
        "pending",
        True,
        "admin",
    )
    assert session.transfer_query(name="verhuis.com").pending
    assert session.poll() is None

    registry.control("POST", "/transfers/approve", {"name": "verhuis.com"})
    assert session.transfer_query(name="verhuis.com").approved
    notice = session.poll()
    assert notice.domain_name == "verhuis.com"
    assert notice.transfer.approved and notice.transfer.requesting_account == "admin"
    session.poll_ack(message_id=notice.id)
    assert session.poll() is None
    assert session.info(name="verhuis.com").ours


def test_delete_removes_the_domain(session, handle, registry):
    register(session, handle, name="weg.com")
    session.delete(name="weg.com")
    assert "weg.com" not in registry.state.domains
    with pytest.raises(ObjectMissing):
        session.info(name="weg.com")


def test_the_session_survives_the_registry_dropping_every_connection(session, handle, registry):
    register(session, handle, name="eerst.com")
    assert registry.sandbox.drop_connections() == 1

    register(session, handle, name="daarna.com")
    registry.sandbox.drop_connections()
    assert session.info(name="eerst.com").ours
    assert registry.domain_names() == ["daarna.com", "eerst.com"]


def test_every_exchange_is_logged_against_the_domain_with_secrets_masked(registry):
    domain = DomainFactory(
        name="log.com", registrar=registry.registrar, tld=registry.registrar.tlds.get(name="com")
    )
    with registrar_client(registry.registrar, domain=domain) as session:
        handle = session.contact_ensure(contact=owner_contact(), handle="", proposed_handle="HW-5")
        register(session, handle, name="log.com", auth_code="Zeer-Geheim-99")

    entries = list(EppLogEntry.objects.order_by("id"))
    assert [entry.command for entry in entries] == [
        "login",
        "contact:create",
        "domain:create",
        "logout",
    ]
    assert all(entry.domain == domain for entry in entries)
    create = entries[2]
    assert (create.object_name, create.result_code) == ("log.com", 1000)
    assert create.client_transaction_id.startswith(
        "HW-"
    ) and create.server_transaction_id.startswith("SIM-")
    assert "Zeer-Geheim-99" not in create.request_xml
    assert "sandbox" not in entries[0].request_xml


# -- refusals and outages, each with a message that says what to fix ------------------------------


def test_wrong_registrar_password_points_at_the_registrar_settings(registry):
    registry.registrar.password = "wrong"
    with (
        registrar_client(registry.registrar) as session,
        pytest.raises(RegistrarRefused) as refused,
    ):
        session.check(["x.nl"])
    assert refused.value.message == (
        "The registry refused the login of registrar Sandbox registry: check its login and "
        "password in the registrar settings."
    )
    assert refused.value.fix == FIX_REGISTRAR_SETTINGS


def test_sidn_legal_form_missing_on_the_contact_asks_for_it_on_the_profile(session, registry):
    handle = session.contact_ensure(
        contact=owner_contact(legal_form=""), handle="", proposed_handle="HW-6"
    )
    with pytest.raises(RegistrarRefused) as refused:
        register(session, handle, name="zonder-rechtsvorm.nl")
    assert refused.value.message.startswith("SIDN refuses the owner contact without a legal form")
    assert "has no legal form" in refused.value.message  # the registry's own words
    assert (refused.value.fix, refused.value.registry_code) == (FIX_CLIENT_PROFILE, 2308)


def test_phone_in_the_wrong_format_asks_to_correct_it_on_the_profile(session):
    with pytest.raises(RegistrarRefused) as refused:
        session.contact_ensure(
            contact=owner_contact(voice="+31612345678"), handle="", proposed_handle="HW-7"
        )
    assert refused.value.message.startswith("The registry refuses the owner's phone number")
    assert "+31.201234567" in refused.value.message
    assert refused.value.fix == FIX_CLIENT_PROFILE


def test_de_name_server_check_failure_gives_the_registrys_reason(session, handle, registry):
    with pytest.raises(RegistrarRefused) as refused:
        register(session, handle, name="kapot.de")
    assert refused.value.message.startswith(
        "The registry's name-server check for kapot.de failed: Nameserver check for kapot.de failed: "
        "the registry simulator has no DNS server to check against"
    )
    assert refused.value.fix == FIX_ZONE


def test_taken_domain_says_so_and_suggests_a_transfer(session, handle, registry):
    registry.seed_domain("bezet.nl")
    with pytest.raises(DomainExists) as refused:
        register(session, handle, name="bezet.nl")
    assert refused.value.message.startswith(
        "bezet.nl is already registered. If it belongs to the client, order a transfer"
    )


def test_wrong_auth_code_asks_for_the_current_code(session, registry):
    registry.seed_domain("slot.com", account="other", auth_code="Juist-123")
    with pytest.raises(AuthCodeWrong) as refused:
        session.transfer_request(name="slot.com", auth_code="Fout-123", years=1)
    assert "auth code for slot.com is wrong" in refused.value.message
    assert refused.value.fix == FIX_DOMAIN


def test_locked_domain_transfer_asks_the_owner_to_unlock(session, registry):
    registry.seed_domain(
        "vast.com", account="other", auth_code="Juist-123", statuses=["clientTransferProhibited"]
    )
    with pytest.raises(RegistrarRefused) as refused:
        session.transfer_request(name="vast.com", auth_code="Juist-123", years=1)
    assert "ask the owner to unlock it" in refused.value.message


def test_nl_period_other_than_one_year_is_explained(session, handle):
    with pytest.raises(RegistrarRefused) as refused:
        register(session, handle, name="lang.nl", years=2)
    assert refused.value.message.startswith("The registry does not accept this period for lang.nl")


def test_billing_failure_points_at_the_registrar_account(session, handle, registry):
    registry.fail_next("domain:create", code=2104)
    with pytest.raises(RegistrarRefused) as refused:
        register(session, handle, name="geld.com")
    assert "top up the account of registrar Sandbox registry" in refused.value.message


def test_registry_internal_error_is_transient(session, handle, registry):
    registry.fail_next("domain:create", code=2400)
    with pytest.raises(RegistrarUnavailable) as failed:
        register(session, handle, name="later.com")
    assert not isinstance(failed.value, RegistrarOutcomeUnknown)
    assert "nothing was changed. Try again later." in failed.value.message
    assert "(registry code 2400: " in failed.value.message
    assert "EPP domain:create failed" not in failed.value.message  # the client's English


def test_unreachable_registry_says_nothing_was_sent(registry):
    registry.registrar.port = 9
    with (
        registrar_client(registry.registrar) as session,
        pytest.raises(RegistrarUnavailable) as failed,
    ):
        session.check(["x.nl"])
    assert failed.value.message.startswith("Could not reach registrar Sandbox registry")
    assert "Nothing was sent" in failed.value.message


def test_lost_answer_is_reported_as_an_unknown_outcome(session, handle, registry):
    registry.fail_next("domain:create", mode="drop_after_commit")
    with pytest.raises(RegistrarOutcomeUnknown) as failed:
        register(session, handle, name="stil.com")
    assert "unknown whether it was carried out" in failed.value.message
    assert registry.domain_names() == ["stil.com"]


def test_switched_off_registrar_is_refused_before_any_connection(registry):
    registry.registrar.active = False
    with registry.no_commands(), pytest.raises(RegistrarRefused) as refused:
        registrar_client(registry.registrar)
    assert "is switched off" in refused.value.message
