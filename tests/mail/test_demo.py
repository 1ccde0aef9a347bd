"""The demo's mail filtering: a SpamExperts provider on the simulator serves the demo's mail
filtering product, so ordering it in the demo goes through the API flow end to end."""

from __future__ import annotations

import pytest

from hostwerk.catalog.models import Product
from hostwerk.clients.models import Client
from hostwerk.core.audit import Actor
from hostwerk.demo.setup import CLIENT_EMAIL, DEMO_HOSTING_DOMAIN, load_demo_data
from hostwerk.mail.filtering import mail_filters_progress
from hostwerk.mail.models import MailFilter, MailFilterProvider, MailFilterStatus
from hostwerk.mail.queries import provider_for_product
from hostwerk.orders.acceptance import order_accept
from hostwerk.orders.actions import order_place
from hostwerk.orders.items import ItemRequest
from hostwerk.provisioning.zones import zone_ensure

pytestmark = pytest.mark.django_db


def test_the_demo_mail_filter_product_requests_at_the_spamexperts_simulator(
    spamexperts_sandbox, monkeypatch
):
    monkeypatch.setenv("HOSTWERK_DEMO_SPAMEXPERTS_PORT", str(spamexperts_sandbox.port))
    load_demo_data()
    load_demo_data()  # a second start changes nothing

    product = Product.objects.get(module_settings__demo_key="mail_filter")
    provider = provider_for_product(product=product)
    assert provider == MailFilterProvider.objects.get()
    assert (provider.name, provider.mode, provider.username) == ("SpamExperts", "api", "admin")
    assert provider.api_url == f"http://127.0.0.1:{spamexperts_sandbox.port}"

    system = Actor.system(via="command")
    client = Client.objects.get(email=CLIENT_EMAIL)
    zone_ensure(actor=system, domain=DEMO_HOSTING_DOMAIN, client=client)
    order = order_place(
        actor=system,
        client=client,
        channel="staff",
        items=[
            ItemRequest(product_id=product.pk, domain=DEMO_HOSTING_DOMAIN, domain_choice="existing")
        ],
        generate_invoice=False,
        send_confirmation=False,
        send_invoice_email=False,
    )
    order_accept(actor=system, order=order)
    assert DEMO_HOSTING_DOMAIN in spamexperts_sandbox.state.domains
    mail_filters_progress(actor=system)
    assert MailFilter.objects.get().status == MailFilterStatus.ACTIVE
