"""The demo's invoices: a plausible seller (address, VAT number, IBAN) and an unpaid invoice for
the demo client to pay."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from hostwerk.billing import documents
from hostwerk.billing.models import Invoice
from hostwerk.demo.setup import (
    CLIENT_EMAIL,
    DEMO_SELLER,
    demo_seller_apply,
    demo_unpaid_invoice,
    load_demo_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_seller_in_environment(monkeypatch, settings):
    """An environment without HOSTWERK_SELLER_*; restored (with the settings) afterwards."""
    for name in DEMO_SELLER:
        monkeypatch.setenv(name, "")


def test_demo_client_gets_an_unpaid_invoice_from_the_demo_seller(no_seller_in_environment):
    applied = demo_seller_apply()
    assert applied == DEMO_SELLER
    load_demo_data()
    demo_unpaid_invoice()
    demo_unpaid_invoice()  # a second start finds the unpaid one
    [invoice] = Invoice.objects.filter(client__email=CLIENT_EMAIL)
    assert invoice.status == "unpaid"
    assert invoice.total > 0
    reader = PdfReader(io.BytesIO(documents.invoice_pdf(invoice=invoice)))
    text = " ".join(reader.pages[0].extract_text().split())
    for expected in [
        "Hostwerk Demo Hosting B.V.",
        "Herengracht 420",
        "1017 BZ Amsterdam",
        "btw-nummer NL000099998B57",
        "KvK 12345678",
        "IBAN NL91ABNA0417164300",
        "FACTUUR",  # the demo client reads Dutch
    ]:
        assert expected in text, expected


def test_the_operators_own_seller_settings_win_over_the_demo_values(monkeypatch, settings):
    for name in DEMO_SELLER:
        monkeypatch.setenv(name, "")
    monkeypatch.setenv("HOSTWERK_SELLER_NAME", "Eigen Hosting")
    settings.HOSTWERK_SELLER_NAME = "Eigen Hosting"
    applied = demo_seller_apply()
    assert "HOSTWERK_SELLER_NAME" not in applied
    assert settings.HOSTWERK_SELLER_NAME == "Eigen Hosting"
    assert settings.HOSTWERK_SELLER_IBAN == "NL91ABNA0417164300"
