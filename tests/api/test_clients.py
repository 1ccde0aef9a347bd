"""API clients: staff see all, a client token only its own; 422 names the field."""

import pytest

from hostwerk.clients.models import Client
from hostwerk.core.models import AuditEvent
from tests.factories import ClientFactory

NEW = {
    "first_name": "Jan",
    "last_name": "de Vries",
    "company": "",
    "email": "jan@example.nl",
    "phone": "0612345678",
    "address1": "Dorpsstraat 1",
    "postcode": "1234 AB",
    "city": "Amsterdam",
    "country": "NL",
    "language": "nl",
}


@pytest.mark.django_db
def test_staff_creates_a_client(staff_api):
    response = staff_api.post("/clients", NEW)
    assert response.status_code == 201
    body = response.json()
    assert body["phone"] == "+31612345678"
    assert Client.objects.get(pk=body["id"]).email == "jan@example.nl"
    assert AuditEvent.objects.get(action="client.create").via == "api"


@pytest.mark.django_db
def test_invalid_client_gets_422_naming_the_field_and_creates_nothing(staff_api):
    response = staff_api.post("/clients", {**NEW, "phone": "12", "country": "XX"})
    assert response.status_code == 422
    fields = {tuple(error["loc"]) for error in response.json()["detail"]}
    assert fields == {("body", "phone"), ("body", "country")}
    assert Client.objects.count() == 0


@pytest.mark.django_db
def test_missing_required_field_gets_422_naming_it(staff_api):
    body = dict(NEW)
    del body["last_name"]
    response = staff_api.post("/clients", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "last_name"


@pytest.mark.django_db
def test_client_token_cannot_create_clients(client_a_api):
    assert client_a_api.post("/clients", NEW).status_code == 403


@pytest.mark.django_db
def test_staff_lists_and_searches_clients_paginated(staff_api):
    ClientFactory.create_batch(3)
    ClientFactory(last_name="Zwart")
    body = staff_api.get("/clients", {"q": "zwart"}).json()
    assert body["count"] == 1
    assert body["items"][0]["last_name"] == "Zwart"
    assert staff_api.get("/clients").json()["count"] == 4


@pytest.mark.django_db
def test_client_token_lists_only_its_own_client(client_a_api, client_a, client_b):
    body = client_a_api.get("/clients").json()
    assert [item["id"] for item in body["items"]] == [client_a.pk]


@pytest.mark.django_db
def test_client_patches_own_data_but_not_status(client_a_api, client_a):
    response = client_a_api.patch(f"/clients/{client_a.pk}", {"city": "Leiden"})
    assert response.status_code == 200, response.content
    assert response.json()["city"] == "Leiden"
    assert client_a_api.patch(f"/clients/{client_a.pk}", {"status": "closed"}).status_code == 403


@pytest.mark.django_db
def test_patch_with_bad_value_gets_422_and_changes_nothing(staff_api, client_a):
    response = staff_api.patch(f"/clients/{client_a.pk}", {"postcode": "12", "city": "Leiden"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "postcode"]
    client_a.refresh_from_db()
    assert client_a.city == "Amsterdam"


@pytest.mark.parametrize("rows", [5, 40])
@pytest.mark.django_db
def test_client_list_endpoint_query_count_is_constant(staff_api, rows, django_assert_num_queries):
    ClientFactory.create_batch(rows)
    staff_api.get("/clients")  # the token's first use records last_used_at once
    # token lookup, count, page
    with django_assert_num_queries(3):
        staff_api.get("/clients")
