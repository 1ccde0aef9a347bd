"""R1 c and R2 in the staff area: order entry with options, live price per item, order list."""

import pytest
from django.urls import reverse

from hostwerk.core.models import AuditEvent
from hostwerk.orders.models import Order
from tests.orders.factories import OrderFactory, OrderItemFactory


def entry_data(client, *items, **options):
    data = {
        "client": client.pk if client else "",
        "items-TOTAL_FORMS": len(items),
        "items-INITIAL_FORMS": 0,
        "items-MIN_NUM_FORMS": 1,
        "items-MAX_NUM_FORMS": 1000,
        "generate_invoice": "on",
        "send_confirmation": "on",
        "send_invoice_email": "on",
    }
    data.update(options)
    for index, item in enumerate(items):
        for key, value in item.items():
            data[f"items-{index}-{key}"] = value
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.django_db
def test_r1c_staff_enter_an_order_with_cycle_override_and_years(
    staff_web, staff_user, client_a, hosting, tlds
):
    response = staff_web.post(
        reverse("staff:order_entry"),
        entry_data(
            client_a,
            {
                "what": hosting.pk,
                "domain": "bakkerij.nl",
                "domain_choice": "external",
                "billing_cycle": "monthly",
                "price": "6.00",
            },
            {"what": "register", "domain": "bakkerij.com", "years": "3"},
        ),
    )
    order = Order.objects.get()
    assert response["Location"] == reverse("staff:order_detail", args=[order.pk])
    assert (order.status, order.channel, order.placed_by) == ("pending", "staff", staff_user)
    hosting_item, domain_item = order.items.all()
    assert (hosting_item.billing_cycle, str(hosting_item.price), hosting_item.price_overridden) == (
        "monthly",
        "6.00",
        True,
    )
    assert (domain_item.kind, domain_item.years) == ("domain_register", 3)
    assert (
        AuditEvent.objects.filter(action="order_item.price_override", actor=staff_user).count() == 1
    )


@pytest.mark.django_db
def test_r1c_entry_form_has_no_status_field_and_all_options_on(staff_web, client_a):
    response = staff_web.get(reverse("staff:order_entry"), {"client": client_a.pk})
    options = response.context["options"]
    assert "status" not in options.fields
    assert all(
        options[name].value()
        for name in ("generate_invoice", "send_confirmation", "send_invoice_email")
    )
    assert client_a.display_name in response.content.decode()


@pytest.mark.django_db
def test_r2_entry_row_shows_default_cycle_and_price_when_the_product_is_chosen(
    staff_web, hosting, tlds
):
    response = staff_web.post(
        reverse("staff:order_entry_row"),
        {
            "row_index": "0",
            "items-0-what": hosting.pk,
            "items-0-previous_what": "",
            "items-0-billing_cycle": "monthly",
            "items-0-domain": "a.nl",
            "items-0-domain_choice": "external",
        },
    )
    form = response.context["form"]
    assert form["billing_cycle"].value() == "annually"
    assert "€\u00a075.00" in response.content.decode()


@pytest.mark.django_db
def test_r2_entry_row_reprices_when_the_cycle_changes(staff_web, hosting, tlds):
    response = staff_web.post(
        reverse("staff:order_entry_row"),
        {
            "row_index": "0",
            "items-0-what": hosting.pk,
            "items-0-previous_what": hosting.pk,
            "items-0-billing_cycle": "monthly",
            "items-0-domain": "a.nl",
            "items-0-domain_choice": "external",
        },
    )
    assert "€\u00a07.50" in response.content.decode()


@pytest.mark.django_db
def test_r2_cycle_without_price_is_refused_in_the_entry_form(staff_web, client_a, hosting, tlds):
    response = staff_web.post(
        reverse("staff:order_entry"),
        entry_data(
            client_a,
            {
                "what": hosting.pk,
                "domain": "a.nl",
                "domain_choice": "external",
                "billing_cycle": "quarterly",
            },
        ),
    )
    assert response.status_code == 422
    form = response.context["formset"].forms[0]
    assert form.errors["billing_cycle"] == [
        "“Web hosting Basic” has no price for quarterly; choose one of: monthly, annually."
    ]
    assert Order.objects.count() == 0


@pytest.mark.django_db
def test_entry_without_client_says_choose_the_client_and_keeps_items(staff_web, hosting, tlds):
    response = staff_web.post(
        reverse("staff:order_entry"),
        entry_data(None, {"what": hosting.pk, "domain": "kept.nl", "domain_choice": "external"}),
    )
    assert response.status_code == 422
    assert response.context["options"].errors["client"] == ["Choose the client this order is for."]
    assert 'value="kept.nl"' in response.content.decode()


@pytest.mark.django_db
def test_entry_invoice_email_without_invoice_is_refused(staff_web, client_a, hosting, tlds):
    response = staff_web.post(
        reverse("staff:order_entry"),
        entry_data(
            client_a,
            {"what": hosting.pk, "domain": "a.nl", "domain_choice": "external"},
            generate_invoice=None,
        ),
    )
    assert response.status_code == 422
    assert "needs an invoice" in response.context["options"].errors["send_invoice_email"][0]


@pytest.mark.django_db
def test_order_list_filters_by_status_channel_and_client(staff_web, client_a, client_b):
    OrderFactory(client=client_a, channel="staff")
    OrderFactory(client=client_b, channel="client_area", status="cancelled")
    page = staff_web.get(reverse("staff:order_list"), {"channel": "staff"}).context["page_obj"]
    assert [o.client for o in page] == [client_a]
    page = staff_web.get(reverse("staff:order_list"), {"status": "cancelled"}).context["page_obj"]
    assert [o.client for o in page] == [client_b]
    page = staff_web.get(reverse("staff:order_list"), {"client": client_b.number}).context[
        "page_obj"
    ]
    assert [o.client for o in page] == [client_b]


@pytest.mark.parametrize("rows", [3, 40])
@pytest.mark.django_db
def test_order_list_query_count_is_constant(staff_web, rows, django_assert_num_queries):
    for order in OrderFactory.create_batch(rows):
        OrderItemFactory(order=order)
    with django_assert_num_queries(4):  # session, user, count, page
        staff_web.get(reverse("staff:order_list"))


@pytest.mark.django_db
def test_order_page_shows_items_override_and_audit(staff_web, client_a, hosting, tlds):
    staff_web.post(
        reverse("staff:order_entry"),
        entry_data(
            client_a,
            {"what": hosting.pk, "domain": "a.nl", "domain_choice": "external", "price": "1.00"},
        ),
    )
    order = Order.objects.get()
    html = staff_web.get(reverse("staff:order_detail", args=[order.pk])).content.decode()
    assert "overridden" in html
    assert "order_item.price_override" in html
    assert order.invoice.number in html


@pytest.mark.django_db
def test_staff_cancel_a_pending_order(staff_web, client_a):
    order = OrderFactory(client=client_a)
    OrderItemFactory(order=order)
    staff_web.post(reverse("staff:order_cancel", args=[order.pk]))
    order.refresh_from_db()
    assert order.status == "cancelled"
