"""The staff dashboard shows what needs attention, in a fixed number of queries."""

import pytest
from django.urls import reverse

from tests.orders.factories import OrderFactory, OrderItemFactory


@pytest.mark.django_db
def test_dashboard_lists_orders_with_failed_items_first(staff_web, client_a):
    quiet = OrderFactory(client=client_a)
    OrderItemFactory(order=quiet)
    failing = OrderFactory(client=client_a)
    OrderItemFactory(order=failing, status="failed", error="phone number missing")
    response = staff_web.get(reverse("staff:dashboard"))
    assert [o.pk for o in response.context["orders_needing_attention"]] == [failing.pk, quiet.pk]
    assert response.context["failing_order_count"] == 1
    assert "1 failed" in response.content.decode()


@pytest.mark.parametrize("rows", [2, 20])
@pytest.mark.django_db
def test_dashboard_query_count_does_not_grow(staff_web, client_a, rows, django_assert_num_queries):
    for _ in range(rows):
        OrderItemFactory(order=OrderFactory(client=client_a), status="failed")
    staff_web.get(reverse("staff:dashboard"))
    with django_assert_num_queries(10):
        staff_web.get(reverse("staff:dashboard"))
