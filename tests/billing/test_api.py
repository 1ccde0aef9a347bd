"""API invoices: staff see all with filters; a client token sees only its own; 404 for others."""

from decimal import Decimal

import pytest

from hostwerk.billing.actions import invoice_mark_paid
from hostwerk.billing.models import InvoiceStatus
from hostwerk.core.models import AuditEvent
from tests.billing.factories import SYSTEM, InvoiceFactory


@pytest.mark.django_db
def test_staff_lists_invoices_with_status_and_client_filters(staff_api, client_a, client_b):
    first = InvoiceFactory(client=client_a)
    paid = invoice_mark_paid(actor=SYSTEM, invoice=InvoiceFactory(client=client_a))
    other = InvoiceFactory(client=client_b)
    body = staff_api.get("/invoices").json()
    assert body["count"] == 3
    assert [item["number"] for item in body["items"]] == [other.number, paid.number, first.number]
    assert [
        item["id"] for item in staff_api.get("/invoices", {"status": "paid"}).json()["items"]
    ] == [paid.pk]
    by_client = staff_api.get("/invoices", {"client_id": client_b.pk}).json()
    assert [item["id"] for item in by_client["items"]] == [other.pk]


@pytest.mark.django_db
def test_unknown_status_filter_gets_422(staff_api):
    response = staff_api.get("/invoices", {"status": "overdue"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "status"


@pytest.mark.django_db
def test_client_token_lists_only_its_own_invoices(client_a_api, client_a, client_b):
    own = InvoiceFactory(client=client_a)
    InvoiceFactory(client=client_b)
    assert [item["id"] for item in client_a_api.get("/invoices").json()["items"]] == [own.pk]
    widened = client_a_api.get("/invoices", {"client_id": client_b.pk}).json()
    assert widened["count"] == 0


@pytest.mark.django_db
def test_invoice_detail_has_the_lines_and_the_billing_address(client_a_api, client_a):
    invoice = InvoiceFactory(client=client_a, items=[{"setup_fee": Decimal("10.00")}])
    response = client_a_api.get(f"/invoices/{invoice.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == invoice.number
    assert body["status"] == "unpaid"
    assert (body["subtotal"], body["vat_amount"], body["total"]) == ("85.00", "17.85", "102.85")
    assert body["vat_scheme"] == "domestic"
    assert body["billing_address"]["name"] == "Anna Aalbers"
    assert body["billing_address"]["country"] == "NL"
    assert [line["amount"] for line in body["lines"]] == ["75.00", "10.00"]
    assert body["lines"][1]["period_start"] is None
    assert body["lines"][0]["period_end"] is not None


@pytest.mark.django_db
def test_another_clients_invoice_is_404(client_b_api, client_a):
    invoice = InvoiceFactory(client=client_a)
    response = client_b_api.get(f"/invoices/{invoice.pk}")
    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.django_db
def test_staff_marks_an_invoice_paid_through_the_api(staff_api, staff_user):
    invoice = InvoiceFactory()
    response = staff_api.post(f"/invoices/{invoice.pk}/mark-paid", {"paid_on": "2026-01-05"})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["paid_on"]) == ("paid", "2026-01-05")
    event = AuditEvent.objects.get(action="invoice.mark_paid")
    assert (event.actor, event.via) == (staff_user, "api")


@pytest.mark.django_db
def test_refused_invoice_actions_answer_409_with_the_reason(staff_api):
    invoice = invoice_mark_paid(actor=SYSTEM, invoice=InvoiceFactory())
    response = staff_api.post(f"/invoices/{invoice.pk}/cancel", {"reason": "asked"})
    assert response.status_code == 409
    assert "a paid invoice cannot be cancelled" in response.json()["detail"]
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID


@pytest.mark.django_db
def test_staff_cancels_an_invoice_through_the_api(staff_api):
    invoice = InvoiceFactory()
    response = staff_api.post(f"/invoices/{invoice.pk}/cancel", {"reason": "Ordered twice"})
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"


@pytest.mark.django_db
def test_client_tokens_cannot_mark_paid_or_cancel(client_a_api, client_a):
    invoice = InvoiceFactory(client=client_a)
    assert client_a_api.post(f"/invoices/{invoice.pk}/mark-paid").status_code == 403
    assert client_a_api.post(f"/invoices/{invoice.pk}/cancel").status_code == 403
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.UNPAID


@pytest.mark.parametrize("rows", [5, 40])
@pytest.mark.django_db
def test_invoice_list_endpoint_query_count_is_constant(
    staff_api, client_a, rows, django_assert_num_queries
):
    InvoiceFactory.create_batch(rows, client=client_a)
    staff_api.get("/invoices")  # the token's first use records last_used_at once
    # token lookup, count, page
    with django_assert_num_queries(3):
        response = staff_api.get("/invoices", {"status": "unpaid"})
    assert response.json()["count"] == rows


@pytest.mark.parametrize("rows", [5, 40])
@pytest.mark.django_db
def test_client_invoice_list_endpoint_query_count_is_constant(
    client_a_api, client_a, rows, django_assert_num_queries
):
    InvoiceFactory.create_batch(rows, client=client_a)
    client_a_api.get("/invoices")
    # token lookup (with the user's client), count, page
    with django_assert_num_queries(3):
        response = client_a_api.get("/invoices")
    assert response.json()["count"] == rows
