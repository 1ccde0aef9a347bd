"""Browser walk through mail: the client makes a mailbox and sees its spam filter on (R9); staff
confirm a filtering request, the MX records switch in the real PowerDNS, and the zone history
shows each step (R8)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hostwerk.core.audit import Actor
from hostwerk.core.domain_names import parse_domain_name
from hostwerk.dns.actions import zone_publish_now
from hostwerk.mail.actions import mailbox_create
from hostwerk.mail.models import MailFilterStatus, ProviderMode, RequestChannel
from hostwerk.orders.acceptance import order_accept
from hostwerk.orders.actions import order_place
from hostwerk.orders.items import ItemRequest
from hostwerk.provisioning.zones import zone_create
from tests.browser.conftest import log_in, switch_language
from tests.dns.factories import ForwardingServerFactory
from tests.factories import PASSWORD, ClientFactory, ClientUserFactory, StaffUserFactory
from tests.mail.conftest import make_hosting_service
from tests.mail.factories import MailFilterFactory, ProviderFactory
from tests.support import powerdns as powerdns_support
from tests.support.powerdns import dns_answer
from tests.support.tasks import run_queued_tasks

powerdns_server = powerdns_support.powerdns_server
powerdns_client = powerdns_support.powerdns_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAILBOX_PASSWORD = "Zomer-Fiets-2025!"


def test_the_client_creates_a_mailbox_and_sees_the_filter_on(
    page, screenshots, catalogue, plesk_servers
):
    anna = ClientFactory(first_name="Anna", last_name="Aalbers", company="Bakkerij Aalbers")
    user = ClientUserFactory(client=anna, language="en")
    service = make_hosting_service(plesk_servers, catalogue["hosting"], anna, "bakkerij-aalbers.nl")
    actor = Actor.for_user(user)
    for name, quota in (("info", 2048), ("bestellingen", None), ("anna", 5120)):
        mailbox_create(
            actor=actor, service=service, local_part=name, password=MAILBOX_PASSWORD, quota_mb=quota
        )
    provider = ProviderFactory(name="SpamExperts", mode=ProviderMode.EMAIL)
    MailFilterFactory(
        domain="bakkerij-aalbers.nl", client=anna, provider=provider, status="requested"
    )

    log_in(page, "/login/", user.email, PASSWORD)
    page.click("nav >> text=Mail")
    assert page.locator("h1").inner_text() == "Mail"
    assert page.locator("table tbody tr").count() == 3
    assert page.locator("text=spam filter on").count() == 3
    screenshots.save(page, "mail-mailboxes-client-en")

    switch_language(page, "nl")
    page.goto(page.base_url + "/mail/new/")
    page.fill("input[name=local_part]", "facturen")
    page.fill("input[name=password]", "facturen2025")
    page.fill("input[name=password_again]", "facturen2025")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    # Refused beside the field; the name stays, the password does not.
    assert page.locator("#id_password_error").count() >= 1
    assert page.input_value("input[name=local_part]") == "facturen"
    assert page.input_value("input[name=password]") == ""

    page.fill("input[name=password]", MAILBOX_PASSWORD)
    page.fill("input[name=password_again]", MAILBOX_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/mail/")
    assert "facturen@bakkerij-aalbers.nl" in page.inner_text(".alert-success")
    assert page.locator("table tbody tr").count() == 4
    screenshots.save(page, "mail-mailbox-created-client-nl")
    simulated = plesk_servers.state("plesk1").find_mailbox("facturen@bakkerij-aalbers.nl")
    assert simulated.spam_filter is True


@pytest.fixture
def filter_world(settings, powerdns_server, powerdns_client, mail_filter):
    settings.HOSTWERK_DNS_PUBLISHER = "powerdns"
    settings.HOSTWERK_POWERDNS_API_URL = powerdns_server.api_url
    settings.HOSTWERK_POWERDNS_API_KEY = powerdns_server.api_key
    ForwardingServerFactory(web_ip="80.247.175.4", mail_ip="80.247.175.4")
    denit = ProviderFactory(
        name="Denit", mode=ProviderMode.EMAIL, request_email="spamx@denit.test", language="nl"
    )
    denit.products.add(mail_filter)
    spamexperts = ProviderFactory(
        name="SpamExperts",
        mode=ProviderMode.API,
        api_url="https://api.antispamcloud.com",
        username="reseller@hostwerk.test",
        password="secret",
    )
    system = Actor.system(via="command")
    anna = ClientFactory(first_name="Anna", last_name="Aalbers", company="Bakkerij Aalbers")
    zone = zone_create(actor=system, domain="bakkerij-aalbers.nl", client=anna)
    zone_publish_now(zone=zone)
    now = timezone.now()
    for domain, company, status, provider in [
        ("fietsenmaker-jansen.nl", "Fietsen Jansen", MailFilterStatus.ACTIVE, spamexperts),
        (
            "tandarts-devries.nl",
            "Tandartspraktijk De Vries",
            MailFilterStatus.REQUESTED,
            spamexperts,
        ),
        ("bücherstube.de", "Bücherstube Köln", MailFilterStatus.ACTIVE, denit),
        ("oud-domein.nl", "Oud & Nieuw", MailFilterStatus.REMOVED, denit),
    ]:
        MailFilterFactory(
            domain=parse_domain_name(domain).ascii,
            client=ClientFactory(company=company),
            provider=provider,
            status=status,
            request_channel=RequestChannel.API if provider.uses_api else RequestChannel.EMAIL,
            requested_at=now - timedelta(days=3),
            confirmed_at=now - timedelta(days=2) if status != "requested" else None,
            activated_at=now - timedelta(days=2) if status != "requested" else None,
        )
    order = order_place(
        actor=system,
        client=anna,
        channel="staff",
        items=[
            ItemRequest(
                product_id=mail_filter.pk, domain="bakkerij-aalbers.nl", domain_choice="external"
            )
        ],
        generate_invoice=False,
        send_confirmation=False,
        send_invoice_email=False,
    )
    order_accept(actor=system, order=order)
    run_queued_tasks()
    return zone


def test_staff_confirm_a_filter_request_and_see_the_mx_steps(
    page, screenshots, filter_world, powerdns_server
):
    staff = StaffUserFactory(email="sanne@provider.test", name="Sanne", language="en")
    assert dns_answer(powerdns_server, "bakkerij-aalbers.nl.", "MX")[1] == [
        "10 mn-mx1.bakkerij-aalbers.nl."
    ]

    log_in(page, "/staff/login/", staff.email, PASSWORD)
    page.click("nav.hw-sidebar >> text=Mail")
    assert page.locator("h1").inner_text() == "Mail"
    assert page.locator("#filter-table tbody tr").count() == 5
    screenshots.save(page, "mail-filters-staff-en")

    page.click("#filter-table >> text=bakkerij-aalbers.nl")
    assert "Mark it confirmed when the provider replies" in page.inner_text("main")
    assert "spamx@denit.test" in page.inner_text("#request-text")
    page.click("button:has-text('Mark confirmed')")
    dialog = page.locator("#confirm-dialog")
    dialog.wait_for(state="visible")
    assert "Has Denit set up bakkerij-aalbers.nl?" in dialog.inner_text()
    dialog.locator("input[name=note]").fill("reply of today")
    dialog.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "its MX records now point at the filter" in page.inner_text(".alert-success")
    screenshots.save(page, "mail-filter-confirmed-staff-en")
    assert dns_answer(powerdns_server, "bakkerij-aalbers.nl.", "MX")[1] == [
        "10 spamx.bakkerij-aalbers.nl.",
        "20 spamx-fallback.bakkerij-aalbers.nl.",
    ]

    page.click("text=see the steps in the zone history")
    assert "History of bakkerij-aalbers.nl" in page.inner_text("h1")
    history = page.inner_text("main")
    assert "step 1 of 2: the filter's records go in; the old MX stays" in history
    assert "step 2 of 2: the filter's MX records are published, so the old MX goes" in history
    screenshots.save(page, "mail-zone-history-mx-staff-en")
