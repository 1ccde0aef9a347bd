"""Browser walk through the domains flow (R4, R5): accepting hosting with a new .nl domain for a
client without a phone number fails on the domain only; staff add the phone on the client's
page and accept again; the domain page and the client's domain list show the result."""

import pytest
from django.contrib.auth import get_user_model

from hostwerk.core.audit import Actor
from hostwerk.orders.actions import order_place
from hostwerk.orders.items import ItemRequest
from hostwerk.orders.models import Order
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, ClientFactory, ClientUserFactory, StaffUserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_domain_fails_on_the_missing_phone_then_registers_after_the_fix(
    page, browser, live_server, screenshots, catalogue, plesk_servers, epp_registry
):
    staff = StaffUserFactory(email="sanne@provider.test", language="en", is_superuser=True)
    client = ClientFactory(
        first_name="Anna",
        last_name="Aalbers",
        company="Bakkerij Aalbers",
        legal_form="VOF",
        registration_number="12345678",
        phone="",
        language="nl",
    )
    client_user = ClientUserFactory(client=client, email="anna@aalbers.nl", language="nl")
    order = order_place(
        actor=Actor.for_user(staff),
        client=client,
        channel="staff",
        items=[
            ItemRequest(
                product_id=catalogue["hosting"].pk, domain="aalbers.nl", domain_choice="register"
            )
        ],
        generate_invoice=False,
        send_confirmation=False,
        send_invoice_email=False,
    )
    domain_item = order.items.get(kind="domain_register")

    log_in(page, "/staff/login/", staff.email, PASSWORD)
    page.goto(page.base_url + f"/staff/orders/{order.pk}/accept/")
    page.click("#accept-button")
    failed = page.locator(f"#plan-{domain_item.pk}")
    assert (
        "The registrar needs the owner's phone number: add it on the client's profile."
        in failed.inner_text()
    )
    assert "1 of 2 items accepted" in page.inner_text(".alert-warning")
    assert epp_registry.domain_names() == []
    screenshots.save(page, "domains-accept-phone-missing-en")

    failed.locator("a:has-text('Fix it here')").click()
    assert f"/staff/clients/{client.pk}/edit/?next=" in page.url and page.url.endswith("#id_phone")
    assert page.evaluate("document.activeElement.id") in (
        "id_phone",
        "",
    )  # the anchor scrolls to it
    page.fill("input[name=phone]", "06 12345678")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert "Changes saved." in page.inner_text(".alert-success")
    screenshots.save(page, "domains-client-phone-fixed-en")

    page.goto(page.base_url + f"/staff/orders/{order.pk}/accept/")
    page.click("#accept-button")
    assert "Everything is accepted and created." in page.inner_text(".alert-success")
    assert Order.objects.get(pk=order.pk).status == "active"
    assert epp_registry.domain_names() == ["aalbers.nl"]
    assert len(epp_registry.contact_ids()) == 1
    assert plesk_servers.state("plesk1").counts()["webspaces"] == 1
    done = page.locator(f"#plan-{domain_item.pk}")
    assert "aalbers.nl" in done.inner_text()
    screenshots.save(page, "domains-accept-done-en")

    get_user_model().objects.filter(pk=staff.pk).update(language="nl")
    done.locator("a:has-text('aalbers.nl')").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("aalbers.nl")
    assert "domain:create" in page.inner_text("#epp-log")
    screenshots.save(page, "domains-domain-page-staff-nl")
    page.click("nav.hw-sidebar >> text=Domeinen")
    assert "aalbers.nl" in page.inner_text("#domain-table")
    screenshots.save(page, "domains-staff-list-nl")

    client_context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="nl-NL")
    client_page = client_context.new_page()
    client_page.set_default_timeout(15000)
    client_page.base_url = live_server.url
    log_in(client_page, "/login/", client_user.email, PASSWORD)
    client_page.goto(client_page.base_url + "/domains/")
    assert "aalbers.nl" in client_page.inner_text("#domain-table")
    screenshots.save(client_page, "domains-client-domains-nl")
    client_page.click("#domain-table >> text=aalbers.nl")
    assert (
        client_page.input_value("textarea[name=nameservers]")
        == "ns1.hostwerk.test\nns2.hostwerk.test"
    )
    screenshots.save(client_page, "domains-client-domain-nl")
    client_context.close()
