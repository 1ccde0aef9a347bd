"""Browser walk through billing: staff open the invoice list and an invoice and mark it paid;
the client opens the same invoice in Dutch and in English; screenshots of each, also as printed."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from hostwerk.billing.actions import invoice_cancel, invoice_mark_paid
from hostwerk.catalog.models import BillingCycle
from tests.billing.factories import SYSTEM, DomainItemFactory, InvoiceFactory
from tests.browser.conftest import log_in, switch_language
from tests.factories import (
    PASSWORD,
    ClientFactory,
    ClientUserFactory,
    ProductFactory,
    StaffUserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seller(settings):
    settings.HOSTWERK_SELLER_NAME = "Movenext Hosting B.V."
    settings.HOSTWERK_SELLER_ADDRESS = "Keizersgracht 123\n1015 CJ Amsterdam"
    settings.HOSTWERK_SELLER_VAT_NUMBER = "NL004495445B01"
    settings.HOSTWERK_SELLER_COC_NUMBER = "12345678"
    settings.HOSTWERK_SELLER_IBAN = "NL91 ABNA 0417 1643 00"


def bakery_invoice(client):
    """An order with hosting (with a setup fee) and the domain registration."""
    hosting = ProductFactory(name_en="Web hosting Plus", name_nl="Webhosting Plus")
    return InvoiceFactory(
        client=client,
        items=[
            {
                "product": hosting,
                "domain": "bakkerij-aalbers.nl",
                "billing_cycle": BillingCycle.ANNUALLY,
                "price": Decimal("89.00"),
                "setup_fee": Decimal("25.00"),
            },
            {"factory": DomainItemFactory, "domain": "bakkerij-aalbers.nl", "years": 1},
        ],
    )


def other_invoices():
    today = timezone.localdate()
    for company, first, last, price in [
        ("Zomer Webdesign", "Lotte", "Zomer", "7.50"),
        ("", "Piet", "Jansen", "75.00"),
        ("Fietsenmakerij De Wit", "Kees", "de Wit", "149.00"),
        ("", "Fatima", "El Amrani", "9.95"),
    ]:
        client = ClientFactory(company=company, first_name=first, last_name=last)
        InvoiceFactory(client=client, items=[{"price": Decimal(price)}])
    overdue = InvoiceFactory(
        client=ClientFactory(first_name="Jan", last_name="de Vries"),
        issued_on=today - datetime.timedelta(days=30),
    )
    paid = InvoiceFactory(client=ClientFactory(company="Drukkerij Smit", last_name="Smit"))
    invoice_mark_paid(actor=SYSTEM, invoice=paid)
    cancelled = InvoiceFactory(client=ClientFactory(first_name="Eva", last_name="Mulder"))
    invoice_cancel(actor=SYSTEM, invoice=cancelled, reason="Ordered twice")
    return overdue


def test_staff_open_the_invoice_list_and_an_invoice_and_mark_it_paid(page, screenshots, seller):
    staff = StaffUserFactory(email="sanne@provider.test", name="Sanne", language="en")
    client = ClientFactory(
        first_name="Anna",
        last_name="Aalbers",
        company="Bakkerij Aalbers",
        legal_form="VOF",
        address1="Dorpsstraat 12",
        postcode="3512 AB",
        city="Utrecht",
        vat_number="NL004495445B01",
        language="en",
    )
    invoice = bakery_invoice(client)
    other_invoices()

    log_in(page, "/staff/login/", staff.email, PASSWORD)
    page.click("nav.hw-sidebar >> text=Billing")
    assert page.locator("h1").inner_text() == "Invoices"
    assert page.locator("#invoice-table tbody tr").count() == 8
    assert "overdue" in page.inner_text("#invoice-table")
    screenshots.save(page, "billing-invoice-list-staff-en")

    page.select_option("select[name=status]", "paid")
    page.wait_for_function("document.querySelectorAll('#invoice-table tbody tr').length === 1")
    assert "Drukkerij Smit" in page.inner_text("#invoice-table")
    page.select_option("select[name=status]", "")
    page.fill("main input[name=q]", "aalbers")
    page.wait_for_function("document.querySelectorAll('#invoice-table tbody tr').length === 1")

    page.click(f"text={invoice.number}")
    document = page.locator("#invoice-document")
    assert "Movenext Hosting B.V." in document.inner_text()
    assert "Web hosting Plus — bakkerij-aalbers.nl" in document.inner_text()
    assert "€\u00a0149.98" in page.inner_text("[data-testid=invoice-total]")
    assert "Invoice created" in page.inner_text("main")
    screenshots.save(page, "billing-invoice-staff-en")

    page.emulate_media(media="print")
    assert not page.locator("nav.hw-sidebar").is_visible()
    assert not page.get_by_text("Audit trail", exact=True).is_visible()
    screenshots.save(page, "billing-invoice-print-en")
    page.emulate_media(media="screen")

    page.click("button:has-text('Add payment')")
    dialog = page.locator("#payment-dialog")
    dialog.wait_for(state="visible")
    # Wait for Bootstrap's fade-in to finish, so the screenshot shows the dialog, not a blend.
    page.wait_for_function(
        "getComputedStyle(document.querySelector('#payment-dialog')).opacity === '1'"
    )
    assert dialog.locator("input[name=amount]").input_value() == "149.98"
    dialog.locator("input[name=reference]").fill("Bank statement 2026-01 line 4")
    screenshots.save(page, "billing-invoice-add-payment-en")
    dialog.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert f"Invoice {invoice.number} is paid." in page.inner_text(".alert-success")
    assert "Bank statement 2026-01 line 4" in page.inner_text("#payments")
    assert page.locator("button:has-text('Cancel invoice')").count() == 0


def test_client_opens_an_invoice_in_dutch_and_in_english(page, screenshots, seller):
    client = ClientFactory(
        first_name="Anna",
        last_name="Aalbers",
        company="Bakkerij Aalbers",
        address1="Dorpsstraat 12",
        postcode="3512 AB",
        city="Utrecht",
        language="nl",
    )
    user = ClientUserFactory(client=client, language="nl")
    invoice = bakery_invoice(client)
    InvoiceFactory(client=client, issued_on=timezone.localdate() - datetime.timedelta(days=40))
    InvoiceFactory(client=ClientFactory(last_name="Anders"))  # another client's: never shown

    log_in(page, "/login/", user.email, PASSWORD)
    page.click(".hw-portal-nav a[href='/invoices/']")
    assert page.locator("tbody tr").count() == 2
    screenshots.save(page, "billing-invoice-list-client-nl")

    page.click(f"text={invoice.number}")
    page.click("#portal-account")
    assert "Mijn gegevens" in page.inner_text(".hw-portal-nav .dropdown-menu")
    page.keyboard.press("Escape")
    assert "€\u00a0149,98" in page.inner_text("[data-testid=invoice-total]")
    assert "Webhosting Plus — bakkerij-aalbers.nl" in page.inner_text("#invoice-document")
    screenshots.save(page, "billing-invoice-client-nl")

    switch_language(page, "en")
    assert "€\u00a0149.98" in page.inner_text("[data-testid=invoice-total]")
    screenshots.save(page, "billing-invoice-client-en")


def test_staff_open_the_billing_run_page_and_its_preview_loads_after_it(page, screenshots):
    from tests.billing.test_lifecycle import due_service

    staff = StaffUserFactory(email="sanne@provider.test", name="Sanne", language="en")
    day = timezone.localdate()
    for name in ("bakkerij-aalbers.nl", "zomerwebdesign.nl"):
        due_service(domain=name, next_due_date=day + datetime.timedelta(days=5))

    log_in(page, "/staff/login/", staff.email, PASSWORD)
    page.goto(page.base_url + "/staff/billing/runs/")
    assert page.locator("h1").inner_text() == "Billing run"
    # The preview replaces its placeholder once counted; the domains card comes with it.
    page.wait_for_selector("[data-testid=preview-services]")
    assert page.inner_text("[data-testid=preview-services]") == "2"
    assert "Nothing to cancel." in page.inner_text("#domains-to-cancel")
    assert page.locator("text=Counting what a run on").count() == 0
    screenshots.save(page, "billing-runs-staff-en")
    staff.language = "nl"
    staff.save(update_fields=["language"])
    page.reload()
    page.wait_for_selector("[data-testid=preview-services]")
    assert page.locator("h1").inner_text() == "Factuurrun"
    assert page.input_value("input[name=day]") == day.isoformat()
    screenshots.save(page, "billing-runs-staff-nl")
    staff.language = "en"
    staff.save(update_fields=["language"])
    page.reload()

    later = day + datetime.timedelta(days=60)
    page.fill("input[name=day]", later.isoformat())
    page.click("#billing-preview button[type=submit]")
    page.wait_for_selector("[data-testid=preview-services]")
    assert page.inner_text("[data-testid=preview-services]") == "2"
    page.click("#billing-preview-result button[type=submit]")
    page.wait_for_load_state()
    assert "is queued" in page.inner_text("main")
