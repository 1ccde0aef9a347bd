"""Service factories (ORM-level; creation on servers is tested through acceptance)."""

import factory

from hostwerk.provisioning.models import Service
from tests.factories import ClientFactory, ProductFactory


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    client = factory.SubFactory(ClientFactory)
    product = factory.SubFactory(ProductFactory)
    domain = factory.Sequence(lambda n: f"service{n}.nl")
    status = "active"
    billing_cycle = "annually"
    recurring_amount = "75.00"
