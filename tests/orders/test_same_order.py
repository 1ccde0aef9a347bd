"""Items of the same order or cart count as the client's: hosting or mail filtering for a domain
that the order registers or transfers may choose "a domain I already have here"; refusals speak
to whoever reads them (the client, or staff entering the order)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hostwerk.core.audit import Actor
from hostwerk.orders.actions import order_place
from hostwerk.orders.cart import cart_items
from hostwerk.orders.items import ItemRequest, OrderInvalid, items_price
from hostwerk.orders.models import Order

pytestmark = pytest.mark.django_db


def existing(product, domain):
    return ItemRequest(product_id=product.pk, domain=domain, domain_choice="existing")


def test_mail_filtering_for_a_domain_registered_in_the_same_order_is_accepted(
    mail_filter, tlds, client_a
):
    priced = items_price(
        requests=[
            ItemRequest(domain_action="register", domain="nieuw.nl"),
            existing(mail_filter, "nieuw.nl"),
        ],
        allow_price_override=False,
        client=client_a,
    )
    assert [(item.kind, item.domain) for item in priced] == [
        ("domain_register", "nieuw.nl"),
        ("mail_filter", "nieuw.nl"),
    ]


def test_hosting_for_a_domain_transferred_in_the_same_order_is_accepted_from_staff(
    hosting, tlds, client_a, staff_user
):
    order = order_place(
        actor=Actor.for_user(staff_user),
        client=client_a,
        channel="staff",
        items=[
            existing(hosting, "VERHUIS.nl"),
            ItemRequest(domain_action="transfer", domain="verhuis.nl", auth_code="Xy-123456"),
        ],
        generate_invoice=False,
        send_confirmation=False,
        send_invoice_email=False,
    )
    assert [(i.kind, i.domain, i.domain_choice) for i in order.items.order_by("position")] == [
        ("hosting", "verhuis.nl", "existing"),
        ("domain_transfer", "verhuis.nl", ""),
    ]


def test_a_domain_registered_with_other_hosting_in_the_order_counts_too(
    hosting, mail_filter, tlds, client_a
):
    priced = items_price(
        requests=[
            ItemRequest(product_id=hosting.pk, domain="winkel.nl", domain_choice="register"),
            existing(mail_filter, "winkel.nl"),
        ],
        allow_price_override=False,
        client=client_a,
    )
    assert [item.kind for item in priced] == ["hosting", "domain_register", "mail_filter"]


def test_a_domain_neither_held_nor_in_the_order_is_refused_in_the_clients_words(
    mail_filter, tlds, client_a
):
    with pytest.raises(OrderInvalid) as caught:
        items_price(
            requests=[
                ItemRequest(domain_action="register", domain="ander.nl"),
                existing(mail_filter, "elders.nl"),
            ],
            allow_price_override=False,
            client=client_a,
        )
    assert caught.value.items == {
        1: {
            "domain": "elders.nl is not one of the domains we hold for you, nor in this order; "
            "choose “a domain registered elsewhere”, or register or transfer it."
        }
    }


def test_staff_read_the_refusal_about_the_client(mail_filter, tlds, client_a, staff_user):
    with pytest.raises(OrderInvalid) as caught:
        order_place(
            actor=Actor.for_user(staff_user),
            client=client_a,
            channel="staff",
            items=[existing(mail_filter, "elders.nl")],
        )
    assert caught.value.items[0]["domain"] == (
        "elders.nl is not one of the client's domains here, nor registered or transferred in this "
        "order; choose “a domain registered elsewhere”, or add its registration or transfer to "
        "the order."
    )
    assert not Order.objects.exists()


def test_a_client_token_on_the_api_reads_the_clients_words(
    mail_filter, tlds, client_a, client_a_api
):
    response = client_a_api.post(
        "/orders",
        {
            "client_id": client_a.pk,
            "items": [
                {"product_id": mail_filter.pk, "domain": "elders.nl", "domain_choice": "existing"}
            ],
        },
    )
    assert response.status_code == 422
    assert "not one of the domains we hold for you" in response.json()["detail"][0]["msg"]


def test_the_cart_takes_filtering_for_a_domain_registered_earlier_in_the_cart(
    mail_filter, tlds, client_a_web, client_a
):
    client_a_web.post(
        reverse("portal:cart_add"),
        {"domain-what": "register", "domain-domain": "nieuw.nl", "domain-years": "1"},
    )
    prefix = f"product{mail_filter.pk}"
    response = client_a_web.post(
        reverse("portal:cart_add"),
        {
            "product": mail_filter.pk,
            f"{prefix}-what": mail_filter.pk,
            f"{prefix}-billing_cycle": "annually",
            f"{prefix}-domain_choice": "existing",
            f"{prefix}-domain": "nieuw.nl",
            f"{prefix}-years": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert [item.domain for item in cart_items(client_a_web.session, client_a.pk)] == [
        "nieuw.nl",
        "nieuw.nl",
    ]
    client_a_web.post(reverse("portal:checkout"))
    order = Order.objects.get()
    assert [i.kind for i in order.items.order_by("position")] == ["domain_register", "mail_filter"]


def test_the_cart_refuses_filtering_for_a_domain_that_is_nowhere_and_keeps_the_input(
    mail_filter, tlds, client_a_web
):
    prefix = f"product{mail_filter.pk}"
    response = client_a_web.post(
        reverse("portal:cart_add"),
        {
            "product": mail_filter.pk,
            f"{prefix}-what": mail_filter.pk,
            f"{prefix}-billing_cycle": "annually",
            f"{prefix}-domain_choice": "existing",
            f"{prefix}-domain": "nergens.nl",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "nergens.nl is not one of the domains we hold for you, nor in this order" in html
    assert 'value="nergens.nl"' in html


def test_staff_order_entry_takes_the_same_order_domain_and_words_refusals_for_staff(
    mail_filter, tlds, staff_web, client_a
):
    def entry(domain_rows):
        data = {
            "client": client_a.pk,
            "generate_invoice": "on",
            "send_confirmation": "on",
            "items-TOTAL_FORMS": str(len(domain_rows)),
            "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "1",
            "items-MAX_NUM_FORMS": "1000",
        }
        for index, row in enumerate(domain_rows):
            data.update({f"items-{index}-{name}": value for name, value in row.items()})
        return staff_web.post(reverse("staff:order_entry"), data)

    refused = entry(
        [{"what": str(mail_filter.pk), "domain_choice": "existing", "domain": "elders.nl"}]
    )
    assert refused.status_code == 422
    html = refused.content.decode()
    assert "elders.nl is not one of the client&#x27;s domains here" in html
    assert "a domain the client already has here" in html
    assert "a domain I already have here" not in html

    placed = entry(
        [
            {"what": "register", "domain": "nieuw.nl", "years": "1"},
            {"what": str(mail_filter.pk), "domain_choice": "existing", "domain": "nieuw.nl"},
        ]
    )
    assert placed.status_code == 302, placed.content.decode()[:2000]
    order = Order.objects.get()
    assert [i.kind for i in order.items.order_by("position")] == ["domain_register", "mail_filter"]
    detail = staff_web.get(reverse("staff:order_detail", args=[order.pk])).content.decode()
    assert "a domain the client already has here" in detail
