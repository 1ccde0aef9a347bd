"""The staff payments list (the dashboard's income links here): by date, with its net income."""

from decimal import Decimal

import pytest
from django.urls import reverse

from hostwerk.billing.payments import payment_book
from hostwerk.core.audit import Actor
from tests.billing.factories import InvoiceFactory


@pytest.mark.parametrize("rows", [2, 12])
@pytest.mark.django_db
def test_payment_list_query_count_does_not_grow(
    staff_web, staff_user, client_a, rows, django_assert_num_queries
):
    for n in range(rows):
        invoice = InvoiceFactory(client=client_a)
        payment_book(
            actor=Actor.for_user(staff_user),
            invoice=invoice,
            amount="2.50",
            method="ideal",
            reference=f"r{n}",
        )
    staff_web.get(reverse("staff:payment_list"))
    with django_assert_num_queries(5):  # session, user, income, count, page
        response = staff_web.get(reverse("staff:payment_list"))
    assert response.context["income"] == Decimal("2.50") * rows
    assert response.content.decode().count("font-monospace") == rows


@pytest.mark.django_db
def test_payment_list_is_for_staff_only(client_a_web):
    assert client_a_web.get(reverse("staff:payment_list")).status_code == 403
