"""Staff and client pages of the billing lifecycle: the billing run page, a service's billing
and cancellation, credit notes, the client's balance; another client's service is a 404."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hostwerk.billing.actions import invoice_mark_paid
from hostwerk.billing.models import CancellationRequest, Invoice
from hostwerk.core import clock
from hostwerk.core.models import AuditEvent
from tests.billing.factories import SYSTEM, InvoiceFactory
from tests.billing.test_lifecycle import due_service, run
from tests.support.tasks import queued_task_paths, run_queued_tasks

D = datetime.date
RUNS = reverse("staff:billing_runs")
PREVIEW = reverse("staff:billing_run_preview")


@pytest.mark.django_db
def test_billing_run_page_previews_a_day_in_a_fixed_number_of_queries(staff_web):
    for _ in range(3):
        due_service(next_due_date=D(2027, 3, 10))
    run(D(2027, 2, 1))

    def page_queries() -> tuple[int, object]:
        with CaptureQueriesContext(connection) as queries:
            response = staff_web.get(PREVIEW, {"day": "2027-03-01"}, HTTP_HX_REQUEST="true")
        return len(queries), response

    few, response = page_queries()
    assert response.status_code == 200
    assert response.context["preview"]["services_to_invoice"] == 3
    html = response.content.decode()
    assert 'id="billing-preview-result"' in html and "Run for" in html
    assert 'id="domains-to-cancel" hx-swap-oob="true"' in html  # the other column's card
    for _ in range(20):
        due_service(next_due_date=D(2027, 3, 10))
    run(D(2027, 2, 2))
    many, response = page_queries()
    assert response.context["preview"]["services_to_invoice"] == 23
    assert many == few


@pytest.mark.django_db
def test_billing_run_page_shows_its_runs_at_once_and_loads_the_preview_after(
    staff_web, django_assert_num_queries
):
    due_service(next_due_date=D(2027, 3, 10))
    run(D(2027, 2, 1))
    with django_assert_num_queries(3):  # session, user, the last runs: nothing is counted
        response = staff_web.get(RUNS, {"day": "2027-03-01"})
    html = response.content.decode()
    assert "preview" not in response.context
    assert "billing-runs" in html
    assert f'hx-get="{PREVIEW}?day=2027-03-01"' in html
    assert "Counting what a run on" in html
    # Without a script, the preview link shows the whole page with the preview in it.
    whole = staff_web.get(PREVIEW, {"day": "2027-03-01"})
    assert whole.context["preview"]["services_to_invoice"] == 1
    assert "billing-runs" in whole.content.decode()
    assert "hx-swap-oob" not in whole.content.decode()


@pytest.mark.django_db
def test_staff_queue_a_billing_run_for_a_day(staff_web):
    due_service(next_due_date=D(2027, 3, 10))
    response = staff_web.post(RUNS, {"day": "2027-03-01"})
    assert response.status_code == 302
    assert queued_task_paths() == ["hostwerk.billing.tasks.run_billing"]
    run_queued_tasks()
    assert Invoice.objects.get().issued_on == D(2027, 3, 1)
    page = staff_web.get(RUNS).content.decode()
    assert "2027" in page


@pytest.mark.django_db
def test_billing_run_page_refuses_a_bad_day_and_keeps_it(staff_web):
    response = staff_web.post(RUNS, {"day": "31-02-2027"})
    assert response.status_code == 200
    assert response.context["form"].errors["day"]
    assert 'value="31-02-2027"' in response.content.decode()
    assert queued_task_paths() == []


@pytest.mark.django_db
def test_client_users_get_403_on_the_billing_run_page(client_a_web):
    assert client_a_web.get(RUNS).status_code == 403
    assert client_a_web.get(PREVIEW).status_code == 403


@pytest.mark.django_db
def test_staff_change_a_services_billing_and_bad_input_keeps_what_was_typed(staff_web):
    service = due_service(next_due_date=D(2027, 3, 10))
    url = reverse("staff:service_billing", args=[service.pk])
    bad = staff_web.post(
        url,
        {
            "next_due_date": "2027-04-30",
            "recurring_amount": "-5",
            "billing_cycle": "monthly",
            "no_suspend_until": "",
        },
    )
    assert bad.status_code == 422
    assert bad.context["billing_form"].errors["recurring_amount"]
    assert 'value="2027-04-30"' in bad.content.decode()
    service.refresh_from_db()
    assert service.next_due_date == D(2027, 3, 10)
    good = staff_web.post(
        url,
        {
            "next_due_date": "2027-04-30",
            "recurring_amount": "12.00",
            "billing_cycle": "quarterly",
            "no_suspend_until": "2027-05-15",
        },
    )
    assert good.status_code == 302
    service.refresh_from_db()
    assert (service.next_due_date, service.billing_anchor_day) == (D(2027, 4, 30), 30)
    assert service.billing_cycle == "quarterly"
    assert AuditEvent.objects.filter(action="service.billing_update").count() == 1
    page = staff_web.get(reverse("staff:service_detail", args=[service.pk])).content.decode()
    assert "service-billing" in page


@pytest.mark.django_db
def test_staff_request_and_withdraw_a_cancellation(staff_web):
    service = due_service(next_due_date=D(2027, 3, 10))
    response = staff_web.post(
        reverse("staff:service_cancellation", args=[service.pk]),
        {"when": "end_of_period", "reason": "client moves"},
    )
    assert response.status_code == 302
    cancellation = CancellationRequest.objects.get()
    page = staff_web.get(reverse("staff:service_detail", args=[service.pk])).content.decode()
    assert "client moves" in page
    staff_web.post(reverse("staff:cancellation_withdraw", args=[cancellation.pk]))
    cancellation.refresh_from_db()
    assert cancellation.status == "withdrawn"


@pytest.mark.django_db
def test_client_cancels_its_service_and_cannot_reach_another_clients(
    client_a_web, client_a, client_b
):
    own = due_service(client=client_a, next_due_date=D(2027, 3, 10))
    other = due_service(client=client_b)
    page = client_a_web.get(reverse("portal:service_detail", args=[own.pk])).content.decode()
    assert "service-cancellation" in page
    response = client_a_web.post(
        reverse("portal:service_cancel", args=[own.pk]), {"when": "end_of_period"}
    )
    assert response.status_code == 302
    assert CancellationRequest.objects.get().service_id == own.pk
    assert (
        client_a_web.post(
            reverse("portal:service_cancel", args=[other.pk]), {"when": "now"}
        ).status_code
        == 404
    )
    bad = client_a_web.post(reverse("portal:service_cancel", args=[own.pk]), {"when": "never"})
    assert bad.status_code == 422


@pytest.mark.django_db
def test_staff_issue_a_credit_note_and_it_shows_in_both_areas(staff_web, client_a_web, client_a):
    invoice = invoice_mark_paid(actor=SYSTEM, invoice=InvoiceFactory(client=client_a))
    line = invoice.lines.get()
    url = reverse("staff:invoice_credit_note", args=[invoice.pk])
    too_much = staff_web.post(url, {f"line_{line.pk}": "100.00", "reason": "goodwill"})
    assert too_much.status_code == 422
    assert too_much.context["credit_form"].errors[f"line_{line.pk}"]
    assert "goodwill" in too_much.content.decode()
    response = staff_web.post(url, {f"line_{line.pk}": "20.00", "reason": "goodwill"})
    assert response.status_code == 302
    note = Invoice.objects.get(kind="credit_note")
    page = staff_web.get(reverse("staff:invoice_detail", args=[note.pk])).content.decode()
    assert invoice.number in page and "goodwill" in page
    client_page = staff_web.get(reverse("staff:client_detail", args=[client_a.pk]))
    assert note.number in client_page.content.decode()
    portal = client_a_web.get(reverse("portal:invoice_list")).content.decode()
    assert note.number in portal
    document = client_a_web.get(reverse("portal:invoice_detail", args=[note.pk])).content.decode()
    assert 'data-testid="credited-invoice"' in document


@pytest.mark.django_db
def test_staff_client_page_shows_the_balance(staff_web, client_a):
    with clock.frozen_at(D(2027, 3, 1)):
        InvoiceFactory(client=client_a, issued_on=D(2027, 2, 1))
        response = staff_web.get(reverse("staff:client_detail", args=[client_a.pk]))
    balance = response.context["balance"]
    assert balance["open"] == balance["overdue"] > 0
    assert "client-balance" in response.content.decode()


@pytest.mark.django_db
def test_the_day_field_keeps_its_date_in_dutch(staff_web, staff_user):
    # A date picker reads only YYYY-MM-DD; Dutch "01-03-2027" left it empty.
    staff_user.language = "nl"
    staff_user.save(update_fields=["language"])
    with clock.frozen_at(D(2027, 3, 1)):
        html = staff_web.get(RUNS).content.decode()
    assert 'type="date" name="day" value="2027-03-01"' in html
    assert "Factuurrun" in html
