"""Invoice actions: lines and periods from the order, mark paid, cancel, send; refusals change nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from hostwerk.billing.actions import (
    InvoiceRefused,
    invoice_cancel,
    invoice_mark_paid,
    invoice_send_email,
)
from hostwerk.billing.models import Invoice, InvoiceCounter, InvoiceStatus
from hostwerk.billing.periods import add_months
from hostwerk.catalog.models import BillingCycle
from hostwerk.clients.actions import client_update
from hostwerk.core.audit import Actor
from hostwerk.core.models import AuditEvent
from hostwerk.notifications.models import OutgoingEmail
from hostwerk.orders.invoicing import invoice_create_for_order
from hostwerk.orders.models import ItemKind, ItemStatus
from tests.billing.factories import (
    SYSTEM,
    DomainItemFactory,
    InvoiceFactory,
    OrderFactory,
    OrderItemFactory,
    placed_at,
)
from tests.factories import ClientFactory, ProductFactory
from tests.support.tasks import run_queued_tasks

PLACED = datetime.date(2026, 3, 15)
ISSUED = datetime.date(2026, 3, 16)


@pytest.fixture
def staff_actor(staff_user):
    return Actor.for_user(staff_user)


def single_line_invoice(**item_values) -> Invoice:
    return InvoiceFactory(
        client=ClientFactory(language="en"),
        order_placed_on=PLACED,
        issued_on=ISSUED,
        items=[item_values],
    )


@pytest.mark.parametrize(
    ("cycle", "period_end"),
    [
        (BillingCycle.MONTHLY, datetime.date(2026, 4, 15)),
        (BillingCycle.QUARTERLY, datetime.date(2026, 6, 15)),
        (BillingCycle.SEMIANNUALLY, datetime.date(2026, 9, 15)),
        (BillingCycle.ANNUALLY, datetime.date(2027, 3, 15)),
        (BillingCycle.BIENNIALLY, datetime.date(2028, 3, 15)),
        (BillingCycle.TRIENNIALLY, datetime.date(2029, 3, 15)),
        (BillingCycle.ONE_TIME, None),
        (BillingCycle.FREE, None),
    ],
)
@pytest.mark.django_db
def test_product_line_covers_one_billing_cycle_from_the_order_date(cycle, period_end):
    # Half-open: the period ends on the next period's first day, printed as the day before.
    line = single_line_invoice(billing_cycle=cycle).lines.get()
    assert (line.period_start, line.period_end) == (PLACED, period_end)


@pytest.mark.parametrize(
    ("kind", "years", "period_end"),
    [
        (ItemKind.DOMAIN_REGISTER, 1, datetime.date(2027, 3, 15)),
        (ItemKind.DOMAIN_REGISTER, 3, datetime.date(2029, 3, 15)),
        (ItemKind.DOMAIN_TRANSFER, 2, datetime.date(2028, 3, 15)),
    ],
)
@pytest.mark.django_db
def test_domain_line_covers_the_ordered_years(kind, years, period_end):
    line = single_line_invoice(factory=DomainItemFactory, kind=kind, years=years).lines.get()
    assert (line.period_start, line.period_end) == (PLACED, period_end)


def test_a_period_from_the_end_of_a_month_ends_in_a_shorter_month():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2027, 11, 30), 3) == datetime.date(2028, 2, 29)
    assert add_months(datetime.date(2026, 12, 15), 1) == datetime.date(2027, 1, 15)


@pytest.mark.django_db
def test_invoice_has_a_line_per_item_and_a_separate_setup_fee_line():
    client = ClientFactory(language="en", country="NL")
    product = ProductFactory(name_en="Web hosting M", name_nl="Webhosting M")
    invoice = InvoiceFactory(
        client=client,
        order_placed_on=PLACED,
        issued_on=ISSUED,
        items=[
            {
                "product": product,
                "domain": "bakkerij.nl",
                "price": Decimal("60.00"),
                "list_price": Decimal("75.00"),
                "price_overridden": True,
                "setup_fee": Decimal("25.00"),
            },
            {"factory": DomainItemFactory, "domain": "bakkerij.nl", "years": 1},
        ],
    )
    lines = [
        (line.description, line.quantity, line.unit_price, line.amount, line.vat_amount)
        for line in invoice.lines.all()
    ]
    assert lines == [
        ("Web hosting M — bakkerij.nl", 1, Decimal("60.00"), Decimal("60.00"), Decimal("12.60")),
        (
            "Setup fee: Web hosting M — bakkerij.nl",
            1,
            Decimal("25.00"),
            Decimal("25.00"),
            Decimal("5.25"),
        ),
        ("Registration of bakkerij.nl", 1, Decimal("9.95"), Decimal("9.95"), Decimal("2.09")),
    ]
    setup_line = invoice.lines.all()[1]
    assert (setup_line.period_start, setup_line.period_end) == (None, None)
    assert (invoice.subtotal, invoice.vat_amount, invoice.total) == (
        Decimal("94.95"),
        Decimal("19.94"),
        Decimal("114.89"),
    )
    assert all(line.order_item.order_id == invoice.order_id for line in invoice.lines.all())


@pytest.mark.django_db
def test_line_texts_are_in_the_clients_language():
    client = ClientFactory(language="nl")
    product = ProductFactory(name_en="Web hosting M", name_nl="Webhosting M")
    invoice = InvoiceFactory(client=client, items=[{"product": product, "domain": "a.nl"}])
    assert invoice.lines.get().description == "Webhosting M — a.nl"


@pytest.mark.django_db
def test_cancelled_items_are_not_invoiced():
    order = OrderFactory()
    kept = OrderItemFactory(order=order, price=Decimal("10.00"))
    OrderItemFactory(order=order, price=Decimal("99.00"), status=ItemStatus.CANCELLED)
    invoice = invoice_create_for_order(actor=SYSTEM, order=order)
    assert [line.order_item_id for line in invoice.lines.all()] == [kept.pk]
    assert invoice.subtotal == Decimal("10.00")


@pytest.mark.django_db
def test_due_date_follows_the_payment_term_setting(settings):
    assert single_line_invoice().due_on == ISSUED + datetime.timedelta(days=14)
    settings.HOSTWERK_INVOICE_DUE_DAYS = 30
    assert single_line_invoice().due_on == datetime.date(2026, 4, 15)


@pytest.mark.django_db
def test_invoice_keeps_the_client_details_as_invoiced(staff_actor):
    client = ClientFactory(
        first_name="Anna",
        last_name="Aalbers",
        company="Bakkerij Aalbers",
        address1="Dorpsstraat 1",
        address2="Achterom",
        postcode="1234 AB",
        city="Utrecht",
        country="NL",
        vat_number="NL004495445B01",
    )
    invoice = InvoiceFactory(client=client)
    client_update(actor=staff_actor, client=client, values={"city": "Leiden", "company": ""})
    invoice.refresh_from_db()
    assert invoice.client_name == "Anna Aalbers"
    assert invoice.client_company == "Bakkerij Aalbers"
    assert invoice.client_address == "Dorpsstraat 1\nAchterom\n1234 AB Utrecht"
    assert invoice.client_country.code == "NL"
    assert invoice.client_vat_number == "NL004495445B01"
    assert invoice.currency == "EUR"


@pytest.mark.django_db
def test_creating_an_invoice_is_audited(staff_actor, staff_user):
    order = OrderFactory()
    OrderItemFactory(order=order)
    invoice = invoice_create_for_order(actor=staff_actor, order=order)
    event = AuditEvent.objects.get(action="invoice.create")
    assert (event.actor, event.client, event.object_id) == (
        staff_user,
        order.client,
        str(invoice.pk),
    )
    assert event.data["total"] == "90.75"
    assert event.data["order"] == order.number


@pytest.mark.django_db
def test_a_second_invoice_for_the_same_order_is_refused_and_changes_nothing():
    invoice = InvoiceFactory()
    with pytest.raises(InvoiceRefused, match=f"already has invoice {invoice.number}"):
        invoice_create_for_order(actor=SYSTEM, order=invoice.order)
    assert Invoice.objects.count() == 1
    assert InvoiceCounter.objects.get().last_number == 1
    assert AuditEvent.objects.filter(action="invoice.create").count() == 1


@pytest.mark.django_db
def test_an_order_without_items_to_invoice_is_refused():
    order = OrderFactory()
    OrderItemFactory(order=order, status=ItemStatus.CANCELLED)
    with pytest.raises(InvoiceRefused, match="no items to invoice"):
        invoice_create_for_order(actor=SYSTEM, order=order)
    assert not Invoice.objects.exists()
    assert not InvoiceCounter.objects.exists()


@pytest.mark.django_db
def test_mark_paid_records_the_date_and_is_audited(staff_actor, staff_user):
    invoice = InvoiceFactory()
    paid_on = datetime.date(2026, 1, 5)
    invoice_mark_paid(actor=staff_actor, invoice=invoice, paid_on=paid_on)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_on) == (InvoiceStatus.PAID, paid_on)
    event = AuditEvent.objects.get(action="invoice.mark_paid")
    assert event.actor == staff_user
    assert event.client == invoice.client
    assert event.changes == {"status": ["unpaid", "paid"], "paid_on": [None, "2026-01-05"]}


@pytest.mark.django_db
def test_mark_paid_defaults_to_today():
    invoice = invoice_mark_paid(actor=SYSTEM, invoice=InvoiceFactory())
    assert invoice.paid_on == timezone.localdate()


@pytest.mark.django_db
def test_marking_a_paid_invoice_paid_again_is_refused_and_changes_nothing():
    invoice = InvoiceFactory()
    invoice_mark_paid(actor=SYSTEM, invoice=invoice, paid_on=datetime.date(2026, 1, 5))
    with pytest.raises(InvoiceRefused, match="already paid"):
        invoice_mark_paid(actor=SYSTEM, invoice=invoice, paid_on=datetime.date(2026, 1, 9))
    invoice.refresh_from_db()
    assert invoice.paid_on == datetime.date(2026, 1, 5)
    assert AuditEvent.objects.filter(action="invoice.mark_paid").count() == 1


@pytest.mark.django_db
def test_a_cancelled_invoice_cannot_be_marked_paid():
    invoice = invoice_cancel(actor=SYSTEM, invoice=InvoiceFactory())
    with pytest.raises(InvoiceRefused, match="cancelled invoice cannot be marked paid"):
        invoice_mark_paid(actor=SYSTEM, invoice=invoice)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_on) == (InvoiceStatus.CANCELLED, None)
    assert not AuditEvent.objects.filter(action="invoice.mark_paid").exists()


@pytest.mark.django_db
def test_a_payment_date_in_the_future_is_refused():
    invoice = InvoiceFactory()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(InvoiceRefused, match="cannot be in the future"):
        invoice_mark_paid(actor=SYSTEM, invoice=invoice, paid_on=tomorrow)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.UNPAID


@pytest.mark.django_db
def test_cancel_keeps_the_reason_and_is_audited(staff_actor):
    invoice = InvoiceFactory()
    invoice_cancel(actor=staff_actor, invoice=invoice, reason="  Ordered twice  ")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CANCELLED
    assert invoice.cancelled_at is not None
    assert invoice.cancel_reason == "Ordered twice"
    event = AuditEvent.objects.get(action="invoice.cancel")
    assert event.changes["status"] == ["unpaid", "cancelled"]
    assert event.data == {"reason": "Ordered twice"}


@pytest.mark.django_db
def test_a_paid_invoice_cannot_be_cancelled():
    invoice = invoice_mark_paid(actor=SYSTEM, invoice=InvoiceFactory())
    with pytest.raises(InvoiceRefused) as refused:
        invoice_cancel(actor=SYSTEM, invoice=invoice, reason="client asked")
    assert refused.value.message == (
        f"Invoice {invoice.number} has been paid; a paid invoice cannot be cancelled."
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.cancelled_at, invoice.cancel_reason) == (
        InvoiceStatus.PAID,
        None,
        "",
    )
    assert not AuditEvent.objects.filter(action="invoice.cancel").exists()


@pytest.mark.django_db
def test_cancelling_twice_is_refused():
    invoice = invoice_cancel(actor=SYSTEM, invoice=InvoiceFactory(), reason="first")
    with pytest.raises(InvoiceRefused, match="already cancelled"):
        invoice_cancel(actor=SYSTEM, invoice=invoice, reason="second")
    invoice.refresh_from_db()
    assert invoice.cancel_reason == "first"
    assert AuditEvent.objects.filter(action="invoice.cancel").count() == 1


@pytest.mark.django_db
def test_invoice_email_is_sent_in_english_with_number_total_due_date_and_link(settings):
    settings.BASE_URL = "https://hosting.example.nl"
    client = ClientFactory(first_name="Anna", email="anna@example.nl", language="en")
    invoice = InvoiceFactory(client=client, issued_on=datetime.date(2026, 3, 2))
    email = invoice_send_email(actor=SYSTEM, invoice=invoice)
    assert (email.language, email.to, email.client) == ("en", "anna@example.nl", client)
    assert run_queued_tasks() == 1
    [message] = mail.outbox
    assert message.to == ["anna@example.nl"]
    assert message.subject == "Invoice 2026-00001 from Hostwerk Hosting"
    assert "Dear Anna," in message.body
    assert "€\u00a090.75" in message.body
    assert "16 March 2026" in message.body
    assert f"https://hosting.example.nl/invoices/{invoice.pk}/" in message.body
    html = message.alternatives[0].content
    assert f'href="https://hosting.example.nl/invoices/{invoice.pk}/"' in html
    assert "€\u00a090.75" in html
    assert OutgoingEmail.objects.get().status == "sent"
    event = AuditEvent.objects.get(action="invoice.send_email")
    assert event.data == {"to": "anna@example.nl", "language": "en", "email": email.pk}


@pytest.mark.django_db
def test_invoice_email_is_rendered_in_the_clients_language():
    client = ClientFactory(first_name="Bram", language="nl")
    invoice = InvoiceFactory(client=client, issued_on=datetime.date(2026, 3, 2))
    email = invoice_send_email(actor=SYSTEM, invoice=invoice)
    run_queued_tasks()
    [message] = mail.outbox
    assert email.language == "nl"
    # Dutch number and date formats, whatever the language of the person who sent it.
    assert "€\u00a090,75" in message.body
    assert "16 maart 2026" in message.body
    assert "Bram" in message.body


@pytest.mark.django_db
def test_a_cancelled_invoice_is_not_sent():
    invoice = invoice_cancel(actor=SYSTEM, invoice=InvoiceFactory())
    with pytest.raises(InvoiceRefused, match="cancelled"):
        invoice_send_email(actor=SYSTEM, invoice=invoice)
    assert not OutgoingEmail.objects.exists()
    assert run_queued_tasks() == 0
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action="invoice.send_email").exists()


@pytest.mark.django_db
def test_the_email_of_a_rolled_back_transaction_is_never_sent():
    invoice = InvoiceFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        invoice_send_email(actor=SYSTEM, invoice=invoice)
        raise RuntimeError("placement failed")
    assert run_queued_tasks() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_invoice_placed_late_in_the_evening_uses_the_local_date():
    order = OrderFactory(placed_at=placed_at(PLACED).replace(hour=23, minute=30))
    OrderItemFactory(order=order)
    invoice = invoice_create_for_order(actor=SYSTEM, order=order)
    assert invoice.lines.get().period_start == PLACED
