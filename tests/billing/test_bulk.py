"""Bulk reminders from the staff invoice list: each unpaid invoice gets the reminder that fits
its due date, once per kind, like the billing run sends them; others are refused with a reason."""

import datetime

import pytest
from django.urls import reverse

from hostwerk.billing.dunning import invoice_reminder_send
from hostwerk.billing.models import InvoiceReminder
from hostwerk.billing.payments import invoice_pay_in_full
from hostwerk.core import clock
from hostwerk.core.audit import Actor
from hostwerk.core.models import AuditEvent, BulkItem
from hostwerk.notifications.models import OutgoingEmail
from tests.billing.factories import InvoiceFactory

BULK_INVOICES = reverse("staff:bulk_start", args=["invoices"])


@pytest.mark.django_db
def test_bulk_reminder_sends_each_unpaid_invoice_its_reminder_and_refuses_a_paid_one(
    staff_web, staff_user, client_a
):
    due_soon = InvoiceFactory(client=client_a)
    overdue = InvoiceFactory(client=client_a, issued_on=clock.today() - datetime.timedelta(days=40))
    paid = InvoiceFactory(client=client_a)
    invoice_pay_in_full(actor=Actor.for_user(staff_user), invoice=paid, paid_on=None, reference="x")

    response = staff_web.post(
        BULK_INVOICES,
        {"action": "remind", "selected": [due_soon.pk, overdue.pk, paid.pk]},
    )

    page = staff_web.get(response["Location"]).content.decode()
    assert "Finished: 2 done, 1 failed." in page
    assert f"Invoice {paid.number} is paid; only unpaid invoices get reminders." in page
    kinds = dict(InvoiceReminder.objects.values_list("invoice_id", "kind"))
    assert kinds == {due_soon.pk: "before_due", overdue.pk: "overdue_3"}
    assert sorted(
        OutgoingEmail.objects.filter(
            template__in=["invoice_reminder", "invoice_overdue"]
        ).values_list("template", flat=True)
    ) == ["invoice_overdue", "invoice_reminder"]
    events = AuditEvent.objects.filter(action="invoice.reminder")
    assert {event.actor_id for event in events} == {staff_user.pk}


@pytest.mark.django_db
def test_a_reminder_is_sent_once_per_kind(staff_web, staff_user, client_a):
    invoice = InvoiceFactory(client=client_a)
    invoice_reminder_send(actor=Actor.for_user(staff_user), invoice=invoice)

    staff_web.post(BULK_INVOICES, {"action": "remind", "selected": [invoice.pk]})

    item = BulkItem.objects.get()
    assert item.status == "failed"
    assert item.message.startswith(
        f"The payment reminder for invoice {invoice.number} was sent already on"
    )
    assert InvoiceReminder.objects.count() == 1


@pytest.mark.parametrize("rows", [2, 12])
@pytest.mark.django_db
def test_invoice_list_with_its_action_bar_keeps_its_query_count(
    staff_web, client_a, rows, django_assert_num_queries
):
    for _ in range(rows):
        InvoiceFactory(client=client_a)
    staff_web.get(reverse("staff:invoice_list"))
    with django_assert_num_queries(4):
        html = staff_web.get(reverse("staff:invoice_list")).content.decode()
    assert html.count('name="selected"') == rows
    assert 'value="remind"' in html


def test_bulk_download_gives_one_zip_with_each_invoices_pdf(staff_web, client_a):
    import io
    import zipfile

    from pypdf import PdfReader

    first, second = InvoiceFactory(client=client_a), InvoiceFactory(client=client_a)
    response = staff_web.post(BULK_INVOICES, {"action": "pdf", "selected": [first.pk, second.pk]})

    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = sorted(archive.namelist())
    assert len(names) == 2 and all(name.endswith(".pdf") for name in names)
    for invoice in (first, second):
        [name] = [name for name in names if invoice.number in name]
        text = PdfReader(io.BytesIO(archive.read(name))).pages[0].extract_text()
        assert invoice.number in text


def test_bulk_download_without_a_selection_says_what_to_do(staff_web):
    response = staff_web.post(BULK_INVOICES, {"action": "pdf"}, follow=True)
    assert "Select between 1 and 100 invoices to download." in response.content.decode()
