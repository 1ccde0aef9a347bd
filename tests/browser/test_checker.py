"""Browser walk through the domain checker (client area and staff order entry, against the EPP
simulator) and the safe confirmation of mail filtering (R8, against the SpamExperts simulator),
with screenshots of both."""

import pytest
from django.utils import timezone

from hostwerk.core.audit import Actor
from hostwerk.core.models import AuditEvent
from hostwerk.dns.models import Record
from hostwerk.mail.models import MailFilterStatus, ProviderMode, RequestChannel
from hostwerk.orders.models import Order
from hostwerk.provisioning.zones import zone_create
from hostwerk.sandbox.faults import Fault
from tests.browser.conftest import log_in
from tests.dns.factories import ForwardingServerFactory
from tests.factories import PASSWORD, ClientFactory, ClientUserFactory, StaffUserFactory
from tests.mail.factories import MailFilterFactory, ProviderFactory
from tests.support import spamexperts as spamexperts_support

spamexperts_sandbox = spamexperts_support.spamexperts_sandbox
spamexperts_sandbox_session = spamexperts_support.spamexperts_sandbox_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_client_checks_names_adds_one_in_a_click_and_filters_it_in_the_same_order(
    page, screenshots, settings, hosting, mail_filter, tlds, epp_registry
):
    epp_registry.seed_domain("bakkerij-de-vries.nl")
    user = ClientUserFactory(language="en", client__language="en")
    log_in(page, "/login/", user.email, PASSWORD)
    page.goto(page.base_url + "/order/")
    page.fill("input[name=domains]", "bakkerij-de-vries")
    page.click("#domain-checker button[type=submit]")
    page.wait_for_selector("#checker-table")
    rows = page.locator("#checker-table tbody tr")
    assert rows.count() == 3
    assert page.get_attribute("tr[data-domain='bakkerij-de-vries.nl']", "data-state") == "taken"
    assert page.get_attribute("tr[data-domain='bakkerij-de-vries.com']", "data-state") == "free"
    assert page.url.endswith("/order/?domains=bakkerij-de-vries")
    com = page.locator("tr[data-domain='bakkerij-de-vries.com']")
    assert com.locator("select[name=years]").input_value() == "1"
    com.locator("select[name=years]").select_option("2")
    screenshots.save(page, "checker-client-en")

    com.locator("button:has-text('Add to cart')").click()
    com.locator("text=In your cart").wait_for()
    assert page.inner_text("#cart-count") == "1"

    card = page.locator(f"#product-{mail_filter.pk}")
    card.locator("input[value='existing']").check()
    card.locator("input[name$='-domain']").fill("bakkerij-de-vries.com")
    card.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/order/cart/")
    assert page.locator("table tbody tr").count() == 2
    screenshots.save(page, "checker-cart-same-order-en")
    page.locator("form[action$='/order/checkout/'] button").click()
    order = Order.objects.get(client=user.client)
    assert [(i.kind, i.domain, i.years) for i in order.items.order_by("position")] == [
        ("domain_register", "bakkerij-de-vries.com", 2),
        ("mail_filter", "bakkerij-de-vries.com", None),
    ]

    # The registry stops answering in time: the checker says so and still lets the client order.
    settings.HOSTWERK_DOMAIN_CHECK_TIMEOUT = 1
    epp_registry.state.faults.add(Fault(operation="domain:check", mode="delay", delay=3))
    page.goto(page.base_url + "/order/")
    page.fill("input[name=domains]", "traag-bakkertje.nl")
    page.click("#domain-checker button[type=submit]")
    page.wait_for_selector("#checker-table")
    unknown = page.locator("tr[data-domain='traag-bakkertje.nl']")
    assert unknown.get_attribute("data-state") == "unknown"
    assert "Could not check" in unknown.inner_text()
    assert unknown.locator("button:has-text('Add to cart')").count() == 1
    screenshots.save(page, "checker-could-not-check-client-en")


def test_staff_check_a_name_in_order_entry_and_add_it_as_an_item(
    page, screenshots, hosting, tlds, epp_registry
):
    epp_registry.seed_domain("aalbers.nl")
    staff = StaffUserFactory(email="sanne@provider.test", language="en")
    client = ClientFactory(first_name="Anna", last_name="Aalbers", company="Aalbers BV")
    log_in(page, "/staff/login/", staff.email, PASSWORD)
    page.goto(page.base_url + f"/staff/orders/new/?client={client.pk}")
    page.fill("#domain-checker input[name=domains]", "aalbers.nl")
    page.click("#domain-checker button[type=submit]")
    page.wait_for_selector("#checker-table")
    assert "If it is the client" in page.inner_text("tr[data-domain='aalbers.nl']")
    com = page.locator("tr[data-domain='aalbers.com']")
    com.locator("select[name=years]").select_option("3")
    com.locator("button:has-text('Add to order')").click()
    com.locator("text=Added to the order").wait_for()
    page.wait_for_function(
        "document.querySelector('#item-row-0 .order-row-price').innerText.includes('29.85')"
    )
    assert page.input_value("input[name=items-0-domain]") == "aalbers.com"
    assert page.input_value("select[name=items-0-years]") == "3"
    screenshots.save(page, "checker-staff-entry-en")
    page.click("button:has-text('Place order')")
    page.wait_for_load_state()
    [item] = Order.objects.get(client=client).items.all()
    assert (item.kind, item.domain, item.years, str(item.price)) == (
        "domain_register",
        "aalbers.com",
        3,
        "29.85",
    )


def test_r8_confirm_asks_the_provider_then_confirm_anyway_needs_a_reason(
    page, screenshots, spamexperts_sandbox, mail_filter
):
    staff = StaffUserFactory(email="sanne@provider.test", language="en")
    anna = ClientFactory(first_name="Anna", last_name="Aalbers", company="Bakkerij Aalbers")
    ForwardingServerFactory(web_ip="80.247.175.4", mail_ip="80.247.175.4")
    zone_create(actor=Actor.for_user(staff), domain="bakkerij-aalbers.nl", client=anna)
    provider = ProviderFactory(
        name="SpamExperts",
        mode=ProviderMode.API,
        api_url=spamexperts_sandbox.url,
        username="admin",
        password="sandbox",
        request_email="",
        verify_tls=False,
    )
    spamexperts_sandbox.state.seed(
        domain="bakkerij-aalbers.nl",
        destinations=[("mn-mx1.bakkerij-aalbers.nl", 25)],
        confirmed=False,
    )
    mail_filter_row = MailFilterFactory(
        domain="bakkerij-aalbers.nl",
        client=anna,
        provider=provider,
        request_channel=RequestChannel.API,
        requested_at=timezone.now(),
        request_text=(
            f"GET {spamexperts_sandbox.url}/api/domain/add/domain/bakkerij-aalbers.nl/format/json/"
            'destinations/["mn-mx1.bakkerij-aalbers.nl:25"]/ (as admin)'
        ),
    )

    def apex_mx():
        return sorted(
            r.content for r in Record.objects.filter(zone__name="bakkerij-aalbers.nl", type="MX")
        )

    log_in(page, "/staff/login/", staff.email, PASSWORD)
    page.goto(page.base_url + "/staff/mail/")
    row = page.locator(f"#filter-{mail_filter_row.pk}")
    assert row.locator("form").count() == 0  # no MX switch from the list
    row.locator("a:has-text('Confirm')").click()
    page.wait_for_load_state()
    page.click("form[action$='/confirm/'] button:has-text('Confirm')")
    page.wait_for_load_state()
    assert "Not confirmed; the MX records stay as they are." in page.inner_text(".alert-warning")
    assert "SpamExperts does not report bakkerij-aalbers.nl present" in page.inner_text(
        "#provider-answer"
    )
    assert apex_mx() == ["mn-mx1.bakkerij-aalbers.nl."]
    screenshots.save(page, "mail-confirm-provider-absent-en")

    page.click("button:has-text('Mark confirmed anyway')")
    dialog = page.locator("#confirm-anyway-dialog")
    dialog.wait_for(state="visible")
    dialog.locator("button[type=submit]").click()
    page.wait_for_load_state()
    dialog = page.locator("#confirm-anyway-dialog")
    dialog.wait_for(state="visible")
    assert "Say why you confirm against what the provider said." in dialog.inner_text()
    assert apex_mx() == ["mn-mx1.bakkerij-aalbers.nl."]
    page.wait_for_timeout(400)  # the dialog's fade-in, for the screenshot
    # The viewport only: a full-page shot would show the dialog's backdrop cut off.
    page.screenshot(path=str(screenshots.directory / "mail-confirm-anyway-dialog-en.png"))
    dialog.locator("textarea[name=reason]").fill("SpamExperts support confirmed it by phone")
    dialog.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "its MX records now point at the filter" in page.inner_text(".alert-success")
    mail_filter_row.refresh_from_db()
    assert mail_filter_row.status == MailFilterStatus.ACTIVE
    assert apex_mx() == ["spamx-fallback.bakkerij-aalbers.nl.", "spamx.bakkerij-aalbers.nl."]
    event = AuditEvent.objects.get(action="mail_filter.confirm_override")
    assert event.data["reason"] == "SpamExperts support confirmed it by phone"
    screenshots.save(page, "mail-confirmed-anyway-en")
