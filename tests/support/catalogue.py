"""Catalogue fixtures like the demo's: hosting, forwarding, mail filtering; .nl, .de, .com;
and `catalogue`, the same products attached to the Plesk simulators."""

import pytest

from hostwerk.catalog.models import BillingCycle, ProductType, ProvisioningModule
from tests.factories import ProductFactory, RegistrarFactory, TldFactory


@pytest.fixture
def registrar(db):
    return RegistrarFactory(name="Sandbox registry")


@pytest.fixture
def hosting(db):
    return ProductFactory(
        name_nl="Webhosting Basis",
        name_en="Web hosting Basic",
        default_billing_cycle=BillingCycle.ANNUALLY,
        prices={"monthly": "7.50", "annually": "75.00"},
    )


@pytest.fixture
def forwarding(db):
    return ProductFactory(
        name_nl="Doorstuurpakket",
        name_en="Forwarding package",
        type=ProductType.FORWARDING,
        default_billing_cycle=BillingCycle.ANNUALLY,
        prices={"annually": "12.00"},
    )


@pytest.fixture
def mail_filter(db):
    return ProductFactory(
        name_nl="Spamfilter",
        name_en="Spam filtering",
        type=ProductType.MAIL_FILTER,
        module=ProvisioningModule.SPAMEXPERTS,
        default_billing_cycle=BillingCycle.ANNUALLY,
        prices={"monthly": "2.50", "annually": "25.00"},
    )


@pytest.fixture
def tlds(registrar):
    return {
        "nl": TldFactory(name="nl", registrar=registrar, max_years=1),
        "de": TldFactory(name="de", registrar=registrar, dns_before_registration=True),
        "com": TldFactory(name="com", registrar=registrar),
    }


@pytest.fixture
def catalogue(plesk_servers, hosting, forwarding, tlds):
    for product, group in ((hosting, "Plesk"), (forwarding, "Forwarding")):
        product.server_group = plesk_servers.servers[
            "plesk1" if group == "Plesk" else "movealong"
        ].group
        product.module_settings = (
            {"plan": "Default Domain", "hosting_type": "vrt_hst"}
            if group == "Plesk"
            else {"plan": "Forwarding", "hosting_type": "std_fwd"}
        )
        product.save()
    return {"hosting": hosting, "forwarding": forwarding}
