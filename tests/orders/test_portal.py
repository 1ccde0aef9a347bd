"""R1 a and b: ordering in the client area, by the client or by staff logged in as the client."""

import pytest
from django.urls import reverse

from hostwerk.core.models import AuditEvent
from hostwerk.orders.models import Order


def add_hosting(web, product, **fields):
    prefix = f"product{product.pk}"
    data = {
        "product": product.pk,
        f"{prefix}-what": product.pk,
        f"{prefix}-billing_cycle": fields.get("billing_cycle", product.default_billing_cycle),
        f"{prefix}-domain_choice": fields.get("domain_choice", "register"),
        f"{prefix}-domain": fields.get("domain", "bakkerij.nl"),
        f"{prefix}-years": fields.get("years", ""),
        f"{prefix}-auth_code": fields.get("auth_code", ""),
        f"{prefix}-forwarding_url": fields.get("forwarding_url", ""),
    }
    return web.post(reverse("portal:cart_add"), data)


@pytest.mark.django_db
def test_r1a_client_orders_hosting_with_a_new_domain(
    client_a_web, client_a, client_a_user, hosting, tlds
):
    response = add_hosting(client_a_web, hosting)
    assert response["Location"] == reverse("portal:cart")
    cart = client_a_web.get(reverse("portal:cart"))
    assert [item.kind for item in cart.context["priced"]] == ["hosting", "domain_register"]
    response = client_a_web.post(reverse("portal:checkout"))
    order = Order.objects.get()
    assert response["Location"] == reverse("portal:order_detail", args=[order.pk])
    assert (order.client, order.channel, order.placed_by, order.status) == (
        client_a,
        "client_area",
        client_a_user,
        "pending",
    )
    assert [(i.kind, i.billing_cycle) for i in order.items.all()] == [
        ("hosting", "annually"),
        ("domain_register", ""),
    ]
    assert client_a_web.get(reverse("portal:cart")).context["requests"] == []


@pytest.mark.django_db
def test_r1b_staff_as_client_orders_with_the_same_screens_and_is_recorded(
    staff_web, staff_user, client_a, hosting, tlds
):
    staff_web.post(reverse("staff:client_impersonate", args=[client_a.pk]))
    add_hosting(staff_web, hosting, domain_choice="external", domain="bakkerij.nl")
    staff_web.post(reverse("portal:checkout"))
    order = Order.objects.get()
    assert (order.client, order.channel, order.placed_by) == (client_a, "impersonation", staff_user)
    event = AuditEvent.objects.get(action="order.place")
    assert (event.actor, event.actor_kind, event.as_client) == (
        staff_user,
        "staff_as_client",
        client_a,
    )


@pytest.mark.django_db
def test_cart_is_per_client_so_impersonation_does_not_mix_carts(
    staff_web, client_a, client_b, hosting, tlds
):
    staff_web.post(reverse("staff:client_impersonate", args=[client_a.pk]))
    add_hosting(staff_web, hosting, domain_choice="external")
    staff_web.post(reverse("portal:stop_impersonating"))
    staff_web.post(reverse("staff:client_impersonate", args=[client_b.pk]))
    assert staff_web.get(reverse("portal:cart")).context["requests"] == []


@pytest.mark.django_db
def test_bad_cart_input_is_refused_beside_the_field_and_keeps_what_was_typed(
    client_a_web, hosting, tlds
):
    response = add_hosting(client_a_web, hosting, domain="bakkerij.org", billing_cycle="annually")
    assert response.status_code == 422
    form = next(f for f in response.context["product_forms"] if f.product == hosting)
    assert form.errors["domain"][0].startswith("We do not sell .org domains")
    assert 'value="bakkerij.org"' in response.content.decode()
    assert client_a_web.get(reverse("portal:cart")).context["requests"] == []


@pytest.mark.django_db
def test_catalogue_shows_cycles_with_their_prices_and_the_default_selected(
    client_a_web, hosting, tlds
):
    html = client_a_web.get(reverse("portal:catalogue")).content.decode()
    assert "annually — €\u00a075.00" in html
    assert '<option value="annually" selected>annually — €\u00a075.00</option>' in html


@pytest.mark.django_db
def test_domain_only_order_in_the_cart(client_a_web, tlds):
    client_a_web.post(
        reverse("portal:cart_add"),
        {
            "domain-what": "transfer",
            "domain-domain": "oud.com",
            "domain-years": "1",
            "domain-auth_code": "Xy12-ab",
        },
    )
    client_a_web.post(reverse("portal:checkout"))
    item = Order.objects.get().items.get()
    assert (item.kind, item.domain, item.auth_code) == ("domain_transfer", "oud.com", "Xy12-ab")


@pytest.mark.django_db
def test_client_sees_own_orders_only(client_a_web, client_b_web, hosting, tlds):
    add_hosting(client_a_web, hosting, domain_choice="external")
    client_a_web.post(reverse("portal:checkout"))
    order = Order.objects.get()
    assert client_b_web.get(reverse("portal:order_detail", args=[order.pk])).status_code == 404
    assert client_b_web.get(reverse("portal:order_list")).context["page_obj"].paginator.count == 0
    assert client_a_web.get(reverse("portal:order_list")).context["page_obj"].paginator.count == 1


@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.django_db
def test_client_order_list_query_count_is_constant(
    client_a_web, client_a, rows, django_assert_num_queries
):
    from tests.orders.factories import OrderFactory

    OrderFactory.create_batch(rows, client=client_a)
    with django_assert_num_queries(5):  # session, user, client, count, page
        client_a_web.get(reverse("portal:order_list"))


@pytest.mark.django_db
def test_the_cart_shows_the_vat_and_the_total_the_invoice_will_ask(
    client_a_web, client_a, hosting, tlds
):
    """The cart showed only the total excluding VAT; the invoice that followed asked more."""
    from decimal import Decimal

    from hostwerk.billing.models import Invoice
    from hostwerk.core.money import format_money

    add_hosting(client_a_web, hosting)
    cart = client_a_web.get(reverse("portal:cart"))
    vat = cart.context["vat"]
    assert vat.rate == Decimal("21.00")  # a Dutch consumer
    net = cart.context["total"]
    assert vat.total == net + vat.vat
    html = cart.content.decode()
    assert f'id="cart-total-incl">{format_money(vat.total)}<' in html
    client_a_web.post(reverse("portal:checkout"))
    assert Invoice.objects.get().total == vat.total
