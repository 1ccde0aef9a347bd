"""The staff dashboard shows what needs attention, each figure a link to the filtered list, in a
fixed number of queries."""

import datetime
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from hostwerk.billing.payments import payment_book
from hostwerk.core import clock
from hostwerk.core.audit import Actor
from tests.billing.factories import InvoiceFactory
from tests.domains.factories import DomainFactory
from tests.factories import ServerFactory
from tests.mail.factories import MailboxFactory
from tests.orders.factories import OrderFactory, OrderItemFactory
from tests.provisioning.factories import ServiceFactory

DASHBOARD = reverse("staff:dashboard")
DAY = datetime.date(2027, 3, 10)


@pytest.mark.django_db
def test_dashboard_lists_orders_with_failed_items_first(staff_web, client_a):
    quiet = OrderFactory(client=client_a)
    OrderItemFactory(order=quiet)
    failing = OrderFactory(client=client_a)
    OrderItemFactory(order=failing, status="failed", error="phone number missing")
    response = staff_web.get(DASHBOARD)
    assert [o.pk for o in response.context["orders_needing_attention"]] == [failing.pk, quiet.pk]
    assert response.context["failing_order_count"] == 1
    assert "1 failed" in response.content.decode()


@pytest.mark.django_db
def test_failed_items_link_to_the_orders_that_have_them(staff_web, client_a):
    failing = OrderFactory(client=client_a)
    OrderItemFactory(order=failing, status="failed")
    OrderItemFactory(order=failing, status="failed")
    OrderItemFactory(order=OrderFactory(client=client_a))
    MailboxFactory(spam_filter="off")
    response = staff_web.get(DASHBOARD)
    assert response.context["failed_item_count"] == 2
    assert response.context["mailboxes_needing_attention"] == 1
    html = response.content.decode()
    assert f"{reverse('staff:order_list')}?failed=on" in html
    assert f"{reverse('staff:mail_mailbox_list')}?spam_filter=attention" in html
    listed = staff_web.get(reverse("staff:order_list"), {"failed": "on"})
    assert [order.pk for order in listed.context["page_obj"]] == [failing.pk]
    assert listed.context["page_obj"][0].item_count == 2


@pytest.mark.django_db
def test_unpaid_and_overdue_amounts_are_what_is_still_open(staff_web, staff_user, client_a):
    actor = Actor.for_user(staff_user)
    with clock.frozen_at(DAY):
        current = InvoiceFactory(client=client_a)
        late = InvoiceFactory(client=client_a, issued_on=DAY - timedelta(days=60))
        payment_book(
            actor=actor, invoice=late, amount="10.00", method="bank_transfer", reference="a"
        )
        response = staff_web.get(DASHBOARD)
        overdue_list = staff_web.get(
            reverse("staff:invoice_list"), {"status": "unpaid", "overdue": "on"}
        )
    late_open = late.total - Decimal("10.00")
    assert response.context["unpaid_invoice_amount"] == current.total + late_open
    assert response.context["overdue_invoice_amount"] == late_open
    assert response.context["overdue_invoice_count"] == 1
    assert (
        f"{reverse('staff:invoice_list')}?status=unpaid&amp;overdue=on" in response.content.decode()
    )
    assert [invoice.pk for invoice in overdue_list.context["page_obj"]] == [late.pk]


@pytest.mark.django_db
def test_income_this_month_against_last_month_is_payments_less_refunds(
    staff_web, staff_user, client_a
):
    actor = Actor.for_user(staff_user)
    with clock.frozen_at(DAY):
        invoice = InvoiceFactory(client=client_a, issued_on=DAY - timedelta(days=20))
        book = {"actor": actor, "invoice": invoice, "method": "bank_transfer"}
        payment_book(**book, amount="30.00", reference="feb-1", paid_on=datetime.date(2027, 2, 20))
        payment_book(**book, amount="5.00", reference="jan", paid_on=datetime.date(2027, 1, 31))
        payment_book(**book, amount="20.00", reference="mar-1", paid_on=datetime.date(2027, 3, 1))
        payment_book(
            **book,
            amount="8.00",
            reference="mar-r",
            kind="refund",
            paid_on=datetime.date(2027, 3, 2),
        )
        payment_book(**{**book, "method": "credit"}, amount="7.00", reference="mar-credit")
        response = staff_web.get(DASHBOARD)
        payments = staff_web.get(reverse("staff:payment_list"), {"paid_from": "2027-03-01"})
    assert response.context["income_this_month"] == Decimal("12.00")
    assert response.context["income_last_month"] == Decimal("30.00")
    assert f"{reverse('staff:payment_list')}?paid_from=2027-03-01" in response.content.decode()
    assert payments.context["income"] == Decimal("12.00")
    assert [p.reference for p in payments.context["page_obj"]] == ["mar-credit", "mar-r", "mar-1"]


@pytest.mark.django_db
def test_services_per_server_against_its_capacity(staff_web, client_a):
    full = ServerFactory(name="plesk-vol", capacity=4)
    roomy = ServerFactory(name="plesk-leeg", capacity=0)
    for status in ("active", "active", "suspended", "pending", "terminated"):
        ServiceFactory(client=client_a, server=full, status=status)
    ServiceFactory(client=client_a, server=roomy)
    response = staff_web.get(DASHBOARD)
    figures = {
        server.name: (server.live, server.used_percent) for server in response.context["servers"]
    }
    assert figures == {"plesk-vol": (4, 100), "plesk-leeg": (1, None)}
    html = response.content.decode()
    assert "4 of 4" in html and "1 (no limit)" in html
    listed = staff_web.get(reverse("staff:service_list"), {"server": roomy.pk})
    assert [service.server_id for service in listed.context["page_obj"]] == [roomy.pk]


@pytest.mark.django_db
def test_domains_expiring_within_30_days_link_to_the_same_list(staff_web, client_a):
    now = timezone.now()
    soon = DomainFactory(client=client_a, name="bijna.nl", expires_at=now + timedelta(days=10))
    DomainFactory(client=client_a, name="later.nl", expires_at=now + timedelta(days=60))
    response = staff_web.get(DASHBOARD)
    assert response.context["domains_expiring_count"] == 1
    assert response.context["domains_expiring"] == [soon]
    listed = staff_web.get(reverse("staff:domain_list"), {"expiring": "on"})
    assert [domain.pk for domain in listed.context["page_obj"]] == [soon.pk]


@pytest.mark.parametrize("rows", [2, 12])
@pytest.mark.django_db
def test_dashboard_query_count_does_not_grow(
    staff_web, staff_user, client_a, rows, django_assert_num_queries
):
    actor = Actor.for_user(staff_user)
    for n in range(rows):
        OrderItemFactory(order=OrderFactory(client=client_a), status="failed")
        server = ServerFactory(capacity=10)
        ServiceFactory(client=client_a, server=server)
        DomainFactory(client=client_a, expires_at=timezone.now() + timedelta(days=5))
        MailboxFactory(spam_filter="off")
        invoice = InvoiceFactory(client=client_a)
        payment_book(actor=actor, invoice=invoice, amount="1.00", method="ideal", reference=f"p{n}")
    staff_web.get(DASHBOARD)
    with django_assert_num_queries(15):
        staff_web.get(DASHBOARD)
