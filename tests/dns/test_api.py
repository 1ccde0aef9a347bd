"""API v1 DNS: zones and records, 422 naming the field, 404 for another client's zone."""

from __future__ import annotations

import pytest

from hostwerk.dns.models import Zone
from hostwerk.provisioning.zones import zone_create
from tests.dns.factories import RecordFactory, ZoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone_a(staff_actor, forwarding_server, client_a):
    return zone_create(actor=staff_actor, domain="aalbers.nl", client=client_a)


def test_get_zone_gives_absolute_names_with_trailing_dot(staff_api, zone_a):
    response = staff_api.get("/dns/zones/aalbers.nl")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "aalbers.nl."
    records = sorted(
        (record["name"], record["type"], record["ttl"], record["content"], record["priority"])
        for record in body["records"]
    )
    assert records == [
        ("aalbers.nl.", "A", 3600, "80.247.175.4", None),
        ("aalbers.nl.", "MX", 3600, "mn-mx1.aalbers.nl.", 10),
        ("mn-mx1.aalbers.nl.", "A", 3600, "80.247.175.5", None),
        ("www.aalbers.nl.", "A", 3600, "80.247.175.4", None),
    ]
    assert all(isinstance(record["id"], int) for record in body["records"])


def test_zone_names_in_the_path_may_be_unicode_or_absolute(
    staff_api, staff_actor, forwarding_server
):
    zone_create(actor=staff_actor, domain="bücher.nl")
    assert staff_api.get("/dns/zones/bücher.nl").json()["name"] == "xn--bcher-kva.nl."
    assert staff_api.get("/dns/zones/xn--bcher-kva.nl.").status_code == 200
    assert staff_api.get("/dns/zones/not a name").status_code == 404


def test_staff_create_a_zone_from_the_default_template(staff_api, forwarding_server, client_a):
    response = staff_api.post("/dns/zones", {"domain": "nieuw.nl", "client_id": client_a.pk})
    assert response.status_code == 201
    assert response.json()["name"] == "nieuw.nl."
    assert len(response.json()["records"]) == 4
    assert Zone.objects.get(name="nieuw.nl").client == client_a

    again = staff_api.post("/dns/zones", {"domain": "NIEUW.nl"})
    assert again.status_code == 409
    assert again.json() == {"detail": "There is already a zone for nieuw.nl."}

    bad = staff_api.post("/dns/zones", {"domain": "nieuw"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "domain"]


def test_a_client_creates_zones_only_for_its_own_domains(client_a_api, forwarding_server):
    response = client_a_api.post("/dns/zones", {"domain": "vreemd.nl"})
    assert response.status_code == 403
    assert not Zone.objects.exists()


def test_record_create_update_delete(staff_api, zone_a):
    created = staff_api.post(
        "/dns/zones/aalbers.nl/records",
        {"name": "_dmarc", "type": "TXT", "content": "v=DMARC1; p=none"},
    )
    assert created.status_code == 201
    record = created.json()
    assert (record["name"], record["content"], record["ttl"]) == (
        "_dmarc.aalbers.nl.",
        '"v=DMARC1; p=none"',
        3600,
    )

    changed = staff_api.patch(f"/dns/zones/aalbers.nl/records/{record['id']}", {"ttl": 300})
    assert changed.status_code == 200
    assert (changed.json()["ttl"], changed.json()["content"]) == (300, '"v=DMARC1; p=none"')

    assert staff_api.delete(f"/dns/zones/aalbers.nl/records/{record['id']}").status_code == 204
    assert staff_api.get(f"/dns/zones/aalbers.nl/records/{record['id']}").status_code == 404


def test_a_refused_record_is_a_422_naming_the_field(client_a_api, zone_a):
    response = client_a_api.post(
        "/dns/zones/aalbers.nl/records",
        {"name": "www", "type": "A", "content": "192.0.2", "ttl": 5},
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert sorted(item["loc"][-1] for item in detail) == ["content", "ttl"]
    assert zone_a.records.count() == 4

    www = zone_a.records.get(name="www")
    response = client_a_api.patch(
        f"/dns/zones/aalbers.nl/records/{www.pk}", {"type": "CNAME", "name": "@", "content": "x.nl"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "name"]


def test_another_clients_zone_is_404(client_b_api, zone_a):
    record = zone_a.records.first()
    assert client_b_api.get("/dns/zones/aalbers.nl").status_code == 404
    assert (
        client_b_api.post(
            "/dns/zones/aalbers.nl/records", {"name": "x", "type": "A", "content": "192.0.2.1"}
        ).status_code
        == 404
    )
    assert (
        client_b_api.patch(f"/dns/zones/aalbers.nl/records/{record.pk}", {"ttl": 60}).status_code
        == 404
    )
    assert client_b_api.delete(f"/dns/zones/aalbers.nl/records/{record.pk}").status_code == 404
    assert zone_a.records.count() == 4


def test_zone_list_is_scoped_and_paginated(client_a_api, staff_api, zone_a):
    ZoneFactory(name="other.nl")
    assert [zone["name"] for zone in client_a_api.get("/dns/zones").json()["items"]] == [
        "aalbers.nl."
    ]
    assert staff_api.get("/dns/zones").json()["count"] == 2


@pytest.mark.parametrize("records", [2, 40])
def test_zone_endpoint_query_count_is_constant(staff_api, records, django_assert_num_queries):
    zone = ZoneFactory(name="example.nl")
    RecordFactory.create_batch(records, zone=zone)
    ZoneFactory.create_batch(records)
    with django_assert_num_queries(4):  # token, user, zone, records
        response = staff_api.get("/dns/zones/example.nl")
    assert len(response.json()["records"]) == records


@pytest.mark.parametrize("zones", [2, 30])
def test_zone_list_endpoint_query_count_is_constant(staff_api, zones, django_assert_num_queries):
    ZoneFactory.create_batch(zones)
    with django_assert_num_queries(4):
        response = staff_api.get("/dns/zones")
    assert response.json()["count"] == zones
