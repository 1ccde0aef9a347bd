"""The payment ledger: partial payments, overpayment as credit, refunds, repeated notices, API."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connections

from hostwerk.billing.models import (
    CreditEntry,
    DueDateMove,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentKind,
    PaymentMethod,
)
from hostwerk.billing.payments import PaymentInvalid, payment_book
from hostwerk.billing.queries import client_balance, credit_balance
from hostwerk.core import clock
from hostwerk.core.models import AuditEvent
from tests.billing.factories import SYSTEM, InvoiceFactory
from tests.billing.test_lifecycle import due_service, renewal_invoice, run

D = datetime.date


def book(invoice: Invoice, amount: str, reference: str, **values):
    return payment_book(
        actor=SYSTEM,
        invoice=invoice,
        amount=Decimal(amount),
        method=values.pop("method", PaymentMethod.BANK_TRANSFER),
        reference=reference,
        **values,
    )


@pytest.mark.django_db
def test_partial_payment_leaves_the_rest_open_and_the_rest_pays_it_once():
    """Bug class: a partial payment marked the invoice paid, or the rest moved the due date again."""
    service = due_service(next_due_date=D(2027, 3, 10), recurring_amount="100.00")
    run(D(2027, 3, 1))
    invoice = renewal_invoice(service)
    with clock.frozen_at(D(2027, 3, 2)):
        first = book(invoice, "50.00", "statement-1")
    assert (first.invoice.status, first.invoice.amount_due) == (
        InvoiceStatus.UNPAID,
        invoice.total - Decimal("50.00"),
    )
    service.refresh_from_db()
    assert service.next_due_date == D(2027, 3, 10)

    with clock.frozen_at(D(2027, 3, 4)):
        rest = book(invoice, str(invoice.total - Decimal("50.00")), "statement-2")
    assert (rest.invoice.status, rest.invoice.paid_on, rest.invoice.amount_due) == (
        InvoiceStatus.PAID,
        D(2027, 3, 4),
        Decimal("0.00"),
    )
    service.refresh_from_db()
    assert service.next_due_date == D(2027, 4, 10)
    assert DueDateMove.objects.filter(service=service).count() == 1
    assert AuditEvent.objects.filter(action="invoice.paid", object_id=str(invoice.pk)).count() == 1


@pytest.mark.django_db
def test_a_repeated_notice_books_nothing_twice():
    invoice = InvoiceFactory()
    first = book(invoice, "10.00", "tr_repeat", provider="mollie", method=PaymentMethod.IDEAL)
    again = book(invoice, "10.00", "tr_repeat", provider="mollie", method=PaymentMethod.IDEAL)
    assert (first.created, again.created) == (True, False)
    assert again.payment.pk == first.payment.pk
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("10.00")


@pytest.mark.django_db(transaction=True)
def test_two_workers_booking_the_same_notice_at_once_book_it_once():
    from tests.billing.factories import ensure_vat_rates

    ensure_vat_rates()
    invoice = InvoiceFactory()
    barrier = threading.Barrier(2)
    results: list = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(book(invoice, str(invoice.total), "tr_race", provider="mollie").created)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    assert Payment.objects.filter(invoice=invoice).count() == 1
    assert AuditEvent.objects.filter(action="invoice.paid").count() == 1


@pytest.mark.django_db
def test_overpayment_becomes_credit_that_pays_the_next_invoice():
    service = due_service(next_due_date=D(2027, 3, 10), recurring_amount="40.00")
    run(D(2027, 3, 1))
    invoice = renewal_invoice(service)
    extra = Decimal("100.00")
    with clock.frozen_at(D(2027, 3, 2)):
        book(invoice, str(invoice.total + extra), "statement-over")
    client = invoice.client
    assert credit_balance(client) == extra
    assert client_balance(client=client)["credit"] == extra
    assert AuditEvent.objects.filter(action="client.credit_add", client=client).count() == 1

    # The next month's renewal is paid from the credit by the billing run, and audited.
    run(D(2027, 3, 27))
    following = Invoice.objects.get(lines__service=service, lines__period_start=D(2027, 4, 10))
    assert following.status == InvoiceStatus.PAID
    assert following.payments.get().method == PaymentMethod.CREDIT
    assert credit_balance(client) == extra - following.total
    service.refresh_from_db()
    assert service.next_due_date == D(2027, 5, 10)
    # Running the day again takes no more credit.
    run(D(2027, 3, 27))
    assert credit_balance(client) == extra - following.total
    assert CreditEntry.objects.filter(client=client, amount__lt=0).count() == 1


@pytest.mark.django_db
def test_a_refund_is_recorded_and_lowers_what_was_paid():
    invoice = InvoiceFactory()
    book(invoice, str(invoice.total), "statement-9")
    refund = book(invoice, "5.00", "refund-9", kind=PaymentKind.REFUND)
    assert refund.payment.kind == PaymentKind.REFUND
    invoice.refresh_from_db()
    assert invoice.amount_paid == invoice.total - Decimal("5.00")
    # A paid invoice stays paid; the money back is in the ledger (and a credit note says why).
    assert invoice.status == InvoiceStatus.PAID
    assert AuditEvent.objects.filter(action="invoice.refund").count() == 1


@pytest.mark.django_db
def test_a_refund_larger_than_what_was_paid_is_refused_and_changes_nothing():
    invoice = InvoiceFactory()
    book(invoice, "10.00", "statement-10")
    with pytest.raises(PaymentInvalid) as refused:
        book(invoice, "10.01", "refund-10", kind=PaymentKind.REFUND)
    assert refused.value.field == "amount"
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("10.00")
    assert invoice.payments.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "Enter an amount greater than zero."),
        ("-3", "Enter an amount greater than zero."),
        ("1.005", "Enter the amount with at most two decimals."),
        ("NaN", "Enter an amount greater than zero."),
    ],
)
def test_bad_amounts_are_refused_naming_the_field(amount, message):
    invoice = InvoiceFactory()
    with pytest.raises(PaymentInvalid) as refused:
        book(invoice, amount, "bad")
    assert (refused.value.field, refused.value.message) == ("amount", message)
    assert not Payment.objects.exists()


# The API -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_books_a_payment_and_lists_it(staff_api):
    invoice = InvoiceFactory()
    body = {"amount": "20.00", "method": "bank_transfer", "reference": "NL-77"}
    created = staff_api.post(f"/invoices/{invoice.pk}/payments", body)
    assert created.status_code == 201, created.content
    assert created.json()["amount"] == "20.00"
    # The same reference again: the existing payment, 200, nothing booked.
    again = staff_api.post(f"/invoices/{invoice.pk}/payments", body)
    assert (again.status_code, again.json()["id"]) == (200, created.json()["id"])

    detail = staff_api.get(f"/invoices/{invoice.pk}").json()
    assert detail["amount_paid"] == "20.00"
    assert Decimal(detail["amount_due"]) == invoice.total - Decimal("20.00")
    listed = staff_api.get(f"/invoices/{invoice.pk}/payments").json()
    assert [row["reference"] for row in listed] == ["NL-77"]


@pytest.mark.django_db
def test_api_refuses_a_bad_payment_naming_the_field(staff_api):
    invoice = InvoiceFactory()
    response = staff_api.post(
        f"/invoices/{invoice.pk}/payments",
        {"amount": "1.001", "method": "bank_transfer", "reference": "x"},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "amount"
    wrong_method = staff_api.post(
        f"/invoices/{invoice.pk}/payments",
        {"amount": "1.00", "method": "bitcoin", "reference": "x"},
    )
    assert wrong_method.status_code == 422
    assert "method" in wrong_method.json()["detail"][0]["loc"]
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_clients_see_their_payments_but_cannot_book(client_a_api, client_a):
    invoice = InvoiceFactory(client=client_a)
    book(invoice, "3.00", "seen-by-client")
    assert [
        row["reference"] for row in client_a_api.get(f"/invoices/{invoice.pk}/payments").json()
    ] == ["seen-by-client"]
    response = client_a_api.post(
        f"/invoices/{invoice.pk}/payments",
        {"amount": "1.00", "method": "cash", "reference": "self"},
    )
    assert response.status_code == 403
    assert invoice.payments.count() == 1


@pytest.mark.django_db
def test_payment_list_query_count_does_not_grow(staff_api, django_assert_max_num_queries):
    invoice = InvoiceFactory()
    for number in range(30):
        book(invoice, "0.01", f"small-{number}")
    with django_assert_max_num_queries(6):
        assert len(staff_api.get(f"/invoices/{invoice.pk}/payments").json()) == 30
