"""R1: every channel ends in one pending order; staff options decide invoice and e-mails."""

import itertools

import pytest
from django.core import mail

from hostwerk.core.audit import Actor
from hostwerk.core.models import AuditEvent
from hostwerk.notifications.models import OutgoingEmail
from hostwerk.orders.actions import OrderRefused, order_cancel, order_place
from hostwerk.orders.items import ItemRequest, OrderInvalid
from hostwerk.orders.models import Order, OrderStatus
from tests.support.tasks import run_queued_tasks


def place(actor, client, channel, items, **options):
    return order_place(actor=actor, client=client, channel=channel, items=items, **options)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("generate_invoice", "send_confirmation", "send_invoice_email"),
    [
        combo
        for combo in itertools.product([True, False], repeat=3)
        if not (combo[2] and not combo[0])
    ],
)
def test_r1_staff_entry_options_decide_invoice_and_emails(
    staff_user, client_a, hosting, tlds, generate_invoice, send_confirmation, send_invoice_email
):
    order = place(
        Actor.for_user(staff_user),
        client_a,
        "staff",
        [ItemRequest(product_id=hosting.pk, domain="example.nl")],
        generate_invoice=generate_invoice,
        send_confirmation=send_confirmation,
        send_invoice_email=send_invoice_email,
    )
    run_queued_tasks()
    assert order.status == OrderStatus.PENDING
    assert hasattr(order, "invoice") is generate_invoice
    templates = sorted(OutgoingEmail.objects.values_list("template", flat=True))
    expected = sorted(
        (["order_confirmation"] if send_confirmation else [])
        + (["invoice"] if send_invoice_email else [])
    )
    assert templates == expected
    assert len(mail.outbox) == len(expected)
    assert all(message.to == [client_a.email] for message in mail.outbox)


@pytest.mark.django_db
def test_r1_invoice_email_without_invoice_is_refused_and_creates_nothing(
    staff_user, client_a, hosting, tlds
):
    with pytest.raises(OrderInvalid) as caught:
        place(
            Actor.for_user(staff_user),
            client_a,
            "staff",
            [ItemRequest(product_id=hosting.pk, domain="example.nl")],
            generate_invoice=False,
            send_invoice_email=True,
        )
    assert "needs an invoice" in caught.value.general[0]
    assert Order.objects.count() == 0
    assert OutgoingEmail.objects.count() == 0


@pytest.mark.django_db
def test_refused_order_creates_nothing(client_a_user, client_a, hosting, tlds):
    with pytest.raises(OrderInvalid):
        place(
            Actor.for_user(client_a_user),
            client_a,
            "client_area",
            [
                ItemRequest(product_id=hosting.pk, domain="example.nl"),
                ItemRequest(domain_action="register", domain="bad..nl"),
            ],
        )
    assert Order.objects.count() == 0
    assert AuditEvent.objects.filter(action="order.place").count() == 0
    assert OutgoingEmail.objects.count() == 0


@pytest.mark.django_db
def test_r1_price_override_is_audited_and_kept_beside_the_catalogue_price(
    staff_user, client_a, hosting, tlds
):
    order = place(
        Actor.for_user(staff_user),
        client_a,
        "staff",
        [ItemRequest(product_id=hosting.pk, domain="example.nl", price="60.00")],
    )
    item = order.items.get()
    assert (str(item.list_price), str(item.price), item.price_overridden) == (
        "75.00",
        "60.00",
        True,
    )
    event = AuditEvent.objects.get(action="order_item.price_override")
    assert event.actor == staff_user
    assert event.changes == {"price": ["75.00", "60.00"]}
    assert order.invoice.lines.get().unit_price == item.price


@pytest.mark.django_db
def test_order_confirmation_is_in_the_clients_language(staff_user, client_a, hosting, tlds):
    client_a.language = "nl"
    client_a.save()
    order = place(
        Actor.for_user(staff_user),
        client_a,
        "staff",
        [ItemRequest(product_id=hosting.pk, domain="example.nl")],
        generate_invoice=False,
        send_invoice_email=False,
    )
    run_queued_tasks()
    [message] = mail.outbox
    assert message.subject == f"Uw bestelling {order.number}"
    assert "Webhosting Basis — example.nl" in message.body


@pytest.mark.django_db
def test_orders_get_increasing_numbers_and_record_channel_and_person(
    staff_user, client_a, hosting, tlds
):
    first = place(
        Actor.for_user(staff_user, as_client=client_a),
        client_a,
        "impersonation",
        [ItemRequest(product_id=hosting.pk, domain="a.nl")],
    )
    second = place(
        Actor.for_user(staff_user),
        client_a,
        "staff",
        [ItemRequest(product_id=hosting.pk, domain="b.nl")],
    )
    assert second.number == first.number + 1
    assert (first.channel, first.placed_by) == ("impersonation", staff_user)
    event = AuditEvent.objects.get(action="order.place", object_id=str(first.pk))
    assert (event.actor_kind, event.actor, event.as_client) == (
        "staff_as_client",
        staff_user,
        client_a,
    )


@pytest.mark.django_db
def test_cancelling_a_pending_order_cancels_items_and_the_unpaid_invoice(
    staff_user, client_a, hosting, tlds
):
    actor = Actor.for_user(staff_user)
    order = place(
        actor, client_a, "staff", [ItemRequest(product_id=hosting.pk, domain="example.nl")]
    )
    order_cancel(actor=actor, order=order)
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert set(order.items.values_list("status", flat=True)) == {"cancelled"}
    assert order.invoice.status == "cancelled"
    with pytest.raises(OrderRefused):
        order_cancel(actor=actor, order=order)


@pytest.mark.django_db
def test_closed_client_cannot_order(staff_user, client_a, hosting, tlds):
    client_a.status = "closed"
    client_a.save()
    with pytest.raises(OrderInvalid):
        place(
            Actor.for_user(staff_user),
            client_a,
            "staff",
            [ItemRequest(product_id=hosting.pk, domain="example.nl")],
        )
