"""What may be ordered (R2, R11): validation and pricing shared by every channel."""

from decimal import Decimal

import pytest

from hostwerk.orders.items import ItemRequest, OrderInvalid, items_price


def price(*requests, staff=False):
    return items_price(requests=list(requests), allow_price_override=staff)


def errors_of(*requests, staff=False):
    with pytest.raises(OrderInvalid) as caught:
        price(*requests, staff=staff)
    return caught.value


@pytest.mark.django_db
def test_r2_cycle_defaults_to_the_products_default_cycle_not_the_shortest(hosting, tlds):
    [item] = price(
        ItemRequest(product_id=hosting.pk, domain="example.nl", domain_choice="external")
    )
    assert item.billing_cycle == "annually"
    assert item.price == Decimal("75.00")


@pytest.mark.django_db
def test_r2_cycle_without_a_price_is_refused_naming_product_and_cycles(hosting, tlds):
    invalid = errors_of(
        ItemRequest(product_id=hosting.pk, domain="example.nl", billing_cycle="quarterly")
    )
    assert invalid.items[0]["billing_cycle"] == (
        "“Web hosting Basic” has no price for quarterly; choose one of: monthly, annually."
    )


@pytest.mark.django_db
def test_hosting_with_a_new_domain_adds_a_linked_registration(hosting, tlds):
    items = price(
        ItemRequest(product_id=hosting.pk, domain="Bakkerij.NL", domain_choice="register")
    )
    assert [i.kind for i in items] == ["hosting", "domain_register"]
    assert items[0].domain == items[1].domain == "bakkerij.nl"
    assert items[1].linked_to == 0
    assert items[1].years == 1


@pytest.mark.django_db
def test_transfer_needs_the_auth_code(hosting, tlds):
    invalid = errors_of(ItemRequest(domain_action="transfer", domain="example.com"))
    assert "auth code" in invalid.items[0]["auth_code"]


@pytest.mark.django_db
def test_domain_years_out_of_range_are_refused(tlds):
    invalid = errors_of(ItemRequest(domain_action="register", domain="example.nl", years=2))
    assert invalid.items[0]["years"] == ".nl domains are registered for 1 to 1 years."


@pytest.mark.django_db
def test_domain_under_an_unsold_tld_is_refused(tlds):
    invalid = errors_of(ItemRequest(domain_action="register", domain="example.org"))
    assert invalid.items[0]["domain"].startswith("We do not sell .org domains; we sell ")


@pytest.mark.django_db
def test_malformed_domain_is_refused_beside_the_domain(hosting, tlds):
    invalid = errors_of(
        ItemRequest(product_id=hosting.pk, domain="bak kerij.nl", domain_choice="external")
    )
    assert invalid.items[0] == {"domain": "A domain name cannot contain spaces."}


@pytest.mark.django_db
def test_idn_domain_is_stored_as_a_label(tlds):
    [item] = price(ItemRequest(domain_action="register", domain="bäckerei.de"))
    assert item.domain == "xn--bckerei-5wa.de"
    assert item.domain_unicode == "bäckerei.de"


@pytest.mark.django_db
def test_unknown_or_inactive_product_is_refused(hosting):
    hosting.active = False
    hosting.save()
    invalid = errors_of(
        ItemRequest(product_id=hosting.pk, domain="example.nl"), ItemRequest(product_id=999999)
    )
    assert invalid.items[0] == {"product_id": "Choose a product from the catalogue."}
    assert invalid.items[1] == {"product_id": "Choose a product from the catalogue."}


@pytest.mark.django_db
def test_forwarding_needs_a_web_address(forwarding, tlds):
    invalid = errors_of(
        ItemRequest(product_id=forwarding.pk, domain="example.nl", forwarding_url="example")
    )
    assert "web address" in invalid.items[0]["forwarding_url"]


@pytest.mark.django_db
def test_price_override_is_for_staff_only(hosting, tlds):
    request = ItemRequest(product_id=hosting.pk, domain="example.nl", price="50")
    invalid = errors_of(request)
    assert invalid.items[0] == {"price": "Only staff can set a different price."}
    [item] = price(request, staff=True)
    assert (item.price, item.list_price, item.price_overridden) == (
        Decimal("50.00"),
        Decimal("75.00"),
        True,
    )


@pytest.mark.django_db
def test_the_same_domain_twice_in_one_order_is_refused(tlds):
    invalid = errors_of(
        ItemRequest(domain_action="register", domain="example.com"),
        ItemRequest(domain_action="register", domain="EXAMPLE.com"),
    )
    assert invalid.items == {1: {"domain": "example.com is already in this order."}}


@pytest.mark.django_db
def test_every_problem_is_reported_at_once(hosting, tlds):
    invalid = errors_of(
        ItemRequest(product_id=hosting.pk, domain="", billing_cycle="quarterly"),
        ItemRequest(domain_action="register", domain="x..nl"),
    )
    assert set(invalid.items) == {0, 1}


@pytest.mark.django_db
def test_an_empty_order_is_refused():
    assert errors_of().general == ["An order needs at least one item."]


@pytest.mark.django_db
def test_a_domain_the_client_already_has_here_must_be_one_of_theirs(
    hosting, tlds, client_a, client_b
):
    from tests.domains.factories import DomainFactory

    DomainFactory(client=client_b, name="bram.nl")
    DomainFactory(client=client_a, name="anna.nl")
    request = ItemRequest(product_id=hosting.pk, domain="bram.nl", domain_choice="existing")
    with pytest.raises(OrderInvalid) as caught:
        items_price(requests=[request], allow_price_override=False, client=client_a)
    assert "not one of the domains we hold for you" in caught.value.items[0]["domain"]
    [item] = items_price(
        requests=[ItemRequest(product_id=hosting.pk, domain="anna.nl", domain_choice="existing")],
        allow_price_override=False,
        client=client_a,
    )
    assert item.domain == "anna.nl"
