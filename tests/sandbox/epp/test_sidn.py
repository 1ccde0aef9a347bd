"""The .nl policy follows SIDN: legal form, one-year period, no renew, contact counts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hostwerk.integrations.epp import (
    EppPolicyError,
    EppSyntaxError,
    EppUnimplemented,
    EppValueRangeError,
)
from tests.sandbox.epp.support import contact_spec, control


def register_nl(client, *, owner="HW-OWNER1", years=1, admins=None, techs=None):
    return client.domain_create(
        name="voorbeeld.nl",
        years=years,
        registrant=owner,
        admin_contacts=admins if admins is not None else [owner],
        tech_contacts=techs if techs is not None else [owner],
        nameservers=["ns1.hostwerk.test", "ns2.hostwerk.test"],
        auth_code="Domain-Secret-1",
    )


def test_a_nl_registration_with_a_legal_form_succeeds(admin):
    admin.contact_create(contact_spec(legal_form="PERSOON", legal_form_registration_number=None))

    result = register_nl(admin)

    assert result.name == "voorbeeld.nl"
    assert (result.expires - result.created).days in (365, 366)


def test_a_nl_registrant_without_legal_form_is_refused_with_sidns_message(admin, sandbox):
    admin.contact_create(contact_spec(legal_form=None, legal_form_registration_number=None))

    with pytest.raises(EppPolicyError) as caught:
        register_nl(admin)

    assert caught.value.code == 2308
    assert caught.value.message == "Validation of the transaction failed."
    assert caught.value.reason.startswith("F0301 registrant: Contact HW-OWNER1 has no legal form")
    assert "voorbeeld.nl" not in sandbox.state.domains


def test_a_contact_without_legal_form_still_serves_other_tlds(admin):
    admin.contact_create(contact_spec(legal_form=None, legal_form_registration_number=None))

    result = admin.domain_create(
        name="voorbeeld.com",
        years=1,
        registrant="HW-OWNER1",
        admin_contacts=["HW-OWNER1"],
        tech_contacts=["HW-OWNER1"],
        auth_code="Domain-Secret-1",
    )

    assert result.name == "voorbeeld.com"


def test_in_strict_mode_a_contact_without_legal_form_is_refused_at_create(admin, sandbox):
    status, settings = control(
        sandbox, "POST", "/_sandbox/settings", {"strict_sidn_contacts": True}
    )
    assert (status, settings["strict_sidn_contacts"]) == (200, True)

    with pytest.raises(EppPolicyError) as caught:
        admin.contact_create(contact_spec(legal_form=None, legal_form_registration_number=None))

    assert caught.value.code == 2308
    assert caught.value.reason == "F0301 legalForm: The legal form is mandatory."
    assert sandbox.state.contacts == {}


def test_an_unknown_legal_form_is_refused(admin, sandbox):
    with pytest.raises(EppPolicyError, match="Unknown legal form GMBH"):
        admin.contact_create(contact_spec(legal_form="GMBH"))
    assert sandbox.state.contacts == {}


def test_the_legal_form_is_sent_in_sidns_extension_and_read_back(admin, sandbox):
    admin.contact_create(contact_spec(legal_form="BV", legal_form_registration_number="14633770"))

    stored = sandbox.state.contacts["HW-OWNER1"]
    assert (stored.legal_form, stored.legal_form_registration_number) == ("BV", "14633770")
    assert stored.postal_type == "loc"  # SIDN takes local postal info only
    request = admin.last_exchange.request_xml
    assert "<sidn-ext-epp:legalForm>BV</sidn-ext-epp:legalForm>" in request
    assert "<sidn-ext-epp:legalFormRegNo>14633770</sidn-ext-epp:legalFormRegNo>" in request


@pytest.mark.parametrize("voice", ["+31 20 1234567", "0201234567", "+31-201234567", "+31."])
def test_phone_numbers_must_be_in_epp_form(admin, voice):
    with pytest.raises(EppSyntaxError) as caught:
        admin.contact_create(contact_spec(voice=voice))
    assert caught.value.code == 2005


def test_a_nl_domain_is_registered_for_one_year_only(admin, sandbox):
    admin.contact_create(contact_spec())

    with pytest.raises(EppValueRangeError) as caught:
        register_nl(admin, years=2)

    assert "one year" in caught.value.reason
    assert "voorbeeld.nl" not in sandbox.state.domains


def test_a_nl_domain_cannot_be_renewed(admin):
    admin.contact_create(contact_spec())
    created = register_nl(admin)

    with pytest.raises(EppUnimplemented) as caught:
        admin.domain_renew(name="voorbeeld.nl", current_expiry=created.expires.date(), years=1)

    assert caught.value.message == "Unimplemented command"
    assert "renew automatically" in caught.value.reason


def test_a_nl_domain_needs_exactly_one_admin_contact(admin):
    admin.contact_create(contact_spec())
    admin.contact_create(contact_spec("HW-ADMIN2"))

    with pytest.raises(EppPolicyError, match="exactly one admin contact, not 2"):
        register_nl(admin, admins=["HW-OWNER1", "HW-ADMIN2"])


def test_a_nl_domain_needs_a_tech_contact(admin):
    admin.contact_create(contact_spec())

    with pytest.raises(EppPolicyError, match="1 to 10 tech contacts, not 0"):
        register_nl(admin, techs=[])


def test_changing_a_nl_registrant_to_one_without_legal_form_is_refused(admin, sandbox):
    admin.contact_create(contact_spec())
    admin.contact_create(contact_spec("HW-NOFORM", legal_form=None))
    register_nl(admin)

    with pytest.raises(EppPolicyError, match="HW-NOFORM has no legal form"):
        admin.domain_update(name="voorbeeld.nl", new_registrant="HW-NOFORM")
    assert sandbox.state.domains["voorbeeld.nl"].registrant == "HW-OWNER1"


def test_nl_expiry_is_a_year_from_today(admin):
    admin.contact_create(contact_spec())
    result = register_nl(admin)

    today = datetime.now(UTC).date()
    assert result.expires.date() == today.replace(year=today.year + 1)
