"""Auto-accept after payment: a paid order is accepted by a job with no staff action, against the
Plesk simulators, unless a review rule holds it for staff (and says why)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse

from hostwerk.billing.models import Invoice, InvoiceStatus, PaymentMethod
from hostwerk.billing.payments import payment_book
from hostwerk.core.audit import Actor
from hostwerk.core.models import AuditEvent
from hostwerk.orders.actions import order_place
from hostwerk.orders.items import ItemRequest
from hostwerk.orders.models import HoldReason, Order
from tests.billing.factories import ensure_vat_rates
from tests.support.tasks import run_queued_tasks

MOLLIE = Actor.system(via="webhook")


def place_in_client_area(client_user, client, product, domain: str) -> Order:
    ensure_vat_rates()
    return order_place(
        actor=Actor.for_user(client_user),
        client=client,
        channel="client_area",
        items=[ItemRequest(product_id=product.pk, domain=domain, domain_choice="external")],
        send_confirmation=False,
        send_invoice_email=False,
    )


def pay(order: Order, reference: str) -> Invoice:
    invoice = Invoice.objects.get(order=order)
    return payment_book(
        actor=MOLLIE,
        invoice=invoice,
        amount=invoice.total,
        method=PaymentMethod.IDEAL,
        provider="mollie",
        reference=reference,
    ).invoice


@pytest.mark.django_db
def test_a_paid_client_area_order_is_provisioned_with_no_staff_action(
    client_a, client_a_user, catalogue, plesk_servers
):
    order = place_in_client_area(client_a_user, client_a, catalogue["hosting"], "anna-auto.nl")
    assert run_queued_tasks() == 0 or Order.objects.get(pk=order.pk).status == "pending"
    assert plesk_servers.state("plesk1").find_webspace(name="anna-auto.nl") is None

    assert pay(order, "tr_auto1").status == InvoiceStatus.PAID
    run_queued_tasks()

    order.refresh_from_db()
    assert order.status == "active"
    assert order.hold_reason == ""
    assert plesk_servers.state("plesk1").find_webspace(name="anna-auto.nl") is not None
    item = order.items.get()
    assert item.status == "accepted"
    assert (
        AuditEvent.objects.filter(action="order.auto_accept", object_id=str(order.pk)).count() == 1
    )
    accepted = AuditEvent.objects.get(action="order_item.accept", object_id=str(item.pk))
    assert accepted.actor is None  # the system accepted it, not a staff member


@pytest.mark.django_db
def test_a_repeated_payment_notice_accepts_once(client_a, client_a_user, catalogue, plesk_servers):
    order = place_in_client_area(client_a_user, client_a, catalogue["hosting"], "anna-twice.nl")
    pay(order, "tr_auto2")
    pay(order, "tr_auto2")
    run_queued_tasks()
    assert AuditEvent.objects.filter(action="order.auto_accept").count() == 1
    assert plesk_servers.state("plesk1").counts()["webspaces"] == 1


@pytest.mark.django_db
@override_settings(HOSTWERK_REVIEW_ABOVE=Decimal("50.00"))
def test_a_new_clients_first_order_above_the_limit_waits_for_staff_and_says_why(
    client_a, client_a_user, catalogue, plesk_servers, staff_web
):
    order = place_in_client_area(client_a_user, client_a, catalogue["hosting"], "anna-big.nl")
    pay(order, "tr_auto3")
    run_queued_tasks()

    order.refresh_from_db()
    assert (order.status, order.hold_reason) == ("pending", HoldReason.FIRST_ORDER_ABOVE)
    assert plesk_servers.state("plesk1").find_webspace(name="anna-big.nl") is None
    event = AuditEvent.objects.get(action="order.auto_accept_held")
    assert event.data["reason"] == "first_order_above"
    html = staff_web.get(reverse("staff:order_detail", args=[order.pk])).content.decode()
    assert "first order of a new client above the review limit" in html


@pytest.mark.django_db
def test_a_client_flagged_for_review_waits_for_staff(
    client_a, client_a_user, catalogue, plesk_servers
):
    client_a.review_orders = True
    client_a.save()
    order = place_in_client_area(client_a_user, client_a, catalogue["hosting"], "anna-flag.nl")
    pay(order, "tr_auto4")
    run_queued_tasks()
    order.refresh_from_db()
    assert (order.status, order.hold_reason) == ("pending", HoldReason.CLIENT_REVIEW)
    assert plesk_servers.state("plesk1").counts()["webspaces"] == 0


@pytest.mark.django_db
def test_a_product_set_up_by_hand_waits_for_staff(
    client_a, client_a_user, catalogue, plesk_servers
):
    product = catalogue["hosting"]
    product.accept_when_paid = False
    product.save()
    order = place_in_client_area(client_a_user, client_a, product, "anna-hand.nl")
    pay(order, "tr_auto5")
    run_queued_tasks()
    order.refresh_from_db()
    assert (order.status, order.hold_reason) == ("pending", HoldReason.PRODUCT_MANUAL)


@pytest.mark.django_db
def test_a_failing_auto_accept_leaves_the_order_for_staff_with_its_message(
    client_a, client_a_user, catalogue, plesk_servers
):
    plesk_servers.fail_next("plesk1", "webspace.add", code=1023, text="Operation failed.")
    order = place_in_client_area(client_a_user, client_a, catalogue["hosting"], "anna-fail.nl")
    pay(order, "tr_auto6")
    run_queued_tasks()
    order.refresh_from_db()
    assert order.status == "pending"
    item = order.items.get()
    assert item.status == "failed"
    assert "Operation failed." in item.error
