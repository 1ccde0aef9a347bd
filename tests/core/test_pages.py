"""List paging counts no further than it needs: a capped count, "of more than", no last-page link."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from hostwerk.clients.models import Client
from hostwerk.core import pages
from tests.factories import ClientFactory


@pytest.fixture
def thirty_clients(db):
    ClientFactory.create_batch(30)


def test_a_count_below_the_cap_is_exact(thirty_clients):
    page = pages.paginate(RequestFactory().get("/"), Client.objects.order_by("pk"), per_page=10)
    assert page.paginator.count == 30
    assert not page.paginator.count_capped
    assert page.paginator.num_pages == 3


def test_the_count_stops_at_the_cap(thirty_clients, monkeypatch):
    monkeypatch.setattr(pages, "COUNT_CAP", 12)
    page = pages.paginate(RequestFactory().get("/"), Client.objects.order_by("pk"), per_page=5)
    assert page.paginator.count == 12
    assert page.paginator.count_capped
    assert page.has_next()


def test_a_deep_page_is_counted_far_enough_to_be_reached(thirty_clients, monkeypatch):
    monkeypatch.setattr(pages, "COUNT_CAP", 6)
    request = RequestFactory().get("/", {"page": 4})
    page = pages.paginate(request, Client.objects.order_by("pk"), per_page=5)
    assert page.number == 4
    assert len(page) == 5
    assert page.has_next()  # counted 21 rows: page 5 exists


def test_the_list_says_more_than_and_has_no_last_page_link(staff_web, thirty_clients, monkeypatch):
    monkeypatch.setattr(pages, "COUNT_CAP", 26)
    html = staff_web.get(reverse("staff:client_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1\u201325 of more than 26" in html
    assert "»" not in html


def test_a_later_page_holds_the_same_rows_in_the_same_order(thirty_clients):
    ordered = Client.objects.order_by("-number")
    request = RequestFactory().get("/", {"page": 3})
    page = pages.paginate(request, ordered, per_page=7)
    assert [client.pk for client in page] == [client.pk for client in ordered[14:21]]
