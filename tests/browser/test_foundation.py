"""Browser walk through the foundation: staff login, client list, edit with a field error,
impersonation, client login and language switch; screenshots in both languages."""

import pytest

from tests.browser.conftest import log_in, switch_language
from tests.factories import PASSWORD, ClientFactory, ClientUserFactory, StaffUserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page):
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


def test_staff_manage_a_client_and_log_in_as_the_client(page, screenshots):
    staff = StaffUserFactory(email="sanne@provider.test", name="Sanne", language="en")
    client = ClientFactory(
        first_name="Anna", last_name="Aalbers", company="Bakkerij Aalbers", legal_form="VOF"
    )
    ClientFactory.create_batch(30)

    log_in(page, "/staff/login/", staff.email, PASSWORD)
    assert page.locator("h1").inner_text() == "Dashboard"
    screenshots.save(page, "foundation-staff-dashboard-en")

    page.click("nav.hw-sidebar >> text=Clients")
    assert page.locator("table tbody tr").count() == 25
    page.fill("main input[name=q]", "Aalbers")
    page.wait_for_function("document.querySelectorAll('#client-table tbody tr').length === 1")
    screenshots.save(page, "foundation-staff-client-list-en")

    page.click("text=Bakkerij Aalbers")
    page.click("text=Edit")
    page.fill("input[name=phone]", "12345")
    page.fill("input[name=city]", "Utrecht")
    submit(page)
    error = page.locator("#id_phone_error")
    assert "not a valid phone number" in error.inner_text()
    assert page.input_value("input[name=city]") == "Utrecht"
    screenshots.save(page, "foundation-staff-client-edit-error-en")

    page.fill("input[name=phone]", "+31 20 123 4567")
    submit(page)
    assert "Changes saved." in page.inner_text(".alert-success")
    assert "Client details changed" in page.inner_text("main")
    screenshots.save(page, "foundation-staff-client-page-en")

    page.click("text=Log in as client")
    banner = page.locator("#impersonation-banner")
    assert f"client {client.number}" in banner.inner_text()
    screenshots.save(page, "foundation-impersonation-en")
    page.goto(page.base_url + "/staff/clients/")
    assert "Staff pages are closed" in page.content()
    page.click("button:has-text('Back to staff')")
    assert page.url.endswith(f"/staff/clients/{client.pk}/")


def test_client_logs_in_and_switches_language(page, screenshots):
    user = ClientUserFactory(
        client=ClientFactory(first_name="Bram", last_name="Bakker"), language="en"
    )

    page.goto(page.base_url + "/login/")
    screenshots.save(page, "foundation-client-login-en")
    log_in(page, "/login/", user.email, PASSWORD)
    assert "Welcome, Bram" in page.inner_text("h1")
    screenshots.save(page, "foundation-client-dashboard-en")

    switch_language(page, "nl")
    assert "Welkom, Bram" in page.inner_text("h1")
    screenshots.save(page, "foundation-client-dashboard-nl")
    page.click("#portal-account")  # the login's menu: details, language, log out
    assert "Afmelden" in page.inner_text(".hw-portal-nav .dropdown-menu")
    screenshots.save(page, "foundation-client-account-menu-nl")
    page.click("text=Mijn gegevens")
    page.fill("input[name=postcode]", "99")
    page.locator("main form button[type=submit]").click()
    assert "Vul de postcode in zoals 1234 AB." in page.inner_text("#id_postcode_error")
    screenshots.save(page, "foundation-client-profile-error-nl")


def test_staff_pages_in_dutch(page, screenshots):
    staff = StaffUserFactory(email="piet@provider.test", language="nl")
    client = ClientFactory(first_name="Anna", last_name="Aalbers")
    log_in(page, "/staff/login/", staff.email, PASSWORD)
    assert page.locator("h1").inner_text() == "Dashboard"
    page.goto(page.base_url + "/staff/clients/")
    assert page.locator("h1").inner_text() == "Klanten"
    screenshots.save(page, "foundation-staff-client-list-nl")
    page.goto(page.base_url + f"/staff/clients/{client.pk}/")
    assert "Contactgegevens" in page.inner_text("main")
    screenshots.save(page, "foundation-staff-client-page-nl")
    page.goto(page.base_url + "/staff/settings/")
    screenshots.save(page, "foundation-staff-settings-nl")
    page.goto(page.base_url + "/staff/settings/products/new/")
    # The price inputs keep room for an amount beside the long Dutch cycle names.
    box = page.locator("#id_price_monthly").bounding_box()
    screenshots.save(page, "foundation-staff-product-form-nl")
    assert box is not None and box["width"] >= 90, box
    page.fill("#id_price_monthly", "1.234,50")
    screenshots.save(page, "foundation-staff-product-form-nl")
