"""Order e-mails: "ready" when the last item is accepted (any kind of order), staff's new-order
notice and menu count, and links only to what the client can open."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hostwerk.core.audit import Actor
from hostwerk.notifications.models import OutgoingEmail
from hostwerk.orders.acceptance import order_accept
from hostwerk.orders.actions import order_place
from hostwerk.orders.items import ItemRequest
from hostwerk.orders.models import Order
from tests.dns.factories import ForwardingServerFactory
from tests.factories import ClientFactory, ClientUserFactory
from tests.orders.factories import OrderFactory, OrderItemFactory

pytestmark = pytest.mark.django_db


def place(actor, client, *items, channel="staff"):
    return order_place(
        actor=actor,
        client=client,
        channel=channel,
        items=list(items),
        generate_invoice=False,
        send_confirmation=False,
        send_invoice_email=False,
    )


def ready_emails(order):
    return list(
        OutgoingEmail.objects.filter(
            template="order_ready", object_type="orders.order", object_id=str(order.pk)
        )
    )


@pytest.fixture
def domain_world(epp_registry, tlds):
    ForwardingServerFactory()
    return epp_registry


def test_a_domain_only_order_gets_its_ready_email_once(staff_user, domain_world):
    client = ClientFactory(first_name="Anna", company="", language="en")
    ClientUserFactory(client=client, client_access="owner")
    actor = Actor.for_user(staff_user)
    order = place(
        actor,
        client,
        ItemRequest(domain_action="register", domain="anna-een.nl"),
        ItemRequest(domain_action="register", domain="anna-twee.com"),
    )

    outcome = order_accept(actor=actor, order=order)

    assert [item.status for item in outcome.items] == ["accepted", "accepted"]
    assert Order.objects.get(pk=order.pk).status == "active"
    [email] = ready_emails(order)
    assert (email.to, email.subject) == (client.email, f"Your order {order.number} is ready")
    assert "anna-een.nl is registered in your name." in email.body_text
    assert "anna-twee.com is registered in your name." in email.body_text
    assert reverse("portal:order_detail", args=[order.pk]) in email.body_text

    order_accept(actor=actor, order=Order.objects.get(pk=order.pk))  # nothing left to do
    assert len(ready_emails(order)) == 1


def test_the_ready_email_waits_for_the_last_item(staff_user, domain_world):
    client = ClientFactory(phone="", language="en")  # the .nl fails the preflight first
    actor = Actor.for_user(staff_user)
    order = place(
        actor,
        client,
        ItemRequest(domain_action="register", domain="wacht.com"),
        ItemRequest(domain_action="register", domain="wacht.nl"),
    )
    # .com needs a phone too; accept both only after the fix.
    order_accept(actor=actor, order=order)
    assert ready_emails(order) == []

    client.phone = "+31201234567"
    client.save()
    order_accept(actor=actor, order=Order.objects.get(pk=order.pk))
    [email] = ready_emails(order)
    # No login for the client area: the mail says how to get one instead of linking to it.
    assert "/orders/" not in email.body_text
    assert "You do not have a login for our client area yet" in email.body_text


def test_staff_hear_of_an_order_a_client_placed_not_of_one_they_entered(
    staff_user, client_a, client_a_user, domain_world, settings
):
    settings.HOSTWERK_STAFF_ORDER_EMAIL = ""
    mine = place(
        Actor.for_user(staff_user),
        client_a,
        ItemRequest(domain_action="register", domain="door-staf.nl"),
    )
    assert not OutgoingEmail.objects.filter(template="staff_new_order").exists()

    theirs = place(
        Actor.for_user(client_a_user),
        client_a,
        ItemRequest(domain_action="register", domain="door-klant.nl"),
        channel="client_area",
    )
    [notice] = OutgoingEmail.objects.filter(template="staff_new_order")
    assert notice.to == staff_user.email
    assert notice.object_id == str(theirs.pk) != str(mine.pk)
    assert notice.subject.startswith(f"New order {theirs.number} from ")
    assert reverse("staff:order_accept", args=[theirs.pk]) in notice.body_text

    settings.HOSTWERK_STAFF_ORDER_EMAIL = "orders@provider.test, boss@provider.test"
    place(
        Actor.for_user(client_a_user),
        client_a,
        ItemRequest(domain_action="register", domain="nog-een.nl"),
        channel="client_area",
    )
    assert sorted(
        OutgoingEmail.objects.filter(template="staff_new_order")
        .exclude(pk=notice.pk)
        .values_list("to", flat=True)
    ) == ["boss@provider.test", "orders@provider.test"]


def test_the_staff_menu_counts_orders_to_accept(staff_web, client_a):
    for _ in range(2):
        order = OrderFactory(client=client_a)
        OrderItemFactory.create_batch(3, order=order)
    OrderFactory(client=client_a, status="active")

    page = staff_web.get(reverse("staff:dashboard")).content.decode()
    assert reverse("staff:orders_to_accept_badge") in page
    badge = staff_web.get(reverse("staff:orders_to_accept_badge")).content.decode()
    assert ">2</span>" in badge


def test_the_dashboard_counts_orders_to_accept_not_items(staff_web, client_a):
    order = OrderFactory(client=client_a)
    OrderItemFactory.create_batch(3, order=order)
    OrderItemFactory(order=order, status="failed")
    response = staff_web.get(reverse("staff:dashboard"))
    assert (response.context["pending_order_count"], response.context["failing_order_count"]) == (
        1,
        1,
    )


def test_the_menu_count_is_for_staff_only(client_a_web):
    assert client_a_web.get(reverse("staff:orders_to_accept_badge")).status_code == 403


@pytest.mark.parametrize("login", [None, "billing", "technical"])
def test_the_welcome_email_links_to_the_client_area_only_for_a_login_that_can_open_it(
    staff_user, catalogue, plesk_servers, login
):
    client = ClientFactory(email="welkom@example.nl", language="en")
    if login:
        ClientUserFactory(client=client, client_access=login)
    actor = Actor.for_user(staff_user)
    order = place(
        actor,
        client,
        ItemRequest(
            product_id=catalogue["hosting"].pk, domain="welkom.nl", domain_choice="external"
        ),
    )
    [item] = order_accept(actor=actor, order=order).items
    assert item.status == "accepted", item.error

    [welcome] = OutgoingEmail.objects.filter(template="welcome_hosting")
    [ready] = ready_emails(order)
    if login == "technical":
        assert "/services/" in welcome.body_text
        assert "shown once in your client area" in welcome.body_text
        assert "/services/" in ready.body_text
    else:
        assert "/services/" not in welcome.body_text
        assert "we do not send it by e-mail" in welcome.body_text
    if login == "billing":
        assert reverse("portal:order_detail", args=[order.pk]) in ready.body_text
    if login is None:
        assert "You do not have a login for our client area yet" in ready.body_text
