"""Order factories (ORM-level; the placement rules are tested through order_place)."""

import factory

from hostwerk.orders.models import ItemKind, Order, OrderItem
from tests.factories import ClientFactory, ProductFactory


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    number = factory.Sequence(lambda n: 500001 + n)
    client = factory.SubFactory(ClientFactory)
    channel = "client_area"
    total = "75.00"
    payment_method = factory.LazyAttribute(lambda order: order.client.payment_method)


class OrderItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderItem

    order = factory.SubFactory(OrderFactory)
    kind = ItemKind.HOSTING
    product = factory.SubFactory(ProductFactory)
    domain = factory.Sequence(lambda n: f"site{n}.nl")
    domain_choice = "external"
    billing_cycle = "annually"
    list_price = "75.00"
    price = "75.00"
