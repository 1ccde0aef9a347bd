"""Domain factories (ORM-level; registrations are tested through the actions and acceptance)."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from hostwerk.domains.models import Domain, DomainStatus
from tests.factories import ClientFactory, RegistrarFactory, TldFactory


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain

    name = factory.Sequence(lambda n: f"domein{n}.nl")
    client = factory.SubFactory(ClientFactory)
    tld = factory.LazyAttribute(lambda o: TldFactory(name=o.name.rsplit(".", 1)[-1]))
    registrar = factory.LazyAttribute(lambda o: o.tld.registrar or RegistrarFactory())
    status = DomainStatus.ACTIVE
    registered_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=335))
    nameservers = factory.LazyFunction(lambda: ["ns1.hostwerk.test", "ns2.hostwerk.test"])
    registrant_handle = "HW-1"
    admin_handle = "HW-1"
    tech_handle = "HW-1"
