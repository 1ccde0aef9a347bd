"""Availability at the registrar while ordering: in the cart, in staff order entry and the API;
taken names refused, unregistered transfers refused, an unreachable registrar never blocks."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hostwerk.catalog.models import Tld
from hostwerk.core.domain_names import parse_domain_name
from hostwerk.domains.availability import domain_availability
from hostwerk.orders.items import ItemRequest, OrderInvalid, items_price
from hostwerk.orders.models import Order

pytestmark = pytest.mark.django_db


def errors_of(*requests):
    with pytest.raises(OrderInvalid) as invalid:
        items_price(requests=list(requests), allow_price_override=True)
    return invalid.value.items


def test_a_free_name_is_priced_for_the_chosen_years(registry):
    [item] = items_price(
        requests=[ItemRequest(domain_action="register", domain="vrij.com", years=3)],
        allow_price_override=True,
    )
    assert (item.domain, item.years, str(item.price)) == ("vrij.com", 3, "29.85")


def test_a_taken_name_is_refused_with_the_advice_to_transfer(registry):
    registry.seed_domain("bezet.nl")
    assert errors_of(ItemRequest(domain_action="register", domain="bezet.nl")) == {
        0: {"domain": "bezet.nl is already registered; if it is yours, transfer it to us instead."}
    }


def test_a_taken_name_with_hosting_is_refused_beside_the_domain(registry, hosting):
    registry.seed_domain("bezet.nl")
    errors = errors_of(
        ItemRequest(product_id=hosting.pk, domain="bezet.nl", domain_choice="register")
    )
    assert errors[0]["domain"].startswith("bezet.nl is already registered")


def test_a_reserved_name_gives_the_registrys_reason(registry):
    assert errors_of(ItemRequest(domain_action="register", domain="nic.nl")) == {
        0: {"domain": "nic.nl cannot be registered: Reserved by the registry."}
    }


def test_transfer_of_a_name_nobody_registered_is_refused(registry):
    errors = errors_of(
        ItemRequest(domain_action="transfer", domain="niemand.com", auth_code="Xy-123456")
    )
    assert errors == {
        0: {
            "domain": "niemand.com is not registered, so it cannot be transferred; register it instead."
        }
    }


def test_transfer_of_a_registered_name_is_taken(registry):
    registry.seed_domain("verhuis.com")
    [item] = items_price(
        requests=[
            ItemRequest(domain_action="transfer", domain="verhuis.com", auth_code="Xy-123456")
        ],
        allow_price_override=True,
    )
    assert item.kind == "domain_transfer"


def test_an_unreachable_registrar_does_not_block_the_order(registry, staff_user, client_a):
    from hostwerk.core.audit import Actor
    from hostwerk.orders.actions import order_place

    registry.registrar.port = 9
    registry.registrar.save()
    order = order_place(
        actor=Actor.for_user(staff_user),
        client=client_a,
        channel="staff",
        items=[ItemRequest(domain_action="register", domain="misschien.nl")],
        generate_invoice=False,
        send_confirmation=False,
        send_invoice_email=False,
    )
    assert order.items.get().domain == "misschien.nl"


def test_idn_is_checked_as_a_label_shown_in_unicode_and_stored_as_a_label(registry):
    registry.seed_domain("xn--bcher-kva.nl")
    errors = errors_of(ItemRequest(domain_action="register", domain="BÜCHER.nl"))
    assert errors[0]["domain"].startswith("bücher.nl is already registered")

    [item] = items_price(
        requests=[ItemRequest(domain_action="register", domain="Bäckerei.de")],
        allow_price_override=True,
    )
    assert (item.domain, item.domain_unicode) == ("xn--bckerei-5wa.de", "bäckerei.de")
    from hostwerk.domains.models import EppLogEntry

    assert EppLogEntry.objects.filter(
        command="domain:check", object_name="xn--bckerei-5wa.de"
    ).exists()


def test_answers_are_cached_briefly_so_repricing_does_not_ask_again(registry):
    tld = Tld.objects.get(name="nl")
    name = parse_domain_name("eenmaal.nl")
    assert domain_availability(name=name, tld=tld).available is True
    with registry.no_commands():
        assert domain_availability(name=name, tld=tld).available is True
        items_price(
            requests=[ItemRequest(domain_action="register", domain="eenmaal.nl")],
            allow_price_override=True,
        )


def test_after_we_register_a_name_the_cached_free_answer_is_dropped(
    registry, owner, forwarding_server, staff_actor
):
    from hostwerk.domains.registration import domain_register
    from tests.domains.factories import DomainFactory

    tld = Tld.objects.get(name="com")
    name = parse_domain_name("snel.com")
    assert domain_availability(name=name, tld=tld).available is True
    domain = DomainFactory(
        name="snel.com",
        client=owner,
        tld=tld,
        registrar=registry.registrar,
        status="pending",
        expires_at=None,
    )
    domain_register(actor=staff_actor, domain=domain)
    assert domain_availability(name=name, tld=tld).available is False


def test_cart_refuses_a_taken_name_beside_the_field_and_keeps_it(registry, client_a_web):
    registry.seed_domain("bezet.com")
    response = client_a_web.post(
        reverse("portal:cart_add"),
        {"domain-what": "register", "domain-domain": "bezet.com", "domain-years": "1"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "bezet.com is already registered; if it is yours, transfer it to us instead." in html
    assert 'value="bezet.com"' in html


def test_cart_takes_a_free_name_and_shows_its_price(registry, client_a_web):
    response = client_a_web.post(
        reverse("portal:cart_add"),
        {"domain-what": "register", "domain-domain": "vrij.com", "domain-years": "2"},
    )
    assert response.status_code == 302
    cart = client_a_web.get(reverse("portal:cart"))
    [item] = cart.context["priced"]
    assert (item.domain, item.years, str(item.price)) == ("vrij.com", 2, "19.90")
    assert "19.90" in cart.content.decode()
    client_a_web.post(reverse("portal:checkout"))
    assert Order.objects.get().items.get().domain == "vrij.com"


def test_api_order_for_a_taken_name_is_a_422_on_the_domain(registry, staff_api, client_a):
    registry.seed_domain("bezet.com")
    response = staff_api.post(
        "/orders",
        {"client_id": client_a.pk, "items": [{"domain": "bezet.com", "action": "register"}]},
    )
    assert response.status_code == 422
    [detail] = response.json()["detail"]
    assert detail["loc"][-1] == "domain"
    assert detail["msg"].startswith("bezet.com is already registered")
