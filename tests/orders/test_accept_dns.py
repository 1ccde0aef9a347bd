"""R6 and R7 end to end: accepting hosting publishes its zone, and the real PowerDNS answers
with the hosting server's addresses; a record edited by hand keeps its value."""

import pytest

from hostwerk.core.audit import Actor
from hostwerk.dns.actions import record_update
from hostwerk.dns.models import Zone
from hostwerk.orders.acceptance import order_accept
from hostwerk.orders.actions import order_place
from hostwerk.orders.items import ItemRequest
from tests.support.powerdns import dns_answer, powerdns_client, powerdns_server  # noqa: F401
from tests.support.tasks import run_queued_tasks


@pytest.fixture
def publishing(settings, powerdns_server, powerdns_client):  # noqa: F811
    settings.HOSTWERK_DNS_PUBLISHER = "powerdns"
    settings.HOSTWERK_POWERDNS_API_URL = powerdns_server.api_url
    settings.HOSTWERK_POWERDNS_API_KEY = powerdns_server.api_key
    return powerdns_server


def accept_hosting(staff_user, client, product, domain, server):
    actor = Actor.for_user(staff_user)
    order = order_place(
        actor=actor,
        client=client,
        channel="staff",
        items=[ItemRequest(product_id=product.pk, domain=domain, domain_choice="external")],
        generate_invoice=False,
        send_confirmation=False,
        send_invoice_email=False,
    )
    order_accept(
        actor=actor, order=order, overrides={order.items.get().pk: {"server_id": server.pk}}
    )
    run_queued_tasks()


@pytest.mark.django_db
def test_r7_hosting_on_plesk2_answers_plesk2s_addresses_from_powerdns(
    staff_user, client_a, catalogue, plesk_servers, publishing
):
    accept_hosting(
        staff_user, client_a, catalogue["hosting"], "anna.nl", plesk_servers.servers["plesk2"]
    )
    assert Zone.objects.get(name="anna.nl").status == "published"
    assert dns_answer(publishing, "anna.nl.", "A") == ("NOERROR", ["192.0.2.21"])
    assert dns_answer(publishing, "www.anna.nl.", "A") == ("NOERROR", ["192.0.2.21"])
    assert dns_answer(publishing, "mn-mx1.anna.nl.", "A") == ("NOERROR", ["192.0.2.22"])
    assert dns_answer(publishing, "anna.nl.", "MX") == ("NOERROR", ["10 mn-mx1.anna.nl."])


@pytest.mark.django_db
def test_r7_a_record_edited_by_hand_survives_the_move_to_another_server(
    staff_user, client_a, catalogue, plesk_servers, publishing
):
    from hostwerk.provisioning.zones import zone_ensure

    actor = Actor.for_user(staff_user)
    zone = zone_ensure(actor=actor, domain="anna.nl", client=client_a)
    www = zone.records.get(name="www", type="A")
    record_update(actor=actor, record=www, name="www", type="A", content="198.51.100.7")
    accept_hosting(
        staff_user, client_a, catalogue["hosting"], "anna.nl", plesk_servers.servers["plesk2"]
    )
    assert dns_answer(publishing, "anna.nl.", "A") == ("NOERROR", ["192.0.2.21"])
    assert dns_answer(publishing, "www.anna.nl.", "A") == ("NOERROR", ["198.51.100.7"])
