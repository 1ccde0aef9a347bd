"""The demo world: which simulators run where, and the catalogue, servers and users that point at them.

One description serves both `hostwerk demo` (which starts the processes) and `hostwerk demo_data`
(which writes the records), so the two cannot disagree.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from hostwerk.accounts.models import User
from hostwerk.accounts.tokens import api_token_create
from hostwerk.catalog.models import (
    BillingCycle,
    DomainAction,
    Product,
    ProductPrice,
    ProductType,
    ProvisioningModule,
    Tld,
    TldPrice,
)
from hostwerk.clients.actions import client_create
from hostwerk.clients.models import Client, LegalForm
from hostwerk.core.audit import Actor
from hostwerk.domains.models import Registrar, RegistrarAdapter
from hostwerk.provisioning.models import Server, ServerGroup, ServerKind

# Service plans every demo Plesk simulator offers (the products refer to them by name).
DEMO_PLANS = ("Default Domain", "Unlimited", "Forwarding")
DEMO_HOSTING_DOMAIN = "bakkerij-klant.nl"
SANDBOX_LOGIN = "admin"
SANDBOX_PASSWORD = "sandbox"
STAFF_EMAIL = "staff@hostwerk.test"
CLIENT_EMAIL = "client@hostwerk.test"

# A plausible Dutch seller for the demo's invoices (valid check digits, but nobody's numbers:
# the VAT number is the one the Dutch tax office publishes for testing, the IBAN is the
# standard example). Variables set in the environment win.
DEMO_SELLER = {
    "HOSTWERK_SELLER_NAME": "Hostwerk Demo Hosting B.V.",
    "HOSTWERK_SELLER_ADDRESS": "Herengracht 420",
    "HOSTWERK_SELLER_POSTCODE": "1017 BZ",
    "HOSTWERK_SELLER_CITY": "Amsterdam",
    "HOSTWERK_SELLER_COUNTRY": "NL",
    "HOSTWERK_SELLER_VAT_NUMBER": "NL000099998B57",
    "HOSTWERK_SELLER_COC_NUMBER": "12345678",
    "HOSTWERK_SELLER_IBAN": "NL91ABNA0417164300",
    "HOSTWERK_SELLER_BIC": "ABNANL2A",
    "HOSTWERK_SELLER_EMAIL": "facturen@hostwerk.test",
    "HOSTWERK_SELLER_PHONE": "+31 20 123 4567",
}


def _port(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@dataclass(frozen=True)
class DemoPleskServer:
    name: str
    kind: str
    hostname: str
    port: int
    web_ip: str
    mail_ip: str
    group: str


def demo_plesk_servers() -> list[DemoPleskServer]:
    return [
        DemoPleskServer(
            "plesk1",
            ServerKind.PLESK,
            "plesk1.hostwerk.test",
            _port("HOSTWERK_DEMO_PLESK1_PORT", 8901),
            "192.0.2.11",
            "192.0.2.12",
            "Plesk",
        ),
        DemoPleskServer(
            "plesk2",
            ServerKind.PLESK,
            "plesk2.hostwerk.test",
            _port("HOSTWERK_DEMO_PLESK2_PORT", 8902),
            "192.0.2.21",
            "192.0.2.22",
            "Plesk",
        ),
        DemoPleskServer(
            "movealong",
            ServerKind.FORWARDING,
            "movealong.movenext.nl",
            _port("HOSTWERK_DEMO_FORWARDING_PORT", 8903),
            "80.247.175.4",
            "80.247.175.4",
            "Forwarding",
        ),
    ]


def demo_epp_port() -> int:
    return _port("HOSTWERK_DEMO_EPP_PORT", 8700)


def demo_epp_control_port() -> int:
    return _port("HOSTWERK_DEMO_EPP_CONTROL_PORT", 8710)


def demo_spamexperts_port() -> int:
    return _port("HOSTWERK_DEMO_SPAMEXPERTS_PORT", 8904)


def demo_mollie_port() -> int:
    return _port("HOSTWERK_DEMO_MOLLIE_PORT", 8905)


def demo_mollie_env() -> dict[str, str]:
    """The settings that point Hostwerk's web server and workers at the Mollie simulator."""
    from hostwerk.sandbox.mollie.state import SANDBOX_API_KEY

    return {
        "HOSTWERK_MOLLIE_API_URL": f"http://127.0.0.1:{demo_mollie_port()}",
        "HOSTWERK_MOLLIE_API_KEY": SANDBOX_API_KEY,
        "HOSTWERK_PUBLIC_URL": f"http://127.0.0.1:{demo_web_port()}",
    }


def demo_web_port() -> int:
    return _port("HOSTWERK_DEMO_PORT", 8000)


def demo_seller_apply() -> dict[str, str]:
    """Give this process and the ones it starts the demo seller, where the environment sets none.

    Returns what was applied; the web server and the worker inherit the environment.
    """
    _refuse_in_production()
    applied = {}
    for name, value in DEMO_SELLER.items():
        if os.environ.get(name):
            continue
        os.environ[name] = value
        setattr(settings, name, value)
        applied[name] = value
    return applied


def _refuse_in_production() -> None:
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Demo data is refused under production settings.")


def _servers() -> dict[str, Server]:
    servers = {}
    for spec in demo_plesk_servers():
        group, _ = ServerGroup.objects.get_or_create(name=spec.group)
        server, _ = Server.objects.update_or_create(
            name=spec.name,
            defaults={
                "kind": spec.kind,
                "group": group,
                "hostname": spec.hostname,
                "api_url": f"http://127.0.0.1:{spec.port}",
                "username": SANDBOX_LOGIN,
                "password": SANDBOX_PASSWORD,
                "verify_tls": False,
                "web_ip": spec.web_ip,
                "mail_ip": spec.mail_ip,
                "capacity": 500,
                "active": True,
            },
        )
        servers[spec.name] = server
    for group_name, default in (("Plesk", "plesk1"), ("Forwarding", "movealong")):
        ServerGroup.objects.filter(name=group_name).update(default_server=servers[default])
    return servers


def _product(
    key: str,
    *,
    name_nl: str,
    name_en: str,
    type: str,
    module: str,
    group: str | None,
    default_cycle: str,
    prices: dict[str, str],
    module_settings: dict | None = None,
    description_nl: str = "",
    description_en: str = "",
    sort_order: int = 0,
) -> Product:
    product, _ = Product.objects.update_or_create(
        name_en=name_en,
        defaults={
            "name_nl": name_nl,
            "description_nl": description_nl,
            "description_en": description_en,
            "type": type,
            "module": module,
            "module_settings": {"demo_key": key, **(module_settings or {})},
            "server_group": ServerGroup.objects.get(name=group) if group else None,
            "default_billing_cycle": default_cycle,
            "active": True,
            "sort_order": sort_order,
        },
    )
    for cycle, amount in prices.items():
        ProductPrice.objects.update_or_create(
            product=product, billing_cycle=cycle, defaults={"amount": Decimal(amount)}
        )
    return product


def _catalogue(registrar: Registrar) -> None:
    _product(
        "hosting",
        name_nl="Webhosting Basis",
        name_en="Web hosting Basic",
        description_nl="Website en e-mail op een Plesk-server, 10 GB opslag.",
        description_en="Website and e-mail on a Plesk server, 10 GB storage.",
        type=ProductType.HOSTING,
        module=ProvisioningModule.PLESK,
        group="Plesk",
        default_cycle=BillingCycle.ANNUALLY,
        prices={BillingCycle.MONTHLY: "7.50", BillingCycle.ANNUALLY: "75.00"},
        module_settings={"plan": "Default Domain", "hosting_type": "vrt_hst"},
        sort_order=10,
    )
    _product(
        "forwarding",
        name_nl="Doorstuurpakket",
        name_en="Forwarding package",
        description_nl="Stuurt een domeinnaam door naar een andere website.",
        description_en="Forwards a domain name to another website.",
        type=ProductType.FORWARDING,
        module=ProvisioningModule.PLESK,
        group="Forwarding",
        default_cycle=BillingCycle.ANNUALLY,
        prices={BillingCycle.ANNUALLY: "12.00"},
        module_settings={"plan": "Forwarding", "hosting_type": "std_fwd"},
        sort_order=20,
    )
    _product(
        "mail_filter",
        name_nl="Spamfilter (SpamExperts)",
        name_en="Spam filtering (SpamExperts)",
        description_nl="Inkomende e-mail wordt gefilterd voordat deze uw mailbox bereikt.",
        description_en="Incoming mail is filtered before it reaches your mailbox.",
        type=ProductType.MAIL_FILTER,
        module=ProvisioningModule.SPAMEXPERTS,
        group=None,
        default_cycle=BillingCycle.ANNUALLY,
        prices={BillingCycle.MONTHLY: "2.50", BillingCycle.ANNUALLY: "25.00"},
        sort_order=30,
    )
    tlds = {
        "nl": (False, {"register": "8.95", "transfer": "0.00", "renew": "8.95"}),
        "de": (True, {"register": "9.95", "transfer": "0.00", "renew": "9.95"}),
        "com": (False, {"register": "14.95", "transfer": "14.95", "renew": "14.95"}),
        "eu": (False, {"register": "9.95", "transfer": "0.00", "renew": "9.95"}),
    }
    for name, (dns_first, prices) in tlds.items():
        tld, _ = Tld.objects.update_or_create(
            name=name,
            defaults={
                "registrar": registrar,
                "dns_before_registration": dns_first,
                "min_years": 1,
                "max_years": 1 if name == "nl" else 10,
            },
        )
        for action, amount in prices.items():
            for years in range(tld.min_years, min(tld.max_years, 5) + 1):
                TldPrice.objects.update_or_create(
                    tld=tld,
                    action=action,
                    years=years,
                    defaults={
                        "amount": Decimal(amount)
                        * (years if action != DomainAction.TRANSFER else 1)
                    },
                )


def _mail_filter_provider() -> None:
    """SpamExperts on its simulator, serving the demo's mail filtering product (R8)."""
    from hostwerk.mail.models import MailFilterProvider, ProviderMode

    provider, _ = MailFilterProvider.objects.update_or_create(
        name="SpamExperts",
        defaults={
            "mode": ProviderMode.API,
            "api_url": f"http://127.0.0.1:{demo_spamexperts_port()}",
            "username": SANDBOX_LOGIN,
            "password": SANDBOX_PASSWORD,
            "verify_tls": False,
            "mx_hosts": settings.HOSTWERK_MAIL_FILTER_MX,
            "mx_addresses": settings.HOSTWERK_MAIL_FILTER_ADDRESSES,
            "active": True,
        },
    )
    provider.products.set([Product.objects.get(module_settings__demo_key="mail_filter")])


@dataclass
class DemoLogins:
    staff_email: str
    staff_password: str
    client_email: str
    client_password: str
    staff_token: str


@transaction.atomic
def load_demo_data() -> DemoLogins:
    """Create or refresh the demo world; passwords and the staff token are new on every run."""
    _refuse_in_production()
    actor = Actor.system(via="command")
    _servers()
    registrar, _ = Registrar.objects.update_or_create(
        name="Sandbox registry",
        defaults={
            "adapter": RegistrarAdapter.EPP,
            "host": "127.0.0.1",
            "port": demo_epp_port(),
            "username": SANDBOX_LOGIN,
            "password": SANDBOX_PASSWORD,
            "verify_tls": False,
        },
    )
    _catalogue(registrar)
    _mail_filter_provider()

    staff_password = secrets.token_urlsafe(9)
    staff = User.objects.filter(email=STAFF_EMAIL).first() or User.objects.create_user(
        STAFF_EMAIL, name="Sanne de Staf", is_staff=True, language="nl"
    )
    staff.set_password(staff_password)
    staff.is_superuser = True  # the demo's only staff member may do everything, impersonate too
    staff.save()

    client = Client.objects.filter(email=CLIENT_EMAIL).first() or client_create(
        actor=actor,
        values={
            "first_name": "Klaas",
            "last_name": "Klant",
            "company": "Bakkerij Klant",
            "email": CLIENT_EMAIL,
            "phone": "+31201234567",
            "address1": "Dorpsstraat 1",
            "postcode": "1234 AB",
            "city": "Amsterdam",
            "country": "NL",
            "language": "nl",
            "legal_form": LegalForm.EENMANSZAAK,
            "registration_number": "12345678",
        },
    )
    client_password = secrets.token_urlsafe(9)
    client_user = User.objects.filter(email=CLIENT_EMAIL).first() or User.objects.create_user(
        CLIENT_EMAIL, client=client, name="Klaas Klant", language="nl"
    )
    client_user.set_password(client_password)
    client_user.save()
    _demo_domain(client, registrar)

    _, token = api_token_create(actor=actor, user=staff, name="demo")
    return DemoLogins(STAFF_EMAIL, staff_password, CLIENT_EMAIL, client_password, token)


def _demo_domain(client: Client, registrar: Registrar) -> None:
    """The demo client's active .nl domain; `demo_registry_seed` puts it in the EPP simulator."""
    from datetime import timedelta

    from django.utils import timezone

    from hostwerk.domains.models import Domain, DomainStatus

    now = timezone.now()
    values = {
        "client": client,
        "tld": Tld.objects.get(name="nl"),
        "registrar": registrar,
        "status": DomainStatus.ACTIVE,
        "years": 1,
        "nameservers": list(settings.HOSTWERK_DNS_NAMESERVERS),
    }
    Domain.objects.update_or_create(
        name=DEMO_HOSTING_DOMAIN,
        defaults=values,
        # Registration dates only on the first run; the sync then takes the registry's.
        create_defaults={**values, "registered_at": now, "expires_at": now + timedelta(days=365)},
    )


def demo_registry_seed() -> None:
    """Give the started EPP simulator the demo client's domain (it keeps nothing between runs)
    through its control endpoint, then take the registry's data into the record by a sync."""
    import json
    import time
    import urllib.error
    import urllib.request

    from hostwerk.core.errors import HostwerkError
    from hostwerk.domains.models import Domain
    from hostwerk.domains.sync import domain_sync

    domain = Domain.objects.filter(name=DEMO_HOSTING_DOMAIN).first()
    if domain is None:
        return
    request = urllib.request.Request(
        f"http://127.0.0.1:{demo_epp_control_port()}/_sandbox/domains",
        data=json.dumps(
            {"name": domain.name, "account": SANDBOX_LOGIN, "nameservers": domain.nameservers}
        ).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    for _attempt in range(40):
        try:
            # The simulator's own control API on loopback, started by the demo a moment ago.
            with urllib.request.urlopen(request, timeout=5):  # noqa: S310
                break
        except urllib.error.HTTPError as error:
            if error.code == 400:  # registered already: the simulator kept running
                break
            raise
        except OSError:
            time.sleep(0.25)  # the control endpoint is still starting
    try:
        domain_sync(actor=Actor.system(via="command"), domain=domain)
    except HostwerkError as error:
        import logging

        logging.getLogger(__name__).warning("demo domain %s not synchronised: %s", domain, error)


def demo_provision() -> None:
    """Give the demo client its hosting on plesk1, created through the real acceptance flow.

    The simulators keep nothing between runs, so on a later start the existing service is
    created on the simulator again (its checkpoints are cleared first).
    """
    from hostwerk.orders.acceptance import order_accept
    from hostwerk.orders.actions import order_place
    from hostwerk.orders.items import ItemRequest
    from hostwerk.provisioning.checkpoints import Checkpoints
    from hostwerk.provisioning.models import Service
    from hostwerk.provisioning.modules.plesk import PleskModule

    client = Client.objects.get(email=CLIENT_EMAIL)
    actor = Actor.system(via="command")
    service = (
        Service.objects.filter(client=client, domain=DEMO_HOSTING_DOMAIN)
        .select_related("server")
        .first()
    )
    if service is None:
        hosting = Product.objects.get(module_settings__demo_key="hosting")
        order = order_place(
            actor=actor,
            client=client,
            channel="staff",
            items=[
                ItemRequest(
                    product_id=hosting.pk, domain=DEMO_HOSTING_DOMAIN, domain_choice="existing"
                )
            ],
            send_confirmation=False,
            send_invoice_email=False,
        )
        order_accept(actor=actor, order=order)
        return
    Checkpoints(service).forget("customer", "subscription")
    PleskModule().create(service)


def demo_unpaid_invoice() -> None:
    """Make sure the demo client has an unpaid invoice to pay (by bank transfer or iDEAL).

    The first start's hosting order leaves one; once it is paid, the next start orders a
    domain name for the client (left pending, as a real order waits for its payment).
    """
    from hostwerk.billing.models import Invoice, InvoiceKind, InvoiceStatus
    from hostwerk.core.errors import HostwerkError
    from hostwerk.orders.actions import order_place
    from hostwerk.orders.items import ItemRequest

    client = Client.objects.get(email=CLIENT_EMAIL)
    invoices = Invoice.objects.filter(client=client, kind=InvoiceKind.INVOICE)
    if invoices.filter(status=InvoiceStatus.UNPAID).exists():
        return
    name = f"bakkerij-klant-{invoices.count() + 1}.nl"
    try:
        order_place(
            actor=Actor.system(via="command"),
            client=client,
            channel="staff",
            items=[ItemRequest(domain=name, domain_action="register", years=1)],
            send_confirmation=False,
            send_invoice_email=False,
        )
    except HostwerkError as error:
        import logging

        logging.getLogger(__name__).warning("demo invoice for %s not made: %s", name, error)
