"""Fifty orders placed at once, each with its invoice: numbers without gap or duplicate."""

import threading

import pytest
from django.db import connections

from hostwerk.billing.models import Invoice
from hostwerk.core.audit import Actor
from hostwerk.orders.actions import order_place
from hostwerk.orders.items import ItemRequest
from hostwerk.orders.models import Order
from tests.factories import ClientFactory


@pytest.mark.django_db(transaction=True)
def test_fifty_orders_placed_from_parallel_threads_get_gapless_invoice_numbers(hosting, tlds):
    count = 50
    clients = [ClientFactory() for _ in range(count)]
    start = threading.Barrier(count)
    errors: list[BaseException] = []

    def place(client):
        try:
            start.wait()
            order_place(
                actor=Actor.system(via="api"),
                client=client,
                channel="api",
                items=[ItemRequest(product_id=hosting.pk, domain=f"site{client.pk}.nl")],
                send_confirmation=False,
                send_invoice_email=False,
            )
        except BaseException as error:  # reported below; a thread must not die silently
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=place, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert Order.objects.count() == count
    sequences = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, count + 1))
    assert len(set(Invoice.objects.values_list("number", flat=True))) == count
