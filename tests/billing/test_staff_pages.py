"""Staff invoice screens: list with filters and paging, invoice page, mark paid, cancel, send again."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client as WebClient
from django.urls import reverse

from hostwerk.billing.actions import invoice_cancel, invoice_mark_paid
from hostwerk.billing.models import InvoiceStatus
from hostwerk.core.models import AuditEvent
from hostwerk.notifications.models import OutgoingEmail
from tests.billing.factories import SYSTEM, InvoiceFactory
from tests.factories import ClientFactory
from tests.support.tasks import run_queued_tasks

LIST = reverse("staff:invoice_list")


def numbers(response) -> list[str]:
    return [invoice.number for invoice in response.context["page_obj"]]


@pytest.mark.django_db
def test_invoice_pages_send_anonymous_visitors_to_the_staff_login():
    response = WebClient().get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))


@pytest.mark.django_db
def test_client_users_get_403_on_staff_invoice_pages(client_a_web, client_a):
    invoice = InvoiceFactory(client=client_a)
    assert client_a_web.get(LIST).status_code == 403
    assert client_a_web.get(reverse("staff:invoice_detail", args=[invoice.pk])).status_code == 403
    response = client_a_web.post(
        reverse("staff:invoice_payment_add", args=[invoice.pk]), payment_form(invoice)
    )
    assert response.status_code == 403
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.UNPAID


@pytest.mark.django_db
def test_list_shows_newest_first_and_highlights_the_billing_menu(staff_web, client_a):
    InvoiceFactory.create_batch(3, client=client_a)
    response = staff_web.get(LIST)
    assert numbers(response)[0].endswith("00003")
    assert len(numbers(response)) == 3
    assert response.context["nav"] == "billing"
    assert "Anna Aalbers" in response.content.decode()


@pytest.mark.django_db
def test_list_filters_by_status_client_search_and_dates(staff_web, client_a, client_b):
    unpaid = InvoiceFactory(client=client_a, issued_on=datetime.date(2026, 1, 10))
    paid = invoice_mark_paid(
        actor=SYSTEM,
        invoice=InvoiceFactory(client=client_a, issued_on=datetime.date(2026, 2, 10)),
        paid_on=datetime.date(2026, 2, 11),
    )
    other = InvoiceFactory(
        client=ClientFactory(company="Zomer Webdesign"), issued_on=datetime.date(2026, 3, 10)
    )
    assert numbers(staff_web.get(LIST, {"status": "paid"})) == [paid.number]
    assert numbers(staff_web.get(LIST, {"client": client_a.pk})) == [paid.number, unpaid.number]
    assert numbers(staff_web.get(LIST, {"q": "zomer"})) == [other.number]
    assert numbers(staff_web.get(LIST, {"q": unpaid.number})) == [unpaid.number]
    assert numbers(staff_web.get(LIST, {"q": "aalbers", "status": "unpaid"})) == [unpaid.number]
    dates = {"issued_from": "2026-02-01", "issued_to": "2026-03-01"}
    assert numbers(staff_web.get(LIST, dates)) == [paid.number]
    assert numbers(staff_web.get(LIST, {"status": "cancelled"})) == []
    assert (
        "No invoices match these filters."
        in staff_web.get(LIST, {"status": "cancelled"}).content.decode()
    )


@pytest.mark.django_db
def test_a_reversed_date_range_is_explained_and_keeps_the_other_filters(staff_web, client_a):
    InvoiceFactory(client=client_a)
    response = staff_web.get(
        LIST, {"issued_from": "2026-03-01", "issued_to": "2026-01-01", "q": "aalbers"}
    )
    html = response.content.decode()
    assert "The end date must not be before the start date." in html
    assert 'value="2026-01-01"' in html
    assert 'value="aalbers"' in html


@pytest.mark.django_db
def test_list_answers_htmx_with_only_the_table(staff_web, client_a):
    InvoiceFactory(client=client_a)
    response = staff_web.get(LIST, {"q": "aalbers"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Anna Aalbers" in html
    assert '<nav class="hw-sidebar' not in html


@pytest.mark.django_db
def test_list_pages_by_25(staff_web, client_a):
    InvoiceFactory.create_batch(27, client=client_a)
    assert len(numbers(staff_web.get(LIST))) == 25
    assert len(numbers(staff_web.get(LIST, {"page": 2}))) == 2


@pytest.mark.parametrize("rows", [5, 40])
@pytest.mark.django_db
def test_invoice_list_query_count_does_not_grow_with_invoices(
    staff_web, client_a, rows, django_assert_num_queries
):
    InvoiceFactory.create_batch(rows, client=client_a)
    # session, user, count, page
    with django_assert_num_queries(4):
        staff_web.get(LIST, {"status": "unpaid", "q": "aalbers"})


@pytest.mark.django_db
def test_invoice_page_shows_seller_client_lines_vat_totals_and_audit_trail(staff_web, settings):
    settings.HOSTWERK_SELLER_NAME = "Movenext Hosting"
    settings.HOSTWERK_SELLER_ADDRESS = "Keizersgracht 1\n1015 CJ Amsterdam"
    settings.HOSTWERK_SELLER_VAT_NUMBER = "NL004495445B01"
    settings.HOSTWERK_SELLER_IBAN = "NL91ABNA0417164300"
    client = ClientFactory(
        company="Muster GmbH",
        country="DE",
        vat_number="DE136695976",
        postcode="10115",
        language="en",  # the invoice's own texts are in the client's language
    )
    invoice = InvoiceFactory(
        client=client,
        issued_on=datetime.date(2026, 3, 2),
        items=[{"price": Decimal("120.00"), "domain": "muster.de", "setup_fee": Decimal("15")}],
    )
    response = staff_web.get(reverse("staff:invoice_detail", args=[invoice.pk]))
    html = response.content.decode()
    assert response.context["nav"] == "billing"
    for text in [
        "Movenext Hosting",
        "Keizersgracht 1<br>1015 CJ Amsterdam",
        "NL004495445B01",
        "NL91ABNA0417164300",
        "Muster GmbH",
        "DE136695976",
        "— muster.de",
        "Setup fee:",
        "€\u00a0135.00",
        "VAT reverse-charged (btw verlegd): the VAT is accounted for by the customer",
        "invoice.create",
        "Add payment",
        "Cancel invoice",
        "Send again",
        "@media print",
    ]:
        assert text in html, text


@pytest.mark.django_db
def test_paid_invoice_page_offers_a_refund_but_no_payment_or_cancel(staff_web):
    invoice = invoice_mark_paid(actor=SYSTEM, invoice=InvoiceFactory())
    html = staff_web.get(reverse("staff:invoice_detail", args=[invoice.pk])).content.decode()
    assert "Add payment" not in html
    assert "Record refund" in html
    assert "cancel-dialog" not in html
    assert "Send again" in html


@pytest.mark.django_db
def test_unknown_invoice_is_404(staff_web):
    assert staff_web.get(reverse("staff:invoice_detail", args=[999999])).status_code == 404


def payment_form(invoice, **values) -> dict:
    return {
        "kind": "payment",
        "amount": str(invoice.total),
        "method": "bank_transfer",
        "reference": "",
        "paid_on": "2026-01-05",
        "token": "a" * 32,
        **values,
    }


@pytest.mark.django_db
def test_staff_books_the_full_amount_and_the_invoice_is_paid(staff_web, staff_user):
    invoice = InvoiceFactory()
    url = reverse("staff:invoice_payment_add", args=[invoice.pk])
    response = staff_web.post(url, payment_form(invoice), follow=True)
    assert f"Invoice {invoice.number} is paid." in response.content.decode()
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_on) == (InvoiceStatus.PAID, datetime.date(2026, 1, 5))
    assert invoice.amount_paid == invoice.total
    event = AuditEvent.objects.get(action="invoice.payment")
    assert event.actor == staff_user
    assert event.data["reference"] == "form-" + "a" * 32


@pytest.mark.django_db
def test_the_same_payment_form_sent_twice_books_once(staff_web):
    invoice = InvoiceFactory()
    url = reverse("staff:invoice_payment_add", args=[invoice.pk])
    form = payment_form(invoice, amount="10.00")
    staff_web.post(url, form)
    response = staff_web.post(url, form, follow=True)
    assert "was booked before; nothing was booked again" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("10.00")
    assert invoice.payments.count() == 1


@pytest.mark.django_db
def test_a_refused_payment_keeps_what_was_typed_and_names_the_field(staff_web):
    invoice = InvoiceFactory()
    response = staff_web.post(
        reverse("staff:invoice_payment_add", args=[invoice.pk]),
        payment_form(invoice, amount="-5", reference="NL12 statement 7", paid_on="yesterday"),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "NL12 statement 7" in html
    assert "Ensure this value is greater than or equal to 0.01." in html
    assert "Enter a valid date." in html
    assert "hw-open-on-load" in html or 'getElementById("payment-dialog")' in html
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_paid) == (InvoiceStatus.UNPAID, Decimal("0.00"))
    assert not invoice.payments.exists()


@pytest.mark.django_db
def test_staff_cancels_an_invoice_with_a_reason(staff_web):
    invoice = InvoiceFactory()
    response = staff_web.post(
        reverse("staff:invoice_cancel", args=[invoice.pk]), {"reason": "Ordered twice"}, follow=True
    )
    html = response.content.decode()
    assert f"Invoice {invoice.number} cancelled." in html
    assert "Ordered twice" in html
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CANCELLED


@pytest.mark.django_db
def test_cancelling_a_paid_invoice_shows_why_and_changes_nothing(staff_web):
    invoice = invoice_mark_paid(actor=SYSTEM, invoice=InvoiceFactory())
    response = staff_web.post(reverse("staff:invoice_cancel", args=[invoice.pk]), follow=True)
    assert "a paid invoice cannot be cancelled" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert not AuditEvent.objects.filter(action="invoice.cancel").exists()


@pytest.mark.django_db
def test_staff_sends_an_invoice_again(staff_web):
    invoice = InvoiceFactory(client=ClientFactory(email="piet@example.nl", language="en"))
    response = staff_web.post(reverse("staff:invoice_send", args=[invoice.pk]), follow=True)
    assert f"Invoice {invoice.number} is being sent to piet@example.nl." in (
        response.content.decode()
    )
    run_queued_tasks()
    assert [message.to for message in mail.outbox] == [["piet@example.nl"]]


@pytest.mark.django_db
def test_sending_a_cancelled_invoice_is_refused(staff_web):
    invoice = invoice_cancel(actor=SYSTEM, invoice=InvoiceFactory())
    response = staff_web.post(reverse("staff:invoice_send", args=[invoice.pk]), follow=True)
    assert "is cancelled; it is not sent" in response.content.decode()
    assert not OutgoingEmail.objects.exists()


@pytest.mark.django_db
def test_invoice_actions_only_accept_post(staff_web):
    invoice = InvoiceFactory()
    for name in ("invoice_payment_add", "invoice_cancel", "invoice_send"):
        assert staff_web.get(reverse(f"staff:{name}", args=[invoice.pk])).status_code == 405
