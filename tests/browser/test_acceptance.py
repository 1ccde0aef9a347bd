"""Browser walk through acceptance (R3, R4): one item fails, staff fix the cause, accept again."""

import pytest

from hostwerk.core.audit import Actor
from hostwerk.orders.actions import order_place
from hostwerk.orders.items import ItemRequest
from hostwerk.orders.models import Order
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, ClientFactory, StaffUserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_accept_with_a_failure_fix_and_accept_again(page, screenshots, catalogue, plesk_servers):
    staff = StaffUserFactory(email="sanne@provider.test", language="en")
    client = ClientFactory(first_name="Anna", last_name="Aalbers")
    order = order_place(
        actor=Actor.for_user(staff),
        client=client,
        channel="staff",
        items=[
            ItemRequest(
                product_id=catalogue["hosting"].pk, domain="aalbers.nl", domain_choice="external"
            ),
            ItemRequest(
                product_id=catalogue["forwarding"].pk,
                domain="aalbers.com",
                forwarding_url="https://aalbers.nl/",
            ),
        ],
        generate_invoice=False,
        send_confirmation=False,
        send_invoice_email=False,
    )
    forwarding = plesk_servers.servers["movealong"]
    forwarding.password = "typo"
    forwarding.save()

    log_in(page, "/staff/login/", staff.email, PASSWORD)
    page.goto(page.base_url + f"/staff/orders/{order.pk}/")
    page.click("text=Accept order")
    assert "Default server of group Plesk." in page.inner_text("main")
    screenshots.save(page, "acceptance-plan-en")

    page.click("#accept-button")
    assert "1 of 2 items accepted" in page.inner_text(".alert-warning")
    failed = page.locator(f"#plan-{order.items.get(kind='forwarding').pk}")
    assert "Check the API login and password of server movealong" in failed.inner_text()
    screenshots.save(page, "acceptance-partial-en")

    failed.locator("a:has-text('Fix it here')").click()
    page.fill("input[name=password]", "sandbox")
    page.click("#save-server")
    assert page.url.endswith(f"/staff/orders/{order.pk}/accept/")
    page.click("#accept-button")
    assert "Everything is accepted and created." in page.inner_text(".alert-success")
    assert Order.objects.get(pk=order.pk).status == "active"
    assert plesk_servers.state("plesk1").counts()["webspaces"] == 1
    assert plesk_servers.state("movealong").counts()["webspaces"] == 1
    screenshots.save(page, "acceptance-done-en")
