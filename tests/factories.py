"""factory_boy factories for Hostwerk's models; apps add theirs here as they grow."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.contrib.auth.models import Permission

from hostwerk.accounts.models import User
from hostwerk.catalog.models import (
    BillingCycle,
    Product,
    ProductPrice,
    ProductType,
    ProvisioningModule,
    Tld,
    TldPrice,
)
from hostwerk.clients.models import Client, LegalForm
from hostwerk.domains.models import Registrar, RegistrarAdapter
from hostwerk.provisioning.models import Server, ServerGroup, ServerKind

PASSWORD = "correct horse battery staple"


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    number = factory.Sequence(lambda n: 20001 + n)
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    company = ""
    email = factory.Sequence(lambda n: f"client{n}@example.nl")
    phone = "+31201234567"
    address1 = "Keizersgracht 1"
    postcode = "1015 CJ"
    city = "Amsterdam"
    country = "NL"
    language = "nl"
    legal_form = LegalForm.PERSOON


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.nl")
    name = factory.Faker("name", locale="nl_NL")
    language = "en"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffUserFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def impersonate(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            obj.user_permissions.add(Permission.objects.get(codename="impersonate_client"))


class ClientUserFactory(UserFactory):
    client = factory.SubFactory(ClientFactory)


class ServerGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServerGroup
        django_get_or_create = ["name"]

    name = "Plesk"


_TEST_NETS = ("192.0.2", "198.51.100", "203.0.113")


class ServerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Server

    name = factory.Sequence(lambda n: f"plesk{n + 1}")
    kind = ServerKind.PLESK
    group = factory.SubFactory(ServerGroupFactory)
    hostname = factory.LazyAttribute(lambda o: f"{o.name}.hostwerk.test")
    api_url = "http://127.0.0.1:9"
    username = "admin"
    password = "sandbox"
    verify_tls = False
    # Documentation addresses (RFC 5737), 120 servers per block, so a long test run never
    # counts past .255.
    web_ip = factory.Sequence(lambda n: f"{_TEST_NETS[(n // 120) % 3]}.{10 + 2 * (n % 120)}")
    mail_ip = factory.Sequence(lambda n: f"{_TEST_NETS[(n // 120) % 3]}.{11 + 2 * (n % 120)}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        skip_postgeneration_save = True

    name_nl = factory.Sequence(lambda n: f"Hosting {n}")
    name_en = factory.Sequence(lambda n: f"Hosting {n}")
    type = ProductType.HOSTING
    module = ProvisioningModule.PLESK
    module_settings = factory.LazyFunction(lambda: {"plan": "Default Domain"})
    default_billing_cycle = BillingCycle.ANNUALLY

    @factory.post_generation
    def prices(obj, create, extracted, **kwargs):
        prices = extracted if extracted is not None else {"monthly": "7.50", "annually": "75.00"}
        for cycle, amount in prices.items():
            ProductPrice.objects.create(product=obj, billing_cycle=cycle, amount=Decimal(amount))


class RegistrarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registrar

    name = factory.Sequence(lambda n: f"Registry {n}")
    adapter = RegistrarAdapter.EPP
    host = "127.0.0.1"
    port = 700
    username = "admin"
    password = "sandbox"
    verify_tls = False


class TldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tld
        django_get_or_create = ["name"]
        skip_postgeneration_save = True

    name = "nl"
    registrar = factory.SubFactory(RegistrarFactory)

    @factory.post_generation
    def prices(obj, create, extracted, **kwargs):
        for action in ("register", "transfer", "renew"):
            for years in range(obj.min_years, min(obj.max_years, 3) + 1):
                TldPrice.objects.get_or_create(
                    tld=obj,
                    action=action,
                    years=years,
                    defaults={"amount": Decimal("9.95") * years},
                )
