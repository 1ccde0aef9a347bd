"""API of the billing lifecycle: service billing fields and PATCH, cancellation requests, credit
notes, and the invoice list's kind filter; a client token never reaches another client's."""

from __future__ import annotations

import datetime

import pytest

from hostwerk.billing.actions import invoice_mark_paid
from hostwerk.billing.models import Invoice
from hostwerk.core.models import AuditEvent
from hostwerk.provisioning.models import Service
from tests.billing.factories import SYSTEM, InvoiceFactory
from tests.billing.test_lifecycle import due_service, renewal_invoice, run

D = datetime.date


@pytest.mark.django_db
def test_service_detail_gives_its_billing_state(client_a_api, client_a):
    service = due_service(client=client_a, next_due_date=D(2027, 3, 10))
    body = client_a_api.get(f"/services/{service.pk}").json()
    assert body["next_due_date"] == "2027-03-10"
    assert (body["billing_cycle"], body["recurring_amount"]) == ("monthly", "10.00")
    assert (body["suspend_reason"], body["no_suspend_until"]) == ("", None)


@pytest.mark.django_db
def test_staff_patch_sets_billing_fields_and_is_audited(staff_api):
    service = due_service(next_due_date=D(2027, 3, 10))
    response = staff_api.patch(
        f"/services/{service.pk}",
        {
            "next_due_date": "2027-04-30",
            "recurring_amount": "12.50",
            "no_suspend_until": "2027-06-01",
        },
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["next_due_date"], body["recurring_amount"]) == ("2027-04-30", "12.50")
    assert (body["no_suspend_until"], body["billing_anchor_day"]) == ("2027-06-01", 30)
    event = AuditEvent.objects.get(action="service.billing_update")
    assert event.changes["recurring_amount"] == ["10.00", "12.50"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"recurring_amount": "-1"}, "recurring_amount"),
        ({"recurring_amount": "1.234"}, "recurring_amount"),
        ({"billing_cycle": "weekly"}, "billing_cycle"),
        ({"next_due_date": None}, "next_due_date"),
        ({"next_due_date": "31-01-2027"}, "next_due_date"),
    ],
)
def test_patch_names_the_field_it_refuses(staff_api, body, field):
    service = due_service()
    response = staff_api.patch(f"/services/{service.pk}", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field
    assert Service.objects.get(pk=service.pk).recurring_amount == service.recurring_amount


@pytest.mark.django_db
def test_a_client_cannot_patch_and_cannot_see_another_clients_service(
    client_a_api, client_a, client_b
):
    own = due_service(client=client_a)
    other = due_service(client=client_b)
    assert (
        client_a_api.patch(f"/services/{own.pk}", {"recurring_amount": "1.00"}).status_code == 403
    )
    assert client_a_api.get(f"/services/{other.pk}").status_code == 404
    assert client_a_api.post(f"/services/{other.pk}/cancellation", {}).status_code == 404


@pytest.mark.django_db
def test_client_requests_cancellation_at_the_end_of_the_period(client_a_api, client_a):
    service = due_service(client=client_a, next_due_date=D(2027, 3, 10))
    response = client_a_api.post(f"/services/{service.pk}/cancellation", {"reason": "moving"})
    assert response.status_code == 201
    assert response.json()["ends_on"] == "2027-03-10"
    again = client_a_api.post(f"/services/{service.pk}/cancellation", {})
    assert again.status_code == 409


@pytest.mark.django_db
def test_credit_note_for_a_paid_invoice_has_its_own_series_and_negative_amounts(
    staff_api, client_a
):
    invoice = invoice_mark_paid(actor=SYSTEM, invoice=InvoiceFactory(client=client_a))
    line = invoice.lines.get()
    response = staff_api.post(
        f"/invoices/{invoice.pk}/credit-notes",
        {"lines": [{"invoice_line_id": line.pk, "amount": "25.00"}], "reason": "downtime"},
    )
    assert response.status_code == 201, response.json()
    note = response.json()
    assert note["kind"] == "credit_note"
    assert note["number"].startswith(f"C{datetime.date.today().year}-")
    assert note["number"].endswith("000001")
    assert note["credited_invoice_id"] == invoice.pk
    assert (note["subtotal"], note["vat_amount"], note["total"]) == ("-25.00", "-5.25", "-30.25")
    assert note["lines"][0]["credits_line_id"] == line.pk
    # The rest of the line, then nothing more.
    rest = staff_api.post(f"/invoices/{invoice.pk}/credit-notes", {"lines": None, "reason": "x"})
    assert rest.status_code == 201
    assert rest.json()["number"].endswith("000002")
    assert rest.json()["subtotal"] == "-50.00"
    done = staff_api.post(f"/invoices/{invoice.pk}/credit-notes", {"reason": "x"})
    assert done.status_code == 422
    kinds = staff_api.get("/invoices", {"kind": "credit_note"}).json()
    assert kinds["count"] == 2


@pytest.mark.django_db
def test_credit_note_refusals_name_the_field(staff_api, client_a):
    unpaid = InvoiceFactory(client=client_a)
    assert staff_api.post(f"/invoices/{unpaid.pk}/credit-notes", {"reason": "x"}).status_code == 409
    paid = invoice_mark_paid(actor=SYSTEM, invoice=InvoiceFactory(client=client_a))
    line = paid.lines.get()
    too_much = staff_api.post(
        f"/invoices/{paid.pk}/credit-notes",
        {"lines": [{"invoice_line_id": line.pk, "amount": "75.01"}], "reason": "x"},
    )
    assert too_much.status_code == 422
    assert too_much.json()["detail"][0]["loc"] == ["body", "lines", 0, "amount"]
    no_reason = staff_api.post(f"/invoices/{paid.pk}/credit-notes", {"reason": " "})
    assert no_reason.json()["detail"][0]["loc"] == ["body", "reason"]
    assert not Invoice.objects.filter(kind="credit_note").exists()


@pytest.mark.django_db
def test_client_token_cannot_credit(client_a_api, client_a):
    paid = invoice_mark_paid(actor=SYSTEM, invoice=InvoiceFactory(client=client_a))
    assert (
        client_a_api.post(f"/invoices/{paid.pk}/credit-notes", {"reason": "x"}).status_code == 403
    )


@pytest.mark.django_db
def test_renewal_invoice_lines_name_their_service_and_half_open_period(client_a_api, client_a):
    service = due_service(client=client_a, next_due_date=D(2027, 3, 10))
    run(D(2027, 3, 1))
    body = client_a_api.get(f"/invoices/{renewal_invoice(service).pk}").json()
    assert body["kind"] == "invoice"
    line = body["lines"][0]
    assert (line["service_id"], line["domain_id"]) == (service.pk, None)
    assert (line["period_start"], line["period_end"]) == ("2027-03-10", "2027-04-10")


@pytest.mark.django_db
def test_staff_queue_a_billing_run_that_a_worker_then_runs(staff_api):
    from tests.support.tasks import failed_tasks, queued_task_paths, run_queued_tasks

    service = due_service(next_due_date=D(2027, 3, 10))
    response = staff_api.post("/billing-runs", {"date": "2027-03-01"})
    assert response.status_code == 202, response.json()
    assert response.json()["date"] == "2027-03-01"
    assert queued_task_paths() == ["hostwerk.billing.tasks.run_billing"]
    assert AuditEvent.objects.get(action="billing_run.queue").data == {"date": "2027-03-01"}
    assert run_queued_tasks() >= 1
    assert failed_tasks() == []
    assert renewal_invoice(service).lines.get().service_id == service.pk


@pytest.mark.django_db
def test_a_client_token_cannot_queue_a_billing_run(client_a_api):
    response = client_a_api.post("/billing-runs", {"date": "2027-03-01"})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="billing_run.queue").exists()
