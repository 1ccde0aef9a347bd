"""Client area DNS: the client's own zones with the same record editor; another client's are 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hostwerk.core.models import ActorKind
from hostwerk.dns.models import Record, Zone, ZoneChange
from hostwerk.provisioning.zones import zone_create
from tests.dns.factories import RecordFactory, ZoneFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def zone_a(staff_actor, forwarding_server, client_a):
    return zone_create(actor=staff_actor, domain="aalbers.nl", client=client_a)


def test_the_client_sees_only_its_own_zones(client_a_web, zone_a, client_b):
    ZoneFactory(name="bakker.nl", client=client_b)
    ZoneFactory(name="nobody.nl")
    html = client_a_web.get(reverse("portal:zone_list")).content.decode()
    assert "aalbers.nl" in html
    assert "bakker.nl" not in html
    assert "nobody.nl" not in html


def test_another_clients_zone_is_not_found(client_b_web, zone_a):
    record = zone_a.records.first()
    for url in (
        reverse("portal:zone_detail", args=[zone_a.pk]),
        reverse("portal:zone_history", args=[zone_a.pk]),
        reverse("portal:zone_export", args=[zone_a.pk]),
        reverse("portal:zone_record_edit", args=[zone_a.pk, record.pk]),
    ):
        assert client_b_web.get(url).status_code == 404
    response = client_b_web.post(
        reverse("portal:zone_record_create", args=[zone_a.pk]),
        {"name": "evil", "type": "A", "content": "192.0.2.66"},
    )
    assert response.status_code == 404
    assert (
        client_b_web.post(
            reverse("portal:zone_record_delete", args=[zone_a.pk, record.pk])
        ).status_code
        == 404
    )
    assert zone_a.records.count() == 4
    # Paging and filtering do not open it either.
    detail = reverse("portal:zone_detail", args=[zone_a.pk])
    for params, headers in (
        ({"page": 2, "q": "www", "type": "A"}, {}),
        ({"page": 2}, {**HTMX, "HX-Target": "records-table"}),
    ):
        assert client_b_web.get(detail, params, headers=headers).status_code == 404
    records = reverse("portal:zone_records", args=[zone_a.pk])
    assert client_b_web.get(records, {"page": 2}, headers=HTMX).status_code == 404


def _fill(zone, count: int) -> None:
    Record.objects.bulk_create(
        Record(zone=zone, name=f"h{number:03d}", type="A", ttl=3600, content="192.0.2.1")
        for number in range(count)
    )


def test_the_client_pages_filters_and_edits_a_record_on_page_two(client_a_web, zone_a):
    _fill(zone_a, 196)  # 200 with the template's four
    detail = reverse("portal:zone_detail", args=[zone_a.pk])
    html = client_a_web.get(detail, {"page": 2}).content.decode()
    assert "Records 101\u2013200 of 200" in html
    assert f'href="{detail}" hx-get="{detail}"' in html  # page 1
    record = zone_a.records.get(name="h150")
    assert f'id="record-{record.pk}"' in html
    assert f'href="/dns/{zone_a.pk}/records/{record.pk}/edit/?page=2"' in html

    url = reverse("portal:zone_record_edit", args=[zone_a.pk, record.pk])
    prefix = f"record-{record.pk}"
    response = client_a_web.post(
        f"{url}?page=2",
        {f"{prefix}-name": "h150", f"{prefix}-type": "A", f"{prefix}-content": "192.0.2.15"},
    )
    assert response.url == f"{detail}?page=2#record-{record.pk}"
    record.refresh_from_db()
    assert record.content == "192.0.2.15"

    found = client_a_web.get(detail, {"q": "192.0.2.15"}).content.decode()
    assert f'id="record-{record.pk}"' in found
    assert "1\u20131 of 1 matching record (the zone has 200)" in found


@pytest.mark.parametrize("records", [5, 500])
def test_client_zone_page_query_count_is_constant(
    client_a_web, zone_a, records, django_assert_num_queries
):
    _fill(zone_a, records)
    with django_assert_num_queries(6):  # session, user, client, zone, count, records
        response = client_a_web.get(reverse("portal:zone_detail", args=[zone_a.pk]), {"page": 2})
    assert response.status_code == 200


def test_the_client_edits_a_record_with_the_same_validation(client_a_web, zone_a, client_a_user):
    www = zone_a.records.get(name="www")
    url = reverse("portal:zone_record_edit", args=[zone_a.pk, www.pk])
    prefix = f"record-{www.pk}"
    bad = client_a_web.post(
        url,
        {f"{prefix}-name": "www", f"{prefix}-type": "A", f"{prefix}-content": "192.0.2"},
        headers=HTMX,
    ).content.decode()
    assert "Enter an IPv4 address such as 192.0.2.10." in bad
    assert 'value="192.0.2"' in bad

    client_a_web.post(
        url,
        {f"{prefix}-name": "www", f"{prefix}-type": "CNAME", f"{prefix}-content": "@"},
        headers=HTMX,
    )
    www.refresh_from_db()
    assert (www.type, www.content, www.template_managed) == ("CNAME", "aalbers.nl.", False)

    response = client_a_web.post(
        reverse("portal:zone_record_create", args=[zone_a.pk]),
        {"name": "www", "type": "A", "content": "192.0.2.5"},
        headers=HTMX,
    )
    assert "is a CNAME (an alias)" in response.content.decode()
    change = ZoneChange.objects.filter(zone=zone_a).first()
    assert (change.actor, change.actor_kind) == (client_a_user, ActorKind.CLIENT)


def test_the_client_page_and_history(client_a_web, zone_a):
    html = client_a_web.get(reverse("portal:zone_detail", args=[zone_a.pk])).content.decode()
    assert "mn-mx1.aalbers.nl." in html
    assert "Publish now" not in html
    history = client_a_web.get(reverse("portal:zone_history", args=[zone_a.pk])).content.decode()
    assert "zone created" in history
    assert "Restore" not in history


@pytest.mark.parametrize("zones", [2, 30])
def test_client_zone_list_query_count_is_constant(
    client_a_web, client_a, zones, django_assert_num_queries
):
    for zone in ZoneFactory.create_batch(zones, client=client_a):
        RecordFactory.create_batch(2, zone=zone)
    with django_assert_num_queries(5):  # session, user, client, count, page
        response = client_a_web.get(reverse("portal:zone_list"))
    assert response.status_code == 200
    assert Zone.objects.filter(client=client_a).count() == zones
