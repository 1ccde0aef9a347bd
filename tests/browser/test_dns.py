"""Browser walk through DNS: staff search a domain and create its zone, hit an existing one, edit
records inline (with a refused value), read the history in Dutch and restore; the client edits a
record of its own zone. Zones are published to the real PowerDNS."""

import pytest

from hostwerk.core.audit import Actor
from hostwerk.dns.actions import record_create, zone_publish
from hostwerk.dns.models import PublishStatus, Record, Zone
from hostwerk.provisioning.zones import zone_create, zone_follow_hosting
from tests.browser.conftest import log_in
from tests.dns.factories import ForwardingServerFactory
from tests.factories import (
    PASSWORD,
    ClientFactory,
    ClientUserFactory,
    ServerFactory,
    StaffUserFactory,
)
from tests.support import powerdns as powerdns_support
from tests.support.powerdns import dns_answer
from tests.support.tasks import run_queued_tasks

# The real PowerDNS of tests/support/powerdns.py, for this module.
powerdns_server = powerdns_support.powerdns_server
powerdns_client = powerdns_support.powerdns_client

pytestmark = [pytest.mark.browser, pytest.mark.pdns, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def dns_world(settings, powerdns_server, powerdns_client):
    settings.HOSTWERK_DNS_PUBLISHER = "powerdns"
    settings.HOSTWERK_POWERDNS_API_URL = powerdns_server.api_url
    settings.HOSTWERK_POWERDNS_API_KEY = powerdns_server.api_key
    ForwardingServerFactory(web_ip="80.247.175.4", mail_ip="80.247.175.4")
    plesk = ServerFactory(name="plesk1", web_ip="192.0.2.20", mail_ip="192.0.2.21")
    anna = ClientFactory(first_name="Anna", last_name="Aalbers", company="Bakkerij Aalbers")
    actor = Actor.system(via="command")
    for domain, client in [
        ("bakkerij-aalbers.nl", anna),
        ("bakkerij-aalbers.de", anna),
        ("bücherstube.de", ClientFactory(company="Bücherstube Köln")),
        ("fietsenmaker-jansen.nl", ClientFactory(company="Fietsen Jansen")),
        ("hostwerk-status.nl", None),
        ("tandarts-devries.nl", ClientFactory(company="Tandartspraktijk De Vries")),
    ]:
        zone_create(actor=actor, domain=domain, client=client)
    zone_follow_hosting(actor=actor, domain="bakkerij-aalbers.nl", server=plesk)
    own = Zone.objects.get(name="bakkerij-aalbers.nl")
    record_create(actor=actor, zone=own, name="@", type="TXT", content="v=spf1 mx a -all")
    run_queued_tasks()
    # One zone the DNS server refused: a row that bypassed validation.
    broken = Zone.objects.get(name="fietsenmaker-jansen.nl")
    Record.objects.create(zone=broken, name="oud", type="A", ttl=3600, content="999.1.1.1")
    zone_publish(zone=broken)
    run_queued_tasks()
    assert Zone.objects.get(pk=broken.pk).status == PublishStatus.FAILED
    return anna


def wait_for_htmx(page):
    page.wait_for_function("!document.querySelector('.htmx-request')")


def test_staff_create_a_zone_edit_records_and_restore_from_history(
    page, screenshots, dns_world, powerdns_server
):
    staff = StaffUserFactory(email="sanne@provider.test", name="Sanne", language="en")
    log_in(page, "/staff/login/", staff.email, PASSWORD)

    page.click("nav.hw-sidebar >> text=DNS")
    assert page.locator("h1").inner_text() == "DNS zones"
    assert page.locator("#zone-table tbody tr").count() == 6
    assert "failed" in page.inner_text("#zone-table")
    screenshots.save(page, "dns-zone-list-staff-en")
    page.fill("main input[name=q]", "aalbers.nl")
    page.wait_for_selector("#create-offer")
    assert page.locator("#zone-table tbody tr").count() == 1
    screenshots.save(page, "dns-zone-search-staff-en")

    page.click("#create-offer button")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("aalbers.nl")
    assert "Zone aalbers.nl created from the default template." in page.inner_text(".alert-success")
    zone = Zone.objects.get(name="aalbers.nl")

    # The same domain again: an error with a link to the zone.
    page.goto(page.base_url + "/staff/dns/new/")
    page.fill("input[name=domain]", "AALBERS.nl")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "There is already a zone for aalbers.nl." in page.inner_text("#id_domain_error")
    assert page.input_value("input[name=domain]") == "AALBERS.nl"
    page.click("#existing-zone a")
    page.wait_for_load_state()
    assert page.url.endswith(f"/staff/dns/{zone.pk}/")

    # Inline edit of www: it stops following the hosting.
    www = zone.records.get(name="www")
    page.click(f"#record-{www.pk} a[title=Edit]")
    page.wait_for_selector(f"input[name='record-{www.pk}-content']")
    page.fill(f"input[name='record-{www.pk}-content']", "192.0.2.800")
    page.click(f"#record-{www.pk} button[type=submit]")
    page.wait_for_selector(f"#id_record-{www.pk}-content_error")
    assert "Enter an IPv4 address" in page.inner_text(f"#id_record-{www.pk}-content_error")
    screenshots.save(page, "dns-record-edit-error-staff-en")
    page.fill(f"input[name='record-{www.pk}-content']", "192.0.2.80")
    page.click(f"#record-{www.pk} button[type=submit]")
    page.wait_for_selector(f"#record-{www.pk} code:has-text('192.0.2.80')")
    assert "follows the hosting" not in page.inner_text(f"#record-{www.pk}")

    # A refused record keeps what was typed and says what to fix, beside the field.
    page.fill("#add-record input[name=name]", "winkel")
    page.fill("#add-record input[name=content]", "999.1.1.1")
    page.click("#add-record button[type=submit]")
    page.wait_for_selector("#id_content_error")
    assert "Enter an IPv4 address" in page.inner_text("#id_content_error")
    assert page.input_value("#add-record input[name=name]") == "winkel"
    page.fill("#add-record input[name=content]", "192.0.2.81")
    page.click("#add-record button[type=submit]")
    page.wait_for_selector("#zone-records code:has-text('192.0.2.81')")
    page.select_option("#add-record select[name=type]", "MX")
    page.fill("#add-record input[name=name]", "@")
    page.fill("#add-record input[name=priority]", "20")
    page.fill("#add-record input[name=content]", "mx2.provider.nl")
    page.click("#add-record button[type=submit]")
    page.wait_for_selector("#zone-records code:has-text('mx2.provider.nl.')")

    run_queued_tasks()  # the worker's part
    page.wait_for_selector("#publish-status.hw-publish-published")
    assert dns_answer(powerdns_server, "www.aalbers.nl.", "A") == ("NOERROR", ["192.0.2.80"])
    assert dns_answer(powerdns_server, "winkel.aalbers.nl.", "A") == ("NOERROR", ["192.0.2.81"])
    page.reload()
    screenshots.save(page, "dns-zone-editor-staff-en")

    page.goto(page.base_url + "/staff/dns/template/")
    assert "mn-mx1.{domain}." in page.inner_text("#template-records")
    screenshots.save(page, "dns-zone-template-staff-en")

    # History in Dutch, and restore the version before the www edit.
    page.goto(page.base_url + f"/staff/dns/{zone.pk}/history/")
    page.click("button[value=nl]")
    page.wait_for_load_state()
    cards = page.locator("main .hw-card")
    assert cards.count() == 4
    assert "www 3600 A 80.247.175.4" in cards.nth(2).inner_text()
    assert "www 3600 A 192.0.2.80" in cards.nth(2).inner_text()
    screenshots.save(page, "dns-zone-history-staff-nl")
    page.once("dialog", lambda dialog: dialog.accept())
    cards.nth(2).locator("input[value=before] + button").click()
    page.wait_for_load_state()
    assert Zone.objects.get(pk=zone.pk).records.get(name="www").content == "80.247.175.4"
    assert page.locator("main .hw-card").count() == 5


def test_client_edits_a_record_of_its_own_zone(page, screenshots, dns_world, powerdns_server):
    user = ClientUserFactory(client=dns_world, email="anna@bakkerij-aalbers.nl", language="nl")
    log_in(page, "/login/", user.email, PASSWORD)
    page.click("nav >> text=DNS")
    rows = page.locator("main table tbody tr")
    assert rows.count() == 2
    assert "bücherstube.de" not in page.inner_text("main")
    page.click("text=bakkerij-aalbers.nl")
    page.wait_for_load_state()

    zone = Zone.objects.get(name="bakkerij-aalbers.nl")
    mail = zone.records.get(name="mn-mx1")
    page.click(f"#record-{mail.pk} a.btn-outline-secondary")
    page.wait_for_selector(f"input[name='record-{mail.pk}-ttl']")
    page.fill(f"input[name='record-{mail.pk}-ttl']", "30")
    page.click(f"#record-{mail.pk} button[type=submit]")
    page.wait_for_selector(f"#record-{mail.pk} .invalid-feedback")
    assert "60" in page.inner_text(f"#record-{mail.pk} .invalid-feedback")
    page.fill(f"input[name='record-{mail.pk}-ttl']", "300")
    page.fill(f"input[name='record-{mail.pk}-content']", "192.0.2.99")
    page.click(f"#record-{mail.pk} button[type=submit]")
    page.wait_for_selector(f"#record-{mail.pk} code:has-text('192.0.2.99')")
    run_queued_tasks()
    page.wait_for_selector("#publish-status.hw-publish-published")
    assert dns_answer(powerdns_server, "mn-mx1.bakkerij-aalbers.nl.", "A") == (
        "NOERROR",
        ["192.0.2.99"],
    )
    page.reload()
    screenshots.save(page, "dns-zone-client-nl")

    other = Zone.objects.get(name="xn--bcherstube-9db.de")
    assert page.goto(page.base_url + f"/dns/{other.pk}/").status == 404


def test_staff_page_filter_and_edit_a_record_of_a_big_zone(page, screenshots, dns_world):
    zone = Zone.objects.get(name="hostwerk-status.nl")
    Record.objects.bulk_create(
        Record(zone=zone, name=f"h{number:03d}", type="A", ttl=3600, content="192.0.2.1")
        for number in range(246)
    )  # 250 records with the template's four
    staff = StaffUserFactory(email="sanne@provider.test", name="Sanne", language="en")
    log_in(page, "/staff/login/", staff.email, PASSWORD)
    page.goto(page.base_url + f"/staff/dns/{zone.pk}/")
    rows = page.locator("#records-table tbody tr")
    assert rows.count() == 100
    assert "Records 1\u2013100 of 250" in page.inner_text("#records-table nav")
    screenshots.save(page, "dns-zone-big-staff-en")

    h150 = zone.records.get(name="h150")
    page.click("#records-table nav a:text-is('2')")
    page.wait_for_selector(f"#record-{h150.pk}")
    assert page.url.endswith(f"/staff/dns/{zone.pk}/?page=2")

    # The filter narrows the table as one types; the input keeps focus and what was typed.
    page.fill("#record-filter-q", "h15")
    page.wait_for_function("document.querySelectorAll('#records-table tbody tr').length === 10")
    assert "q=h15" in page.url
    assert page.input_value("#record-filter-q") == "h15"

    h152 = zone.records.get(name="h152")
    page.click(f"#record-{h152.pk} a[title=Edit]")
    page.wait_for_selector(f"input[name='record-{h152.pk}-content']")
    page.fill(f"input[name='record-{h152.pk}-content']", "192.0.2.152")
    page.click(f"#record-{h152.pk} button[type=submit]")
    page.wait_for_selector(f"#record-{h152.pk}.hw-saved code:has-text('192.0.2.152')")
    assert rows.count() == 10
    assert page.input_value("#record-filter-q") == "h15"
    screenshots.save(page, "dns-zone-big-filtered-staff-en")

    # An added record that the filter does not find: shown on its page of the whole zone.
    page.fill("#add-record input[name=name]", "zz-last")
    page.fill("#add-record input[name=content]", "192.0.2.200")
    page.click("#add-record button[type=submit]")
    page.wait_for_selector("#zone-records tr.hw-saved:has-text('zz-last')")
    assert page.locator("#zone-records tr.hw-saved").count() == 1
    assert page.input_value("#record-filter-q") == ""
    assert "Records 201\u2013251 of 251" in page.inner_text("#records-table nav")
    page.reload()
    assert "Records 201\u2013251 of 251" in page.inner_text("#records-table nav")
