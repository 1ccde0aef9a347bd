"""Invoice numbers: gapless per year, unique, given back on rollback, safe under concurrency."""

import datetime
import threading

import pytest
from django.db import connection, connections, transaction

from hostwerk.billing.actions import invoice_cancel
from hostwerk.billing.models import Invoice, InvoiceCounter
from hostwerk.billing.numbering import invoice_number_format
from hostwerk.orders.invoicing import invoice_create_for_order
from tests.billing.factories import (
    SYSTEM,
    InvoiceFactory,
    OrderFactory,
    OrderItemFactory,
    ensure_vat_rates,
)
from tests.factories import ClientFactory


def in_year(year: int) -> datetime.date:
    return datetime.date(year, 6, 1)


def test_number_is_the_year_and_five_digits():
    assert invoice_number_format(year=2026, sequence=7) == "2026-00007"
    assert invoice_number_format(year=2026, sequence=123456) == "2026-123456"


@pytest.mark.django_db
def test_numbers_are_gapless_and_start_again_each_year(client_a):
    numbers = [InvoiceFactory(client=client_a, issued_on=in_year(2026)).number for _ in range(3)]
    numbers.append(InvoiceFactory(client=client_a, issued_on=in_year(2027)).number)
    numbers.append(InvoiceFactory(client=client_a, issued_on=in_year(2026)).number)
    assert numbers == ["2026-00001", "2026-00002", "2026-00003", "2027-00001", "2026-00004"]
    assert dict(InvoiceCounter.objects.values_list("year", "last_number")) == {2026: 4, 2027: 1}
    assert list(Invoice.objects.filter(year=2026).values_list("sequence", flat=True)) == [
        4,
        3,
        2,
        1,
    ]


@pytest.mark.django_db
def test_a_rolled_back_invoice_gives_its_number_back(client_a):
    InvoiceFactory(client=client_a, issued_on=in_year(2026))
    with pytest.raises(RuntimeError, match="order placement failed"), transaction.atomic():
        InvoiceFactory(client=client_a, issued_on=in_year(2026))
        raise RuntimeError("order placement failed")
    assert InvoiceFactory(client=client_a, issued_on=in_year(2026)).number == "2026-00002"


@pytest.mark.django_db
def test_a_cancelled_invoice_keeps_its_number(client_a):
    first = InvoiceFactory(client=client_a, issued_on=in_year(2026))
    invoice_cancel(actor=SYSTEM, invoice=first, reason="typo")
    second = InvoiceFactory(client=client_a, issued_on=in_year(2026))
    assert Invoice.objects.get(pk=first.pk).number == "2026-00001"
    assert second.number == "2026-00002"


@pytest.mark.django_db(transaction=True)
def test_fifty_invoices_created_at_once_get_fifty_consecutive_numbers():
    # On PostgreSQL this races row locks between connections; on SQLite the IMMEDIATE
    # transactions queue the writers, and the numbers must come out just as gapless.
    ensure_vat_rates()
    count = 50
    client = ClientFactory()
    orders = [OrderFactory(client=client) for _ in range(count)]
    for order in orders:
        OrderItemFactory(order=order)
    # A year without a counter row yet: the threads also race to create the first row.
    issued_on = in_year(2031)
    start = threading.Barrier(count)
    errors: list[BaseException] = []

    def create(order):
        try:
            # Connect first, so that the threads really reach the counter at the same moment.
            connection.ensure_connection()
            start.wait()
            invoice_create_for_order(actor=SYSTEM, order=order, issued_on=issued_on)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(order,)) for order in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    sequences = sorted(Invoice.objects.filter(year=2031).values_list("sequence", flat=True))
    assert sequences == list(range(1, count + 1))
    assert InvoiceCounter.objects.get(year=2031).last_number == count
    assert Invoice.objects.filter(year=2031).values("number").distinct().count() == count
