"""R7 for TLDs whose registry checks DNS (.de): the zone is published to the real PowerDNS
before the registration, and the simulated DENIC asks that PowerDNS."""

from __future__ import annotations

import idna
import pytest

from hostwerk.core.audit import Actor
from hostwerk.dns.models import Zone
from hostwerk.domains.models import Domain, DomainStatus, EppLogEntry
from hostwerk.orders.acceptance import order_accept
from hostwerk.orders.actions import order_place
from hostwerk.orders.items import ItemRequest
from hostwerk.orders.models import Order
from tests.support.powerdns import dns_answer

pytestmark = [pytest.mark.django_db, pytest.mark.pdns]


@pytest.fixture
def denic(registry, powerdns_server):
    """The registry's name-server check asks the session's PowerDNS."""
    registry.state.resolver = (powerdns_server.dns_host, powerdns_server.dns_port)
    registry.state.dns_timeout = 2.0
    return registry


def order_for(staff_user, client, name):
    return order_place(
        actor=Actor.for_user(staff_user),
        client=client,
        channel="staff",
        items=[ItemRequest(domain_action="register", domain=name)],
        generate_invoice=False,
        send_confirmation=False,
        send_invoice_email=False,
    )


def test_de_zone_is_published_to_powerdns_before_the_registration(
    staff_user, owner, denic, forwarding_server, powerdns_publishing, powerdns_server
):
    order = order_for(staff_user, owner, "bäckerei-aalbers.de")
    a_label = idna.encode("bäckerei-aalbers.de").decode()

    [item] = order_accept(actor=Actor.for_user(staff_user), order=order).items

    assert item.status == "accepted", item.error
    assert denic.domain_names() == [a_label]
    assert dns_answer(powerdns_server, a_label, "NS") == (
        "NOERROR",
        ["ns1.hostwerk.test.", "ns2.hostwerk.test."],
    )
    domain = Domain.objects.get(name=a_label)
    assert domain.status == DomainStatus.ACTIVE
    zone = Zone.objects.get(name=domain.name)
    assert zone.published_at < domain.registered_at
    create = EppLogEntry.objects.get(command="domain:create")
    assert create.result_code == 1000 and create.domain == domain


def test_de_registration_without_the_zone_on_the_name_servers_fails_with_the_registrys_reason(
    staff_user, owner, denic, forwarding_server, settings, powerdns_publishing
):
    # Zones kept in the database only: the name servers the registry asks do not have it.
    settings.HOSTWERK_DNS_PUBLISHER = "none"
    order = order_for(staff_user, owner, "kapot.de")

    [item] = order_accept(actor=Actor.for_user(staff_user), order=order).items

    assert item.status == "failed"
    assert item.error.startswith(
        "The registry's name-server check for kapot.de failed: Nameserver check for kapot.de failed:"
    )
    assert "REFUSED" in item.error
    assert item.error_field == f"/staff/dns/{Zone.objects.get(name='kapot.de').pk}/"
    assert denic.domain_names() == []
    assert Domain.objects.get(name="kapot.de").status == DomainStatus.PENDING

    # Published to PowerDNS after all, the same order goes through.
    settings.HOSTWERK_DNS_PUBLISHER = "powerdns"
    [item] = order_accept(
        actor=Actor.for_user(staff_user), order=Order.objects.get(pk=order.pk)
    ).items
    assert item.status == "accepted", item.error
    assert denic.domain_names() == ["kapot.de"]


def test_de_zone_that_cannot_be_published_stops_before_the_registry(
    staff_user, owner, denic, forwarding_server, settings
):
    settings.HOSTWERK_DNS_PUBLISHER = "powerdns"
    settings.HOSTWERK_POWERDNS_API_URL = "http://127.0.0.1:9"
    settings.HOSTWERK_POWERDNS_API_KEY = "unused"
    order = order_for(staff_user, owner, "onbereikbaar.de")

    with denic.no_commands():
        [item] = order_accept(actor=Actor.for_user(staff_user), order=order).items

    assert item.status == "failed"
    assert item.error.startswith(
        "The zone of onbereikbaar.de must be published before the registration, because the registry checks the name servers"
    )
