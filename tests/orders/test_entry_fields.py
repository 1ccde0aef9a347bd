"""Staff order entry shows only what applies (R2): the cycles the product has a price for with
its default chosen, domain fields only for items with a domain, the forwarding target only for
a forwarding package; and a payment method per order, defaulting to the client's."""

import re

import pytest
from django.urls import reverse

from hostwerk.catalog.models import ProductType, ProvisioningModule
from hostwerk.clients.models import InvoicePaymentMethod
from hostwerk.core.models import AuditEvent
from hostwerk.orders.models import Order
from tests.factories import ProductFactory
from tests.orders.test_staff import entry_data


def row(web, **fields):
    data = {"row_index": "0", "items-0-previous_what": ""}
    data.update({f"items-0-{name}": value for name, value in fields.items()})
    response = web.post(reverse("staff:order_entry_row"), data)
    assert response.status_code == 200
    return response


def field_names(response) -> set[str]:
    names = re.findall(r'name="items-0-([a-z_]+)"', response.content.decode())
    return set(names) - {"previous_what"}


def cycle_options(response) -> list[str]:
    html = response.content.decode()
    select = re.search(r'<select name="items-0-billing_cycle".*?</select>', html, re.S)
    assert select, "no billing cycle list"
    return re.findall(r'<option value="([a-z_]+)"', select.group(0))


@pytest.mark.django_db
def test_r2_the_order_form_offers_only_the_priced_cycles_with_the_default_chosen(
    staff_web, hosting, tlds
):
    response = row(staff_web, what=hosting.pk)
    assert cycle_options(response) == ["monthly", "annually"]
    html = response.content.decode()
    assert re.search(r'<option value="annually"[^>]*selected', html)
    assert "Annually — €\u00a075.00" in html or "annually — €\u00a075.00" in html


@pytest.mark.django_db
def test_r2_a_product_with_one_price_offers_one_cycle(staff_web, forwarding):
    assert cycle_options(row(staff_web, what=forwarding.pk)) == ["annually"]


@pytest.mark.django_db
def test_hosting_row_has_domain_fields_but_no_forwarding_target(staff_web, hosting):
    names = field_names(row(staff_web, what=hosting.pk))
    assert {"what", "domain", "domain_choice", "billing_cycle", "years", "price"} <= names
    assert "forwarding_url" not in names
    assert "auth_code" not in names  # only for a transfer


@pytest.mark.django_db
def test_hosting_row_asks_the_auth_code_only_when_the_domain_is_transferred(staff_web, hosting):
    assert "auth_code" in field_names(row(staff_web, what=hosting.pk, domain_choice="transfer"))
    names = field_names(row(staff_web, what=hosting.pk, domain_choice="external"))
    assert "auth_code" not in names and "years" not in names


@pytest.mark.django_db
def test_forwarding_row_asks_the_forwarding_target(staff_web, forwarding):
    names = field_names(row(staff_web, what=forwarding.pk))
    assert {"forwarding_url", "domain", "billing_cycle"} <= names


@pytest.mark.django_db
def test_a_product_without_a_domain_has_no_domain_fields(staff_web):
    other = ProductFactory(
        type=ProductType.OTHER, module=ProvisioningModule.NONE, prices={"monthly": "5.00"}
    )
    names = field_names(row(staff_web, what=other.pk))
    assert names == {"what", "billing_cycle", "price"}


@pytest.mark.django_db
def test_a_domain_registration_row_has_years_but_no_cycle(staff_web, tlds):
    names = field_names(row(staff_web, what="register"))
    assert names == {"what", "domain", "years", "price"}
    assert "auth_code" in field_names(row(staff_web, what="transfer"))


@pytest.mark.django_db
def test_an_empty_row_asks_only_what_to_order(staff_web, hosting):
    response = staff_web.get(reverse("staff:order_entry_row"), {"index": "0"})
    assert field_names(response) == {"what"}


@pytest.mark.django_db
def test_the_order_entry_page_keeps_its_query_count(
    staff_web, hosting, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8) as few:
        staff_web.get(reverse("staff:order_entry"))
    ProductFactory.create_batch(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff_web.get(reverse("staff:order_entry"))


@pytest.mark.django_db
def test_an_order_takes_the_clients_payment_method_onto_its_invoice(
    staff_web, client_a, hosting, tlds
):
    client_a.payment_method = InvoicePaymentMethod.DIRECT_DEBIT
    client_a.save()
    staff_web.post(
        reverse("staff:order_entry"),
        entry_data(client_a, {"what": hosting.pk, "domain": "a.nl", "domain_choice": "external"}),
    )
    order = Order.objects.get()
    assert order.payment_method == order.invoice.payment_method == "direct_debit"


@pytest.mark.django_db
def test_staff_choose_another_payment_method_for_one_order(
    staff_web, staff_user, client_a, hosting, tlds
):
    staff_web.post(
        reverse("staff:order_entry"),
        entry_data(
            client_a,
            {"what": hosting.pk, "domain": "a.nl", "domain_choice": "external"},
            payment_method="ideal",
        ),
    )
    order = Order.objects.get()
    assert (order.payment_method, order.invoice.payment_method) == ("ideal", "ideal")
    client_a.refresh_from_db()
    assert client_a.payment_method == "bank_transfer"
    event = AuditEvent.objects.get(action="order.place", actor=staff_user)
    assert event.data["payment_method"] == "ideal"


@pytest.mark.django_db
def test_an_unknown_payment_method_is_refused_naming_the_field(staff_web, client_a, hosting, tlds):
    response = staff_web.post(
        reverse("staff:order_entry"),
        entry_data(
            client_a,
            {"what": hosting.pk, "domain": "a.nl", "domain_choice": "external"},
            payment_method="cheque",
        ),
    )
    assert response.status_code == 422
    assert "payment_method" in response.context["options"].errors
    assert not Order.objects.exists()


@pytest.mark.django_db
def test_staff_set_the_clients_payment_method_and_it_is_audited(staff_web, staff_user, client_a):
    from tests.staff.test_clients import NEW_CLIENT

    response = staff_web.post(
        reverse("staff:client_edit", args=[client_a.pk]),
        {**NEW_CLIENT, "email": client_a.email, "payment_method": "ideal"},
    )
    assert response.status_code == 302
    client_a.refresh_from_db()
    assert client_a.payment_method == "ideal"
    event = AuditEvent.objects.get(action="client.update", actor=staff_user)
    assert event.changes["payment_method"] == ["bank_transfer", "ideal"]
