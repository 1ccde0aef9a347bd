"""Writes on orders: placing them (all three channels end here) and cancelling them."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from hostwerk.accounts.models import ClientArea
from hostwerk.accounts.queries import client_area_reachable, client_areas_reachable
from hostwerk.billing.actions import invoice_send_email
from hostwerk.billing.models import InvoiceStatus
from hostwerk.clients.models import Client, ClientStatus, InvoicePaymentMethod
from hostwerk.core.audit import Actor, audit_record
from hostwerk.notifications.actions import email_queue
from hostwerk.orders.invoicing import invoice_create_for_order
from hostwerk.orders.items import ItemRequest, OrderInvalid, items_price
from hostwerk.orders.models import ItemStatus, Order, OrderChannel, OrderItem, OrderStatus

FIRST_ORDER_NUMBER = 100001


class OrderRefused(Exception):
    """The order cannot change this way; the message says why, for the person who tried."""


def _channel_allows_price_override(channel: str, actor: Actor) -> bool:
    return channel == OrderChannel.STAFF or (channel == OrderChannel.API and actor.is_staff)


def order_place(
    *,
    actor: Actor,
    client: Client,
    channel: str,
    items: list[ItemRequest],
    generate_invoice: bool = True,
    send_confirmation: bool = True,
    send_invoice_email: bool = True,
    notes: str = "",
    payment_method: str = "",
) -> Order:
    """Create a pending order (R1): validated, priced, audited, invoiced and confirmed as asked.

    Raises OrderInvalid, with every problem per item and field, and creates nothing then.
    Everything it writes (order, items, invoice, audit, e-mail jobs) is one transaction.
    """
    if client.status == ClientStatus.CLOSED:
        raise OrderInvalid(general=[_("This client account is closed; it cannot order.")])
    if send_invoice_email and not generate_invoice:
        raise OrderInvalid(
            general=[
                _(
                    "An invoice e-mail needs an invoice: tick “generate invoice” or untick the e-mail."
                )
            ]
        )
    staff_entry = _channel_allows_price_override(channel, actor)
    if payment_method and payment_method not in InvoicePaymentMethod.values:
        raise OrderInvalid(
            general=[
                _("Choose a payment method: %(methods)s.")
                % {"methods": ", ".join(InvoicePaymentMethod.values)}
            ]
        )
    priced = items_price(
        requests=items, allow_price_override=staff_entry, client=client, for_staff=staff_entry
    )
    # Pricing may ask the registrar whether a domain is free; that network call stays outside
    # the transaction, which on SQLite holds the database's write lock.
    with transaction.atomic():
        order = Order.objects.create(
            client=client,
            channel=channel,
            placed_by=actor.user,
            generate_invoice=generate_invoice,
            send_confirmation=send_confirmation,
            send_invoice_email=send_invoice_email,
            notes=notes,
            payment_method=payment_method or client.payment_method,
            total=sum((item.price + item.setup_fee for item in priced), start=0),
        )
        Order.objects.filter(pk=order.pk).update(number=F("pk") + FIRST_ORDER_NUMBER - 1)
        order.refresh_from_db(fields=["number"])

        created: list[OrderItem] = []
        for position, item in enumerate(priced):
            created.append(
                OrderItem.objects.create(
                    order=order,
                    position=position,
                    kind=item.kind,
                    product=item.product,
                    domain=item.domain,
                    domain_choice=item.domain_choice,
                    forwarding_url=item.forwarding_url,
                    auth_code=item.auth_code,
                    billing_cycle=item.billing_cycle,
                    years=item.years,
                    list_price=item.list_price,
                    price=item.price,
                    setup_fee=item.setup_fee,
                    price_overridden=item.price_overridden,
                    linked_item=created[item.linked_to] if item.linked_to is not None else None,
                )
            )
        audit_record(
            actor=actor,
            action="order.place",
            obj=order,
            client=client,
            data={
                "channel": channel,
                "items": [
                    {
                        "kind": i.kind,
                        "description": i.description,
                        "cycle": i.billing_cycle,
                        "years": i.years,
                        "price": i.price,
                    }
                    for i in created
                ],
                "generate_invoice": generate_invoice,
                "send_confirmation": send_confirmation,
                "send_invoice_email": send_invoice_email,
                "payment_method": order.payment_method,
            },
        )
        for order_item in created:
            if order_item.price_overridden:
                audit_record(
                    actor=actor,
                    action="order_item.price_override",
                    obj=order_item,
                    client=client,
                    changes={"price": [str(order_item.list_price), str(order_item.price)]},
                    data={"order": order.number},
                )

        invoice = None
        if generate_invoice:
            invoice = invoice_create_for_order(actor=actor, order=order)
        if send_confirmation:
            email_queue(
                template="order_confirmation",
                to=client.email,
                language=client.language,
                client=client,
                obj=order,
                context={
                    "client": client,
                    "order": order,
                    "items": created,
                    "invoice": invoice,
                    # Only a link the client can follow: someone of theirs has a billing login.
                    "order_url": settings.BASE_URL + reverse("portal:order_detail", args=[order.pk])
                    if client_area_reachable(client=client, area=ClientArea.BILLING)
                    else "",
                },
            )
        if invoice is not None and send_invoice_email:
            invoice_send_email(actor=actor, invoice=invoice)
        if not actor.is_staff:
            # Orders staff entered themselves need no notice; the client's own ones do.
            order_staff_notice(order=order, items=created)
    return order


def order_status_update(*, actor: Actor, order: Order) -> str:
    """Derive the status under the order's lock (the caller holds it); on activation audit it and
    queue the client's "ready" e-mail, for every kind of order (domain-only, filter-only ...).

    The status changes pending -> active once, under the lock, so the e-mail goes out once.
    """
    before = order.status
    after = order_status_refresh(order=order)
    if before != after and after == OrderStatus.ACTIVE:
        audit_record(
            actor=actor,
            action="order.activate",
            obj=order,
            client=order.client,
            changes={"status": [before, after]},
        )
        order_ready_email(order=order)
    return after


def order_ready_email(*, order: Order) -> None:
    client = order.client
    items = list(
        order.items.filter(status=ItemStatus.ACCEPTED)
        .select_related("product", "mail_filter")
        .order_by("position", "id")
    )
    reachable = client_areas_reachable(client=client)
    may_billing = ClientArea.BILLING in reachable
    may_technical = ClientArea.TECHNICAL in reachable
    email_queue(
        template="order_ready",
        to=client.email,
        language=client.language,
        client=client,
        obj=order,
        context={
            "client": client,
            "order": order,
            "items": items,
            "order_url": settings.BASE_URL + reverse("portal:order_detail", args=[order.pk])
            if may_billing
            else "",
            "services_url": settings.BASE_URL + reverse("portal:service_list")
            if may_technical
            else "",
            "has_login": may_billing or may_technical,
        },
    )


def _staff_order_recipients() -> list[tuple[str, str]]:
    """(address, language) of who hears about new orders: the setting, else every active staff."""
    from hostwerk.accounts.models import User

    configured = [
        address.strip()
        for address in settings.HOSTWERK_STAFF_ORDER_EMAIL.split(",")
        if address.strip()
    ]
    if configured:
        return [(address, settings.LANGUAGE_CODE) for address in configured]
    return list(
        User.objects.filter(is_staff=True, is_active=True)
        .order_by("id")
        .values_list("email", "language")
    )


def order_staff_notice(*, order: Order, items: list[OrderItem]) -> None:
    """Tell staff a client placed an order that waits for acceptance."""
    link = settings.BASE_URL + reverse("staff:order_accept", args=[order.pk])
    for address, language in _staff_order_recipients():
        email_queue(
            template="staff_new_order",
            to=address,
            language=language,
            obj=order,
            context={"order": order, "client": order.client, "items": items, "accept_url": link},
        )


def order_status_refresh(*, order: Order) -> str:
    """Derive the order's status from its items (DESIGN section 4); call under the order's lock."""
    if order.status in (OrderStatus.CANCELLED, OrderStatus.FRAUD):
        return order.status
    statuses = set(order.items.values_list("status", flat=True))
    live = statuses - {ItemStatus.CANCELLED}
    if not live:
        status = OrderStatus.CANCELLED
    elif live == {ItemStatus.ACCEPTED}:
        status = OrderStatus.ACTIVE
    else:
        status = OrderStatus.PENDING
    if status != order.status:
        Order.objects.filter(pk=order.pk).update(status=status)
        order.status = status
    return status


@transaction.atomic
def order_cancel(*, actor: Actor, order: Order, reason: str = "") -> Order:
    """Cancel a pending order with nothing accepted yet; its unpaid invoice is cancelled too."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status != OrderStatus.PENDING:
        raise OrderRefused(
            _("Only a pending order can be cancelled; this one is %(status)s.")
            % {"status": order.get_status_display()}
        )
    if order.items.filter(status=ItemStatus.ACCEPTED).exists():
        raise OrderRefused(
            _("Some items of this order are already accepted. Terminate their services instead.")
        )
    order.items.update(status=ItemStatus.CANCELLED)
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.CANCELLED)
    order.status = OrderStatus.CANCELLED
    audit_record(
        actor=actor,
        action="order.cancel",
        obj=order,
        client=order.client,
        changes={"status": [OrderStatus.PENDING, OrderStatus.CANCELLED]},
        data={"reason": reason},
    )
    invoice = getattr(order, "invoice", None)
    if invoice is not None and invoice.status == InvoiceStatus.UNPAID:
        from hostwerk.billing.actions import invoice_cancel

        invoice_cancel(
            actor=actor,
            invoice=invoice,
            reason=_("Order %(number)s cancelled.") % {"number": order.number},
        )
    return order
