"""Client area DNS: the client's own zones with the same record editor; another client's are 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hostwerk.core.models import ActorKind
from hostwerk.dns.models import Zone, ZoneChange
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
