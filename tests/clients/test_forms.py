"""Client contact data is normalised and refused with messages beside the field."""

import pytest

from hostwerk.clients.forms import ClientContactForm

VALID = {
    "first_name": "Jan",
    "last_name": "de Vries",
    "company": "",
    "email": "Jan@Example.NL",
    "phone": "020 123 4567",
    "address1": "Dorpsstraat 1",
    "postcode": "1234ab",
    "city": "Amsterdam",
    "country": "NL",
    "language": "nl",
    "vat_number": "",
    "legal_form": "PERSOON",
}


def form_with(**changes):
    return ClientContactForm(data={**VALID, **changes})


@pytest.mark.django_db
def test_national_phone_number_is_stored_in_e164():
    form = form_with()
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "+31201234567"
    assert form.cleaned_data["email"] == "jan@example.nl"
    assert form.cleaned_data["postcode"] == "1234 AB"


@pytest.mark.django_db
def test_registrar_style_phone_number_is_accepted():
    form = form_with(phone="+31.612345678")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "+31612345678"


@pytest.mark.django_db
def test_invalid_phone_number_is_refused_beside_the_field():
    form = form_with(phone="12")
    assert not form.is_valid()
    assert list(form.errors) == ["phone"]
    assert "phone number" in form.errors["phone"][0]


@pytest.mark.django_db
def test_dutch_postcode_in_the_wrong_form_is_refused_with_an_example():
    form = form_with(postcode="12345")
    assert not form.is_valid()
    assert form.errors["postcode"] == ["Enter the postcode like 1234 AB."]


@pytest.mark.django_db
def test_valid_vat_number_is_stored_compact_with_country_prefix():
    form = form_with(vat_number="004495445 B01", company="Bakkerij", legal_form="BV")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["vat_number"] == "NL004495445B01"


@pytest.mark.django_db
def test_vat_number_with_a_wrong_check_digit_is_refused():
    form = form_with(vat_number="NL004495446B01", company="Bakkerij", legal_form="BV")
    assert not form.is_valid()
    assert list(form.errors) == ["vat_number"]


@pytest.mark.django_db
def test_vat_number_of_another_country_than_the_address_is_refused():
    form = form_with(vat_number="DE136695976", company="Bakkerij", legal_form="BV")
    assert not form.is_valid()
    assert "another country" in form.errors["vat_number"][0]


@pytest.mark.django_db
def test_company_with_natural_person_as_legal_form_is_refused():
    form = form_with(company="Bakkerij de Vries", legal_form="PERSOON")
    assert not form.is_valid()
    assert list(form.errors) == ["legal_form"]


@pytest.mark.django_db
def test_phone_is_read_in_the_clients_country():
    form = form_with(country="BE", phone="0470 12 34 56", postcode="1000")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "+32470123456"
