"""VAT per client: domestic, EU reverse charge, EU consumer (OSS), outside the EU; rates by date;
rounded half-up per line in Decimal."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hostwerk.billing.models import Invoice, InvoiceCounter, VatRate, VatScheme
from hostwerk.billing.vat import VatRateMissing, line_vat, vat_rate_on, vat_treatment
from hostwerk.core.models import AuditEvent
from hostwerk.core.validators import EU_COUNTRIES
from tests.billing.factories import InvoiceFactory
from tests.factories import ClientFactory

ISSUED = datetime.date(2026, 3, 2)
REVERSE_CHARGE_NOTE = "VAT reverse-charged: article 196 of Directive 2006/112/EC"


def invoice_for(**client_values) -> Invoice:
    client = ClientFactory(language="en", **client_values)
    return InvoiceFactory(client=client, issued_on=ISSUED, items=[{"price": Decimal("100.00")}])


@pytest.mark.django_db
def test_dutch_consumer_pays_dutch_vat():
    invoice = invoice_for(country="NL", vat_number="")
    assert invoice.vat_scheme == VatScheme.DOMESTIC
    assert invoice.vat_rate == Decimal("21.00")
    assert invoice.vat_country == "NL"
    assert (invoice.subtotal, invoice.vat_amount, invoice.total) == (
        Decimal("100.00"),
        Decimal("21.00"),
        Decimal("121.00"),
    )
    assert invoice.vat_note == ""


@pytest.mark.django_db
def test_dutch_business_with_a_vat_number_also_pays_dutch_vat():
    invoice = invoice_for(country="NL", company="Bakkerij B.V.", vat_number="NL004495445B01")
    assert invoice.vat_scheme == VatScheme.DOMESTIC
    assert invoice.vat_amount == Decimal("21.00")
    assert invoice.client_vat_number == "NL004495445B01"


@pytest.mark.django_db
def test_eu_business_with_a_vat_number_is_reverse_charged_with_the_note():
    invoice = invoice_for(
        country="DE", company="Muster GmbH", vat_number="DE136695976", postcode="10115"
    )
    assert invoice.vat_scheme == VatScheme.REVERSE_CHARGE
    assert invoice.vat_rate == Decimal("0.00")
    assert (invoice.vat_amount, invoice.total) == (Decimal("0.00"), Decimal("100.00"))
    assert invoice.vat_note == REVERSE_CHARGE_NOTE
    assert [line.vat_amount for line in invoice.lines.all()] == [Decimal("0.00")]


@pytest.mark.parametrize(
    ("country", "rate", "vat"),
    [("DE", "19.00", "19.00"), ("FR", "20.00", "20.00"), ("HU", "27.00", "27.00")],
)
@pytest.mark.django_db
def test_eu_consumer_pays_the_rate_of_their_own_country(country, rate, vat):
    invoice = invoice_for(country=country, vat_number="", postcode="")
    assert invoice.vat_scheme == VatScheme.EU_CONSUMER
    assert invoice.vat_country == country
    assert invoice.vat_rate == Decimal(rate)
    assert invoice.vat_amount == Decimal(vat)
    assert "One-Stop Shop" in invoice.vat_note


@pytest.mark.parametrize("vat_number", ["", "123456789"])
@pytest.mark.django_db
def test_client_outside_the_eu_pays_no_vat(vat_number):
    invoice = invoice_for(country="US", vat_number=vat_number, postcode="10001")
    assert invoice.vat_scheme == VatScheme.OUTSIDE_EU
    assert (invoice.vat_rate, invoice.vat_amount) == (Decimal("0.00"), Decimal("0.00"))
    assert invoice.total == Decimal("100.00")
    assert invoice.vat_note == "Outside the scope of EU VAT"


@pytest.mark.django_db
def test_every_eu_member_state_has_a_seeded_rate():
    assert set(VatRate.objects.values_list("country", flat=True)) == set(EU_COUNTRIES)
    assert vat_rate_on(country="NL", on=ISSUED) == Decimal("21.00")
    assert vat_rate_on(country="FI", on=ISSUED) == Decimal("25.50")


@pytest.mark.django_db
def test_the_rate_in_force_on_the_invoice_date_is_used():
    assert vat_rate_on(country="EE", on=datetime.date(2025, 6, 30)) == Decimal("22.00")
    assert vat_rate_on(country="EE", on=datetime.date(2025, 7, 1)) == Decimal("24.00")
    VatRate.objects.create(
        country="NL", rate=Decimal("22.00"), valid_from=datetime.date(2027, 1, 1)
    )
    treatment = vat_treatment(country="NL", vat_number="", on=datetime.date(2027, 1, 1))
    assert treatment.rate == Decimal("22.00")
    assert vat_treatment(country="NL", vat_number="", on=ISSUED).rate == Decimal("21.00")


@pytest.mark.django_db
def test_seller_country_comes_from_the_setting(settings):
    settings.HOSTWERK_SELLER_COUNTRY = "BE"
    belgian = vat_treatment(country="BE", vat_number="", on=ISSUED)
    dutch = vat_treatment(country="NL", vat_number="", on=ISSUED)
    assert (belgian.scheme, belgian.rate) == (VatScheme.DOMESTIC, Decimal("21.00"))
    assert (dutch.scheme, dutch.country) == (VatScheme.EU_CONSUMER, "NL")


@pytest.mark.django_db
def test_missing_rate_refuses_the_invoice_and_changes_nothing():
    VatRate.objects.filter(country="NL").delete()
    client = ClientFactory(country="NL")
    with pytest.raises(VatRateMissing, match="no VAT rate for NL"):
        InvoiceFactory(client=client, issued_on=ISSUED)
    assert Invoice.objects.count() == 0
    assert not InvoiceCounter.objects.filter(last_number__gt=0).exists()
    assert not AuditEvent.objects.filter(action="invoice.create").exists()


@pytest.mark.django_db
def test_vat_is_rounded_half_up_per_line_not_over_the_total():
    client = ClientFactory(country="NL")
    invoice = InvoiceFactory(
        client=client, issued_on=ISSUED, items=[{"price": Decimal("2.50")}] * 3
    )
    # 2.50 x 21 % = 0.525 per line: half-up gives 0.53 (banker's rounding would give 0.52),
    # and three rounded lines make 1.59 where rounding the total (7.50 x 21 %) would give 1.58.
    assert [line.vat_amount for line in invoice.lines.all()] == [Decimal("0.53")] * 3
    assert invoice.subtotal == Decimal("7.50")
    assert invoice.vat_amount == Decimal("1.59")
    assert invoice.total == Decimal("9.09")


@given(
    amount=st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False),
    rate=st.sampled_from([Decimal("0"), Decimal("9"), Decimal("21"), Decimal("25.5")]),
)
def test_line_vat_is_the_exact_product_rounded_half_up_to_the_cent(amount, rate):
    vat = line_vat(amount=amount, rate=rate)
    exact = amount * rate / 100
    assert vat.as_tuple().exponent == -2
    assert abs(vat - exact) <= Decimal("0.005")
    if abs(vat - exact) == Decimal("0.005"):
        assert vat > exact  # a half cent always rounds up
