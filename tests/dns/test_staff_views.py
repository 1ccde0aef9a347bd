"""Staff DNS screens: search and create, the record editor, publishing, history, export, template."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from hostwerk.dns.actions import RecordRequest, record_create, records_create
from hostwerk.dns.models import Record, Zone, ZoneChange, ZoneChangeAction, ZoneTemplateRecord
from hostwerk.provisioning.zones import zone_create, zone_follow_hosting
from tests.dns.factories import RecordFactory, ZoneFactory
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def zone(staff_actor, forwarding_server):
    return zone_create(actor=staff_actor, domain="example.nl")


def test_staff_area_dns_is_for_staff_only(client_a_web, zone):
    assert client_a_web.get(reverse("staff:zone_list")).status_code == 403
    assert client_a_web.get(reverse("staff:zone_detail", args=[zone.pk])).status_code == 403


def test_search_finds_zones_and_offers_to_create_a_missing_one(staff_web, zone):
    page = staff_web.get(reverse("staff:zone_list"), {"q": "example"})
    assert page.status_code == 200
    assert "example.nl" in page.content.decode()
    assert 'id="create-offer"' not in page.content.decode()

    page = staff_web.get(reverse("staff:zone_list"), {"q": "Nieuw.NL"}, headers=HTMX)
    html = page.content.decode()
    assert 'id="create-offer"' in html
    assert "Create zone for nieuw.nl" in html
    assert 'value="nieuw.nl"' in html


def test_create_zone_from_the_search_offer(staff_web, forwarding_server):
    response = staff_web.post(reverse("staff:zone_create"), {"domain": "nieuw.nl"})
    zone = Zone.objects.get(name="nieuw.nl")
    assert response.status_code == 302
    assert response.url == reverse("staff:zone_detail", args=[zone.pk])
    page = staff_web.get(response.url)
    assert "Zone nieuw.nl created from the default template." in page.content.decode()
    assert zone.records.count() == 4


def test_creating_a_zone_that_exists_shows_an_error_with_a_link(staff_web, zone):
    response = staff_web.post(reverse("staff:zone_create"), {"domain": "EXAMPLE.nl"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "There is already a zone for example.nl." in html
    assert reverse("staff:zone_detail", args=[zone.pk]) in html
    assert 'value="EXAMPLE.nl"' in html  # what was typed stays
    assert Zone.objects.count() == 1


def test_creating_without_a_forwarding_server_says_what_to_do(staff_web):
    response = staff_web.post(reverse("staff:zone_create"), {"domain": "example.nl"})
    assert response.status_code == 422
    assert "There is no active forwarding server" in response.content.decode()


def test_create_zone_for_a_client_by_number(staff_web, forwarding_server):
    client = ClientFactory()
    staff_web.post(
        reverse("staff:zone_create"), {"domain": "klant.nl", "client_number": client.number}
    )
    assert Zone.objects.get(name="klant.nl").client == client
    response = staff_web.post(
        reverse("staff:zone_create"), {"domain": "ander.nl", "client_number": 999999}
    )
    assert "There is no client with number 999999." in response.content.decode()


def test_zone_page_shows_records_status_and_history(staff_web, zone):
    html = staff_web.get(reverse("staff:zone_detail", args=[zone.pk])).content.decode()
    assert "mn-mx1.example.nl." in html
    assert "80.247.175.4" in html
    assert "follows the hosting" in html
    assert "ns1.hostwerk.test." in html
    assert "zone created" in html


def test_recent_changes_show_three_lines_of_a_big_change(staff_web, staff_actor, zone):
    records_create(
        actor=staff_actor,
        zone=zone,
        records=[
            RecordRequest(name=f"h{number}", type="A", content="192.0.2.1") for number in range(40)
        ],
    )
    html = staff_web.get(reverse("staff:zone_detail", args=[zone.pk])).content.decode()
    assert "40 lines in all" in html
    assert "h0 3600 A 192.0.2.1" in html
    assert "h12 3600 A 192.0.2.1" not in html  # the fourth line on, on the history page only


def test_add_a_record_inline(staff_web, zone):
    response = staff_web.post(
        reverse("staff:zone_record_create", args=[zone.pk]),
        {"name": "shop", "type": "A", "ttl": "", "priority": "", "content": "192.0.2.7"},
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="zone-records">')
    assert "192.0.2.7" in html
    assert zone.records.filter(name="shop", content="192.0.2.7", ttl=3600).exists()


def test_a_refused_record_shows_the_error_beside_the_field_and_keeps_the_input(staff_web, zone):
    response = staff_web.post(
        reverse("staff:zone_record_create", args=[zone.pk]),
        {"name": "www", "type": "CNAME", "ttl": "30", "priority": "", "content": "elders.nl"},
        headers=HTMX,
    )
    html = response.content.decode()
    assert 'id="id_ttl_error"' in html
    assert "Enter a TTL between 60 and 604800 seconds" in html
    assert 'value="elders.nl"' in html
    assert 'value="30"' in html
    assert zone.records.count() == 4

    response = staff_web.post(
        reverse("staff:zone_record_create", args=[zone.pk]),
        {"name": "www", "type": "CNAME", "ttl": "", "priority": "", "content": "elders.nl"},
    )
    assert response.status_code == 422  # without htmx: the whole page, with the error
    assert "a CNAME must be the only record of its name" in response.content.decode()
    assert "<html" in response.content.decode()


def test_edit_a_record_inline(staff_web, zone):
    www = zone.records.get(name="www")
    url = reverse("staff:zone_record_edit", args=[zone.pk, www.pk])
    form = staff_web.get(url, headers=HTMX).content.decode()
    assert f'name="record-{www.pk}-content"' in form
    assert 'value="80.247.175.4"' in form

    prefix = f"record-{www.pk}"
    bad = staff_web.post(
        url,
        {f"{prefix}-name": "www", f"{prefix}-type": "A", f"{prefix}-content": "203.0.113.300"},
        headers=HTMX,
    ).content.decode()
    assert "Enter an IPv4 address such as 192.0.2.10." in bad
    assert 'value="203.0.113.300"' in bad

    staff_web.post(
        url,
        {f"{prefix}-name": "www", f"{prefix}-type": "A", f"{prefix}-content": "203.0.113.30"},
        headers=HTMX,
    )
    www.refresh_from_db()
    assert (www.content, www.template_managed) == ("203.0.113.30", False)


def test_delete_a_record(staff_web, zone):
    www = zone.records.get(name="www")
    url = reverse("staff:zone_record_delete", args=[zone.pk, www.pk])
    assert staff_web.get(url).status_code == 405
    response = staff_web.post(url, headers=HTMX)
    assert response.status_code == 200
    assert not Record.objects.filter(pk=www.pk).exists()


def test_a_record_of_another_zone_is_not_found(staff_web, zone):
    other = RecordFactory()
    url = reverse("staff:zone_record_edit", args=[zone.pk, other.pk])
    assert staff_web.get(url).status_code == 404


def test_publish_now_shows_the_result(staff_web, zone):
    response = staff_web.post(reverse("staff:zone_publish", args=[zone.pk]), follow=True)
    assert "Zone example.nl is published." in response.content.decode()


def test_bind_export_downloads_a_zone_file(staff_web, zone):
    response = staff_web.get(reverse("staff:zone_export", args=[zone.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="example.nl.zone"'
    assert "@\t3600\tIN\tMX\t10 mn-mx1.example.nl." in response.content.decode()


def test_history_shows_readable_differences_and_restores(
    staff_web, staff_actor, zone, plesk_server
):
    change = zone_follow_hosting(actor=staff_actor, domain="example.nl", server=plesk_server)
    html = staff_web.get(reverse("staff:zone_history", args=[zone.pk])).content.decode()
    assert "pointed at a server" in html
    assert "www 3600 A 80.247.175.4" in html
    assert "www 3600 A 192.0.2.20" in html
    assert "the hosting of example.nl is on plesk2" in html

    response = staff_web.post(
        reverse("staff:zone_restore", args=[zone.pk, change.pk]), {"side": "before"}
    )
    assert response.status_code == 302
    assert zone.records.get(name="www").content == "80.247.175.4"
    assert ZoneChange.objects.filter(zone=zone).first().action == ZoneChangeAction.ZONE_RESTORE


def test_history_words_hostwerks_own_reasons_in_the_readers_language(
    staff_web, staff_user, staff_actor, zone, plesk_server
):
    change = zone_follow_hosting(actor=staff_actor, domain="example.nl", server=plesk_server)
    staff_web.post(reverse("staff:zone_restore", args=[zone.pk, change.pk]), {"side": "before"})
    restore = ZoneChange.objects.filter(zone=zone).first()
    # Stored in English for the API and the audit trail, with the moment on the local clock.
    local = timezone.localtime(change.created_at)
    assert restore.reason == (
        f"restored the records as they were before the change of {local:%-d %b %Y %H:%M}"
    )
    assert restore.reason_code == "restored_before"

    staff_user.language = "nl"
    staff_user.save(update_fields=["language"])
    html = staff_web.get(reverse("staff:zone_history", args=[zone.pk])).content.decode()
    assert "de hosting van example.nl staat op plesk2" in html
    assert "the hosting of" not in html
    assert "records teruggezet naar hoe ze waren vóór de wijziging van" in html
    with translation.override("nl"):
        assert formats.date_format(local, "SHORT_DATETIME_FORMAT") in html
    # A person's reason is shown as typed.
    staff_web.post(
        reverse("staff:zone_point_to", args=[zone.pk]),
        {"server": plesk_server.pk, "reason": "klant belde"},
    )
    html = staff_web.get(reverse("staff:zone_history", args=[zone.pk])).content.decode()
    assert "klant belde" in html


def test_point_at_a_server_by_hand(staff_web, zone, plesk_server):
    response = staff_web.post(
        reverse("staff:zone_point_to", args=[zone.pk]), {"server": plesk_server.pk}, follow=True
    )
    assert "now point at plesk2" in response.content.decode()
    assert zone.records.get(name="@", type="A").content == "192.0.2.20"


def test_give_a_zone_to_a_client(staff_web, zone):
    client = ClientFactory()
    url = reverse("staff:zone_client", args=[zone.pk])
    staff_web.post(url, {"client_number": client.number})
    zone.refresh_from_db()
    assert zone.client == client
    response = staff_web.post(url, {"client_number": 424242})
    assert response.status_code == 422
    assert "There is no client with number 424242." in response.content.decode()
    staff_web.post(url, {"client_number": ""})
    zone.refresh_from_db()
    assert zone.client is None
    assert ZoneChange.objects.filter(zone=zone, action=ZoneChangeAction.CLIENT_CHANGE).count() == 2


def test_delete_a_zone(staff_web, zone):
    response = staff_web.post(reverse("staff:zone_delete", args=[zone.pk]))
    assert response.url == reverse("staff:zone_list")
    assert not Zone.objects.exists()


def test_template_editor_adds_edits_and_removes_records(staff_web, forwarding_server, staff_actor):
    page = staff_web.get(reverse("staff:zone_template")).content.decode()
    assert "mn-mx1.{domain}." in page
    staff_web.post(
        reverse("staff:zone_template_record_create"),
        {"name": "webmail", "type": "A", "content": "{web_ip}"},
        headers=HTMX,
    )
    row = ZoneTemplateRecord.objects.get(name="webmail")
    assert row.template_key == "web:webmail"
    bad = staff_web.post(
        reverse("staff:zone_template_record_create"),
        {"name": "x", "type": "A", "content": "{webip}"},
        headers=HTMX,
    ).content.decode()
    assert "Unknown variable {webip}" in bad

    prefix = f"template-record-{row.pk}"
    staff_web.post(
        reverse("staff:zone_template_record_edit", args=[row.pk]),
        {
            f"{prefix}-name": "webmail",
            f"{prefix}-type": "A",
            f"{prefix}-ttl": "300",
            f"{prefix}-content": "{web_ip}",
        },
        headers=HTMX,
    )
    row.refresh_from_db()
    assert row.ttl == 300

    zone = zone_create(actor=staff_actor, domain="example.nl")
    webmail = zone.records.get(name="webmail")
    assert (webmail.content, webmail.ttl, webmail.template_managed) == ("80.247.175.4", 300, True)

    staff_web.post(reverse("staff:zone_template_record_delete", args=[row.pk]), headers=HTMX)
    assert not ZoneTemplateRecord.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("zones", [2, 30])
def test_zone_list_query_count_is_constant(staff_web, zones, django_assert_num_queries):
    client = ClientFactory()
    for zone in ZoneFactory.create_batch(zones, client=client):
        RecordFactory.create_batch(3, zone=zone)
    with django_assert_num_queries(4):  # session, user, count, page (with client and counts)
        response = staff_web.get(reverse("staff:zone_list"))
    assert response.status_code == 200


@pytest.mark.parametrize("records", [2, 40])
def test_zone_page_query_count_is_constant(
    staff_web, staff_actor, forwarding_server, records, django_assert_num_queries
):
    zone = zone_create(actor=staff_actor, domain="example.nl")
    for number in range(records):
        record_create(
            actor=staff_actor, zone=zone, name=f"h{number}", type="A", content="192.0.2.1"
        )
    with django_assert_num_queries(7):  # session, user, zone, count, records, history, servers
        response = staff_web.get(reverse("staff:zone_detail", args=[zone.pk]))
    assert response.status_code == 200


# A big zone: its records a hundred a page, a filter, and the editor landing on the right page.


def _fill(zone, count: int) -> list[Record]:
    """`count` A records h000, h001, ... (sorted between the apex records and mn-mx1)."""
    return Record.objects.bulk_create(
        Record(zone=zone, name=f"h{number:03d}", type="A", ttl=3600, content="192.0.2.1")
        for number in range(count)
    )


def _rows(html: str) -> list[str]:
    """The record ids of the table rows, in order."""
    return re.findall(r'<tr (?:class="[^"]*" )?id="record-(\d+)"', html)


def test_a_big_zone_shows_its_records_a_hundred_a_page(staff_web, zone):
    _fill(zone, 246)  # 250 with the template's four
    url = reverse("staff:zone_detail", args=[zone.pk])
    first = staff_web.get(url).content.decode()
    assert len(_rows(first)) == 100
    assert "Records 1\u2013100 of 250" in first
    assert f'href="{url}?page=2"' in first
    assert f'href="{url}?page=3"' in first
    last = staff_web.get(url, {"page": 3}).content.decode()
    names = [record.name for record in zone.records.filter(pk__in=_rows(last))]
    assert len(names) == 50
    assert {"mn-mx1", "www", "h245"} <= set(names) and "h197" not in names
    assert len(_rows(staff_web.get(url, {"page": 99}).content.decode())) == 50


def test_the_filter_finds_records_by_name_content_and_type_and_the_page_links_keep_it(
    staff_web, zone
):
    _fill(zone, 246)
    url = reverse("staff:zone_detail", args=[zone.pk])
    html = staff_web.get(url, {"q": "H", "type": "A"}).content.decode()
    assert len(_rows(html)) == 100  # h000 ... h245
    assert "1\u2013100 of 246 matching records (the zone has 250)" in html
    assert f'href="{url}?q=H&amp;type=A&amp;page=3"' in html
    assert 'value="H"' in html
    assert '<option value="A" selected>' in html

    # Paging and filtering by htmx get the table only; the filter and add form stay as typed.
    table = staff_web.get(
        url, {"q": "h", "type": "A", "page": 3}, headers={**HTMX, "HX-Target": "records-table"}
    ).content.decode()
    assert table.lstrip().startswith('<div id="records-table">')
    assert len(_rows(table)) == 46
    assert 'name="listing" value="q=h&amp;type=A&amp;page=3"' in table
    assert "?q=h&amp;type=A&amp;page=3" in table  # the edit and delete links keep the listing

    mx = staff_web.get(url, {"type": "MX"}).content.decode()
    assert _rows(mx) == [str(zone.records.get(type="MX").pk)]
    by_content = staff_web.get(url, {"q": "mn-mx1.example"}).content.decode()
    assert _rows(by_content) == [str(zone.records.get(type="MX").pk)]
    mail_host = staff_web.get(url, {"q": "MN-MX1.example.nl"}).content.decode()
    assert len(_rows(mail_host)) == 2  # the mail host's A and the MX pointing at it
    full_name = staff_web.get(url, {"q": "www.example.nl."}).content.decode()
    assert _rows(full_name) == [str(zone.records.get(name="www").pk)]
    apex = staff_web.get(url, {"q": "example.nl"}).content.decode()
    assert len(_rows(apex)) == 2
    assert {zone.records.get(pk=pk).name for pk in _rows(apex)} == {"@"}  # its A and MX
    none = staff_web.get(url, {"q": "nothing-like-this"}).content.decode()
    assert "No record matches this filter." in none
    assert staff_web.get(url, {"type": "BOGUS", "q": "www"}).status_code == 200


def test_a_record_on_page_two_is_edited_and_the_editor_stays_on_its_page(staff_web, zone):
    record = _fill(zone, 246)[150]  # h150: row 153, page 2
    url = reverse("staff:zone_record_edit", args=[zone.pk, record.pk])
    form = staff_web.get(url, headers=HTMX).content.decode()  # without ?page: found anyway
    assert f'name="record-{record.pk}-content"' in form
    assert "Records 101\u2013200 of 250" in form
    prefix = f"record-{record.pk}"
    values = {f"{prefix}-name": "h150", f"{prefix}-type": "A", f"{prefix}-content": "192.0.2.150"}
    saved = staff_web.post(f"{url}?page=2", values, headers=HTMX).content.decode()
    assert f'<tr id="record-{record.pk}" class="hw-saved">' in saved
    assert "Records 101\u2013200 of 250" in saved
    record.refresh_from_db()
    assert record.content == "192.0.2.150"

    # Renamed to the end of the zone: the answer shows the page it moved to.
    values[f"{prefix}-name"] = "zz"
    response = staff_web.post(f"{url}?page=2", values)
    detail = reverse("staff:zone_detail", args=[zone.pk])
    assert response.url == f"{detail}?page=3#record-{record.pk}"


def test_an_added_record_is_shown_on_its_page_and_a_deleted_one_keeps_the_page(staff_web, zone):
    _fill(zone, 246)
    create = reverse("staff:zone_record_create", args=[zone.pk])
    values = {"name": "h150a", "type": "A", "content": "192.0.2.9", "listing": "page=3"}
    response = staff_web.post(create, values, headers=HTMX)
    html = response.content.decode()
    added = zone.records.get(name="h150a")
    assert response["HX-Replace-Url"] == reverse("staff:zone_detail", args=[zone.pk]) + "?page=2"
    assert f'<tr id="record-{added.pk}" class="hw-saved">' in html
    assert "Records 101\u2013200 of 251" in html

    # A filter that does not find the new record gives way to the whole zone.
    values = {"name": "zz", "type": "TXT", "content": "hello", "listing": "q=h1&page=2"}
    response = staff_web.post(create, values)
    added = zone.records.get(name="zz")
    detail = reverse("staff:zone_detail", args=[zone.pk])
    assert response.url == f"{detail}?page=3#record-{added.pk}"
    values = {"name": "h1zz", "type": "TXT", "content": "hello", "listing": "q=h1&page=2"}
    response = staff_web.post(create, values)
    added = zone.records.get(name="h1zz")
    assert response.url == f"{detail}?q=h1&page=2#record-{added.pk}"

    doomed = zone.records.get(name="h120")
    delete = reverse("staff:zone_record_delete", args=[zone.pk, doomed.pk])
    html = staff_web.post(f"{delete}?page=2", headers=HTMX).content.decode()
    assert "Records 101\u2013200 of 252" in html
    assert not Record.objects.filter(pk=doomed.pk).exists()
    response = staff_web.post(
        reverse("staff:zone_record_delete", args=[zone.pk, zone.records.get(name="h121").pk])
        + "?q=h1&page=2"
    )
    assert response.url == f"{detail}?q=h1&page=2"


def test_cancelling_an_edit_on_page_two_returns_to_page_two(staff_web, zone):
    _fill(zone, 246)
    html = staff_web.get(
        reverse("staff:zone_records", args=[zone.pk]), {"page": 2}, headers=HTMX
    ).content.decode()
    assert "Records 101\u2013200 of 250" in html
    response = staff_web.get(reverse("staff:zone_records", args=[zone.pk]), {"page": 2})
    assert response.url == reverse("staff:zone_detail", args=[zone.pk]) + "?page=2"


@pytest.mark.parametrize("records", [5, 500])
@pytest.mark.parametrize(
    ("params", "queries"),
    [
        ({}, 7),  # session, user, zone, count, records, history, servers
        ({"page": 2}, 7),
        ({"q": "h", "type": "A"}, 8),  # and the zone's total beside the matches
    ],
)
def test_big_zone_page_query_count_is_constant(
    staff_web, zone, records, params, queries, django_assert_num_queries
):
    _fill(zone, records)
    with django_assert_num_queries(queries):
        response = staff_web.get(reverse("staff:zone_detail", args=[zone.pk]), params)
    assert response.status_code == 200


def test_the_zone_history_names_hostwerk_in_the_readers_language(
    staff_web, staff_user, system_actor, forwarding_server
):
    zone = zone_create(actor=system_actor, domain="example.nl")
    staff_user.language = "nl"
    staff_user.save(update_fields=["language"])
    for name in ("staff:zone_detail", "staff:zone_history"):
        html = staff_web.get(reverse(name, args=[zone.pk])).content.decode()
        assert "Hostwerk (automatisch)" in html
        assert "system (" not in html
