"""Browser walk through ordering (R1): the three channels, with screenshots of the cart, the staff
order entry, the order page and the invoice, in English and Dutch."""

import pytest

from hostwerk.orders.models import Order
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, ClientUserFactory, StaffUserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "nl"])
def test_client_orders_hosting_with_a_new_domain_in_the_client_area(
    page, screenshots, hosting, tlds, language
):
    user = ClientUserFactory(language=language, client__language=language)
    log_in(page, "/login/", user.email, PASSWORD)
    page.goto(page.base_url + "/order/")
    card = page.locator(f"#product-{hosting.pk}")
    card.locator("input[name$='-domain']").fill("bakkerij-de-vries.nl")
    card.locator("button[type=submit]").click()
    assert page.locator("table tbody tr").count() == 2
    screenshots.save(page, f"orders-cart-{language}")
    page.locator("form[action$='/order/checkout/'] button").click()
    order = Order.objects.get(client=user.client)
    assert (order.channel, order.status) == ("client_area", "pending")
    assert page.locator("h1").inner_text().startswith("Order" if language == "en" else "Bestelling")
    screenshots.save(page, f"orders-order-page-client-{language}")
    page.click(f"text={order.invoice.number}")
    screenshots.save(page, f"orders-invoice-client-{language}")


def test_staff_orders_as_the_client_then_enters_an_order_with_options(
    page, screenshots, hosting, forwarding, tlds
):
    staff = StaffUserFactory(email="sanne@provider.test", language="en")
    user = ClientUserFactory(
        client__first_name="Anna",
        client__last_name="Aalbers",
        client__company="Aalbers BV",
        client__legal_form="BV",
    )
    client = user.client
    log_in(page, "/staff/login/", staff.email, PASSWORD)

    page.goto(page.base_url + f"/staff/clients/{client.pk}/")
    page.click("text=Log in as client")
    page.goto(page.base_url + "/order/")
    card = page.locator(f"#product-{hosting.pk}")
    card.locator("input[value='external']").check()
    card.locator("input[name$='-domain']").fill("aalbers.nl")
    card.locator("button[type=submit]").click()
    page.locator("form[action$='/order/checkout/'] button").click()
    impersonated = Order.objects.get(client=client)
    assert (impersonated.channel, impersonated.placed_by) == ("impersonation", staff)
    page.click("button:has-text('Back to staff')")

    page.goto(page.base_url + f"/staff/orders/new/?client={client.pk}")
    page.select_option("select[name=items-0-what]", str(hosting.pk))
    page.wait_for_selector("#item-row-0 .order-row-price strong")
    page.fill("input[name=items-0-domain]", "aalbers-shop.nl")
    page.select_option("select[name=items-0-domain_choice]", "register")
    # A new way of arranging the domain re-renders the row (only the fields that apply).
    page.wait_for_load_state("networkidle")
    page.select_option("select[name=items-0-billing_cycle]", "monthly")
    page.wait_for_function(
        "document.querySelector('#item-row-0 .order-row-price').innerText.includes('7.50')"
    )
    page.fill("input[name=items-0-price]", "6.00")
    page.locator("input[name=items-0-price]").dispatch_event("change")
    page.wait_for_selector("#item-row-0 .badge:has-text('overridden')")
    page.click("#add-item")
    # The new row is live once htmx has settled it; the page then counts it in TOTAL_FORMS.
    page.wait_for_function("document.querySelector('[name=items-TOTAL_FORMS]').value === '2'")
    page.select_option("select[name=items-1-what]", str(forwarding.pk))
    page.wait_for_function(
        "document.querySelector('#item-row-1 .order-row-price').innerText.includes('12.00')"
    )
    page.fill("input[name=items-1-domain]", "aalbers.com")
    page.select_option("select[name=items-1-domain_choice]", "external")
    page.wait_for_load_state("networkidle")
    page.fill("input[name=items-1-forwarding_url]", "https://aalbers.nl/")
    page.locator("input[name=items-1-forwarding_url]").dispatch_event("change")
    page.wait_for_function(
        "document.querySelector('#item-row-1 .order-row-price').innerText.includes('12.00')"
    )
    page.locator("label[for=id_send_invoice_email]").click()
    assert not page.is_checked("input[name=send_invoice_email]")
    screenshots.save(page, "orders-staff-entry-en")
    page.click("button:has-text('Place order')")
    page.wait_for_load_state()
    staff_order = Order.objects.filter(channel="staff").get()
    assert staff_order.status == "pending"
    assert staff_order.send_invoice_email is False
    assert [i.kind for i in staff_order.items.all()] == ["hosting", "domain_register", "forwarding"]
    assert "overridden" in page.inner_text("main")
    screenshots.save(page, "orders-order-page-staff-en")
    page.click(f"text={staff_order.invoice.number}")
    screenshots.save(page, "orders-invoice-staff-en")

    staff.language = "nl"
    staff.save()
    page.goto(page.base_url + f"/staff/orders/new/?client={client.pk}")
    page.select_option("select[name=items-0-what]", str(hosting.pk))
    page.wait_for_selector("#item-row-0 .order-row-price strong")
    screenshots.save(page, "orders-staff-entry-nl")
    page.goto(page.base_url + f"/staff/orders/{staff_order.pk}/")
    screenshots.save(page, "orders-order-page-staff-nl")
    page.goto(page.base_url + "/staff/orders/")
    screenshots.save(page, "orders-order-list-staff-nl")
