"""API catalogue: products with prices per cycle, TLDs with registrar, servers for staff only."""

import pytest

from tests.factories import ProductFactory, ServerFactory, TldFactory


@pytest.mark.django_db
def test_products_list_prices_per_cycle_and_default_cycle(client_a_api):
    product = ProductFactory(name_en="Hosting S", prices={"monthly": "5.00", "annually": "50.00"})
    ProductFactory(active=False)
    body = client_a_api.get("/products").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == product.pk
    assert item["default_billing_cycle"] == "annually"
    assert item["prices"] == {"monthly": "5.00", "annually": "50.00"}


@pytest.mark.django_db
def test_tlds_name_their_registrar(client_a_api):
    tld = TldFactory(name="de", dns_before_registration=True)
    item = client_a_api.get("/tlds").json()["items"][0]
    assert item["name"] == "de"
    assert item["registrar"] == tld.registrar.name
    assert item["dns_before_registration"] is True


@pytest.mark.django_db
def test_servers_are_for_staff_only(staff_api, client_a_api):
    server = ServerFactory(name="plesk1", web_ip="192.0.2.11", mail_ip="192.0.2.12")
    item = staff_api.get("/servers").json()["items"][0]
    assert item == {
        "id": server.pk,
        "name": "plesk1",
        "kind": "plesk",
        "hostname": "plesk1.hostwerk.test",
        "web_ip": "192.0.2.11",
        "mail_ip": "192.0.2.12",
        "capacity": 0,
        "active": True,
        "group": "Plesk",
    }
    assert client_a_api.get("/servers").status_code == 403


@pytest.mark.parametrize("rows", [2, 20])
@pytest.mark.django_db
def test_product_list_query_count_is_constant(staff_api, rows, django_assert_num_queries):
    ProductFactory.create_batch(rows)
    staff_api.get("/products")  # the token's first use records last_used_at once
    with django_assert_num_queries(4):  # token, count, page, prices
        staff_api.get("/products")
