"""API orders (DESIGN section 7): place, read, list; 422 names the item field; client scoping."""

import pytest

from hostwerk.orders.models import Order


@pytest.mark.django_db
def test_staff_places_an_order_for_a_client(staff_api, client_a, hosting, tlds):
    response = staff_api.post(
        "/orders",
        {
            "client_id": client_a.pk,
            "items": [
                {"product_id": hosting.pk, "domain": "bakkerij.nl"},
                {"domain": "bakkerij.com", "action": "register", "years": 2},
            ],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending"
    assert [(i["kind"], i["status"]) for i in body["items"]] == [
        ("hosting", "pending"),
        ("domain_register", "pending"),
    ]
    assert body["items"][0]["billing_cycle"] == "annually"
    assert body["invoice_id"] is not None
    assert Order.objects.get().channel == "api"


@pytest.mark.django_db
def test_bad_order_gets_422_naming_the_item_field_and_creates_nothing(
    staff_api, client_a, hosting, tlds
):
    response = staff_api.post(
        "/orders",
        {
            "client_id": client_a.pk,
            "items": [
                {"product_id": hosting.pk, "domain": "a.nl", "billing_cycle": "quarterly"},
                {"domain": "a.org", "action": "register"},
                {"product_id": 999},
            ],
        },
    )
    assert response.status_code == 422
    locations = [tuple(d["loc"]) for d in response.json()["detail"]]
    assert locations == [
        ("body", "items", 0, "billing_cycle"),
        ("body", "items", 1, "domain"),
        ("body", "items", 2, "product_id"),
    ]
    assert Order.objects.count() == 0


@pytest.mark.django_db
def test_client_token_orders_for_its_own_client_only(
    client_a_api, client_a, client_b, hosting, tlds
):
    ok = client_a_api.post(
        "/orders",
        {"client_id": client_a.pk, "items": [{"product_id": hosting.pk, "domain": "a.nl"}]},
    )
    assert ok.status_code == 201
    other = client_a_api.post(
        "/orders",
        {"client_id": client_b.pk, "items": [{"product_id": hosting.pk, "domain": "b.nl"}]},
    )
    assert other.status_code == 404
    assert Order.objects.filter(client=client_b).count() == 0


@pytest.mark.django_db
def test_client_token_cannot_override_prices(client_a_api, client_a, hosting, tlds):
    response = client_a_api.post(
        "/orders",
        {
            "client_id": client_a.pk,
            "items": [{"product_id": hosting.pk, "domain": "a.nl", "price": "1.00"}],
        },
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "items", 0, "price"]


@pytest.mark.django_db
def test_get_order_and_404_for_another_client(client_a_api, client_b_api, client_a, hosting, tlds):
    order_id = client_a_api.post(
        "/orders",
        {"client_id": client_a.pk, "items": [{"product_id": hosting.pk, "domain": "a.nl"}]},
    ).json()["id"]
    body = client_a_api.get(f"/orders/{order_id}").json()
    assert body["items"][0]["domain"] == "a.nl"
    assert client_b_api.get(f"/orders/{order_id}").status_code == 404


@pytest.mark.parametrize("rows", [3, 40])
@pytest.mark.django_db
def test_order_list_endpoint_query_count_is_constant(staff_api, rows, django_assert_num_queries):
    from tests.orders.factories import OrderFactory

    OrderFactory.create_batch(rows)
    staff_api.get("/orders")
    with django_assert_num_queries(3):  # token, count, page
        body = staff_api.get("/orders", {"status": "pending"}).json()
    assert body["count"] == rows


@pytest.mark.django_db
def test_an_api_order_carries_its_payment_method_to_the_invoice(staff_api, client_a, hosting, tlds):
    order = {"client_id": client_a.pk, "items": [{"product_id": hosting.pk, "domain": "a.nl"}]}
    response = staff_api.post("/orders", {**order, "payment_method": "direct_debit"})
    assert response.status_code == 201, response.content
    assert response.json()["payment_method"] == "direct_debit"
    assert Order.objects.get().invoice.payment_method == "direct_debit"

    refused = staff_api.post("/orders", {**order, "payment_method": "cheque"})
    assert refused.status_code == 422
    assert any(d["loc"][-1] == "payment_method" for d in refused.json()["detail"])
    assert Order.objects.count() == 1


@pytest.mark.django_db
def test_a_cycle_without_a_price_is_refused_with_the_api_values(staff_api, client_a, hosting):
    response = staff_api.post(
        "/orders",
        {
            "client_id": client_a.pk,
            "items": [
                {"product_id": hosting.pk, "domain": "bakkerij.nl", "billing_cycle": "quarterly"}
            ],
        },
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "items", 0, "billing_cycle"]
    # The values the API takes, not the labels of the web pages ("per kwartaal", "jaarlijks").
    assert "quarterly" in error["msg"]
    assert "monthly, annually" in error["msg"]


@pytest.mark.django_db
def test_an_unknown_cycle_is_422_listing_the_values(staff_api, client_a, hosting):
    response = staff_api.post(
        "/orders",
        {
            "client_id": client_a.pk,
            "items": [
                {"product_id": hosting.pk, "domain": "bakkerij.nl", "billing_cycle": "yearly"}
            ],
        },
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "items", 0, "billing_cycle"]
    assert "'annually'" in error["msg"]
