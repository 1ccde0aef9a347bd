"""The payment method of a client (or one order) reaches its invoices, and the invoice e-mail,
the invoice page, reminders and overdue notices say how to pay accordingly."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from hostwerk.billing.actions import invoice_send_email
from hostwerk.billing.models import Invoice
from hostwerk.notifications.models import OutgoingEmail
from tests.billing.factories import SYSTEM, InvoiceFactory
from tests.billing.test_lifecycle import due_service, renewal_invoice, run
from tests.factories import ClientFactory

D = datetime.date


@pytest.fixture(autouse=True)
def _seller(settings):
    settings.HOSTWERK_SELLER_IBAN = "NL91ABNA0417164300"
    settings.HOSTWERK_SELLER_NAME = "Hostwerk Hosting"


def invoice_mail(method: str) -> OutgoingEmail:
    invoice = InvoiceFactory(client=ClientFactory(language="en", payment_method=method))
    assert invoice.payment_method == method
    return invoice_send_email(actor=SYSTEM, invoice=invoice)


@pytest.mark.django_db
def test_a_bank_transfer_invoice_names_the_iban_and_the_invoice_number():
    mail = invoice_mail("bank_transfer")
    assert "to NL91ABNA0417164300 in the name of Hostwerk Hosting, quoting invoice" in (
        mail.body_text
    )
    assert "NL91ABNA0417164300" in mail.body_html


@pytest.mark.django_db
def test_an_ideal_invoice_asks_to_pay_online():
    mail = invoice_mail("ideal")
    assert "online with iDEAL from your client area" in mail.body_text
    assert "NL91ABNA0417164300" not in mail.body_text


@pytest.mark.django_db
def test_a_direct_debit_invoice_says_nothing_needs_doing():
    mail = invoice_mail("direct_debit")
    assert "will be collected by direct debit" in mail.body_text
    assert "you need not do anything" in mail.body_text


@pytest.mark.django_db
def test_the_invoice_page_says_how_to_pay(client_a, client_a_web):
    client_a.payment_method = "ideal"
    client_a.save()
    invoice = InvoiceFactory(client=client_a)
    html = client_a_web.get(reverse("portal:invoice_detail", args=[invoice.pk])).content.decode()
    assert "iDEAL" in html


@pytest.mark.django_db
def test_renewal_invoices_take_the_clients_payment_method():
    service = due_service(
        next_due_date=D(2027, 3, 15), client=ClientFactory(payment_method="direct_debit")
    )
    run(D(2027, 3, 1))
    assert renewal_invoice(service).payment_method == "direct_debit"


@pytest.mark.django_db
def test_direct_debit_gets_no_reminder_before_the_due_date_but_an_overdue_notice():
    service = due_service(
        next_due_date=D(2027, 3, 15),
        client=ClientFactory(language="en", payment_method="direct_debit"),
    )
    run(D(2027, 3, 1))
    run(D(2027, 3, 8))
    invoice = renewal_invoice(service)
    assert not invoice.reminders.exists()
    run(D(2027, 3, 16))
    mail = OutgoingEmail.objects.get(template="invoice_overdue")
    assert "We could not collect" in mail.body_text
    assert "NL91ABNA0417164300" in mail.body_text


@pytest.mark.django_db
def test_a_bank_transfer_reminder_repeats_the_payment_details():
    due_service(next_due_date=D(2027, 3, 15), client=ClientFactory(language="en"))
    run(D(2027, 3, 1))
    run(D(2027, 3, 8))
    mail = OutgoingEmail.objects.get(template="invoice_reminder")
    assert "NL91ABNA0417164300" in mail.body_text
    assert Invoice.objects.get().payment_method == "bank_transfer"
