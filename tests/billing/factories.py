"""Factories for billing tests: real orders with items, invoiced through the billing action."""

from __future__ import annotations

import datetime
import importlib
from decimal import Decimal

import factory
from django.apps import apps
from django.utils import timezone

from hostwerk.billing.models import Invoice, VatRate
from hostwerk.catalog.models import BillingCycle
from hostwerk.core.audit import Actor
from hostwerk.orders.invoicing import invoice_create_for_order
from hostwerk.orders.models import ItemKind, Order, OrderChannel, OrderItem
from tests.factories import ClientFactory, ProductFactory

SYSTEM = Actor.system(via="command")


def ensure_vat_rates() -> None:
    """Seed the EU VAT rates again when a transactional test (transaction=True) flushed them.

    A data migration's rows are only there until the first transactional test empties the
    tables; invoices cannot be made without them.
    """
    if not VatRate.objects.exists():
        migration = importlib.import_module("hostwerk.billing.migrations.0002_eu_vat_rates")
        migration.seed_rates(apps, None)


class OrderFactory(factory.django.DjangoModelFactory):
    """An order placed by staff; `placed_at` moves its date (created_at is set on insert)."""

    class Meta:
        model = Order
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: 70001 + n)
    client = factory.SubFactory(ClientFactory)
    channel = OrderChannel.STAFF
    payment_method = factory.LazyAttribute(lambda order: order.client.payment_method)

    @factory.post_generation
    def placed_at(obj, create, extracted, **kwargs):
        if create and extracted is not None:
            Order.objects.filter(pk=obj.pk).update(created_at=extracted)
            obj.created_at = extracted


class OrderItemFactory(factory.django.DjangoModelFactory):
    """A hosting item for example.nl, annually at 75.00."""

    class Meta:
        model = OrderItem

    order = factory.SubFactory(OrderFactory)
    position = factory.Sequence(lambda n: n)
    kind = ItemKind.HOSTING
    product = factory.SubFactory(ProductFactory)
    domain = "example.nl"
    billing_cycle = BillingCycle.ANNUALLY
    list_price = factory.LazyAttribute(lambda item: item.price)
    price = Decimal("75.00")
    setup_fee = Decimal("0.00")


class DomainItemFactory(OrderItemFactory):
    kind = ItemKind.DOMAIN_REGISTER
    product = None
    billing_cycle = ""
    years = 1
    price = Decimal("9.95")


def placed_at(day: datetime.date) -> datetime.datetime:
    """Noon on `day` in the site's time zone: far from midnight, so the date is unambiguous."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


class InvoiceFactory(factory.Factory):
    """An invoice made the real way: an order with items, invoiced by invoice_create_for_order.

    `items` is a list of keyword dicts for OrderItemFactory (a `factory` key picks another
    item factory); without it the order has one hosting item.
    """

    class Meta:
        model = Invoice

    client = factory.SubFactory(ClientFactory)
    issued_on = None
    order_placed_on = None
    items = None

    @classmethod
    def _create(cls, model_class, *, client, issued_on=None, order_placed_on=None, items=None):
        ensure_vat_rates()
        order = OrderFactory(
            client=client,
            placed_at=placed_at(order_placed_on) if order_placed_on else None,
        )
        for values in items if items is not None else [{}]:
            values = dict(values)
            item_factory = values.pop("factory", OrderItemFactory)
            item_factory(order=order, **values)
        return invoice_create_for_order(actor=SYSTEM, order=order, issued_on=issued_on)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("an invoice is only made through invoice_create_for_order")
