"""The client dashboard: own services, domains and unpaid invoices only."""

import pytest
from django.urls import reverse

from tests.provisioning.factories import ServiceFactory


@pytest.mark.django_db
def test_dashboard_shows_own_services_only(client_a_web, client_a, client_b):
    ServiceFactory(client=client_a, domain="anna.nl")
    ServiceFactory(client=client_b, domain="bram.nl")
    html = client_a_web.get(reverse("portal:dashboard")).content.decode()
    assert "anna.nl" in html
    assert "bram.nl" not in html


@pytest.mark.parametrize("rows", [1, 10])
@pytest.mark.django_db
def test_dashboard_query_count_does_not_grow(
    client_a_web, client_a, rows, django_assert_num_queries
):
    for n in range(rows):
        ServiceFactory(client=client_a, domain=f"s{n}.nl")
    with django_assert_num_queries(8):
        client_a_web.get(reverse("portal:dashboard"))
