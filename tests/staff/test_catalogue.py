"""Staff catalogue pages: products with prices, product groups and TLDs. Each form saves, refuses
bad input naming the field (keeping what was typed, changing nothing) and is audited."""

from decimal import Decimal

import pytest
from django.urls import reverse

from hostwerk.catalog.models import Product, ProductGroup, Tld, TldPrice
from hostwerk.core.models import AuditEvent
from hostwerk.provisioning.models import ServerGroup
from tests.factories import ProductFactory, RegistrarFactory, TldFactory


def product_data(**overrides):
    data = {
        "name_nl": "Webhosting Plus",
        "name_en": "Web hosting Plus",
        "type": "hosting",
        "module": "plesk",
        "server_group": ServerGroup.objects.get_or_create(name="Plesk")[0].pk,
        "plesk_plan": "Unlimited",
        "plesk_hosting_type": "vrt_hst",
        "default_billing_cycle": "annually",
        "welcome_email": "welcome_hosting",
        "accept_when_paid": "on",
        "active": "on",
        "sort_order": "5",
        "price_monthly": "12.50",
        "price_annually": "125.00",
        "setup_annually": "10.00",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.django_db
def test_settings_pages_are_for_staff_only(client_a_web):
    for name in (
        "staff:settings",
        "staff:product_list",
        "staff:tld_list",
        "staff:billing_settings",
    ):
        assert client_a_web.get(reverse(name)).status_code == 403


@pytest.mark.django_db
def test_settings_overview_links_every_section(staff_web):
    html = staff_web.get(reverse("staff:settings")).content.decode()
    for name in (
        "staff:product_list",
        "staff:product_group_list",
        "staff:tld_list",
        "staff:registrar_list",
        "staff:server_list",
        "staff:server_group_list",
        "staff:zone_template",
        "staff:billing_settings",
        "staff:email_template_list",
        "staff:whmcs_import",
    ):
        # Once each: the overview's cards are its navigation (no tab bar repeating them).
        assert html.count(f'href="{reverse(name)}"') == 1, name


@pytest.mark.django_db
def test_staff_create_a_product_with_prices_and_it_is_audited(staff_web, staff_user):
    response = staff_web.post(reverse("staff:product_create"), product_data())
    assert response.status_code == 302
    product = Product.objects.get(name_en="Web hosting Plus")
    assert product.module_settings == {"plan": "Unlimited", "hosting_type": "vrt_hst"}
    assert product.accept_when_paid is True
    assert {(p.billing_cycle, p.amount, p.setup_fee) for p in product.prices.all()} == {
        ("monthly", Decimal("12.50"), Decimal("0.00")),
        ("annually", Decimal("125.00"), Decimal("10.00")),
    }
    event = AuditEvent.objects.get(action="product.create", actor=staff_user)
    assert event.object_id == str(product.pk)
    assert event.changes["price.annually"] == [None, "125.00"]
    assert event.changes["setup_fee.annually"] == [None, "10.00"]


@pytest.mark.django_db
def test_product_default_cycle_without_a_price_is_refused_naming_the_field(staff_web):
    response = staff_web.post(
        reverse("staff:product_create"), product_data(price_annually="", setup_annually="")
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert list(form.errors) == ["default_billing_cycle"]
    assert "needs a price" in form.errors["default_billing_cycle"][0]
    html = response.content.decode()
    assert 'value="Web hosting Plus"' in html  # what was typed stays
    assert 'id="id_default_billing_cycle_error"' in html
    assert not Product.objects.exists()
    assert not AuditEvent.objects.filter(action="product.create").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"server_group": ""}, "server_group"),
        ({"plesk_plan": ""}, "plesk_plan"),
        ({"plesk_hosting_type": "std_fwd"}, "plesk_hosting_type"),
        ({"price_monthly": "-1"}, "price_monthly"),
        ({"price_monthly": "", "setup_monthly": "5"}, "price_monthly"),
        ({"type": "mail_filter"}, "module"),
        ({"name_nl": ""}, "name_nl"),
    ],
)
def test_product_form_refuses_bad_input_beside_the_field(staff_web, overrides, field):
    response = staff_web.post(reverse("staff:product_create"), product_data(**overrides))
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert not Product.objects.exists()


@pytest.mark.django_db
def test_product_edit_records_before_and_after_of_fields_and_prices(staff_web, staff_user, hosting):
    group = ProductGroup.objects.create(name_nl="Hosting", name_en="Hosting")
    ServerGroup.objects.get_or_create(name="Plesk")
    response = staff_web.post(
        reverse("staff:product_edit", args=[hosting.pk]),
        product_data(
            name_nl=hosting.name_nl,
            name_en=hosting.name_en,
            group=group.pk,
            price_monthly="",
            price_annually="80.00",
            setup_annually="",
            hidden="on",
            plesk_plan="Default Domain",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    hosting.refresh_from_db()
    assert (hosting.group, hosting.hidden) == (group, True)
    assert list(hosting.prices.values_list("billing_cycle", "amount")) == [
        ("annually", Decimal("80.00"))
    ]
    event = AuditEvent.objects.get(action="product.update", actor=staff_user)
    assert event.changes["price.annually"] == ["75.00", "80.00"]
    assert event.changes["price.monthly"] == ["7.50", None]
    assert event.changes["hidden"] == [False, True]
    assert event.changes["group"] == [None, "Hosting"]


@pytest.mark.django_db
def test_hidden_products_stay_out_of_the_client_catalogue_but_staff_can_order_them(
    client_a_web, staff_web, hosting
):
    other = ProductFactory(name_en="Secret plan", name_nl="Geheim", hidden=True)
    portal = client_a_web.get(reverse("portal:catalogue")).content.decode()
    assert hosting.name_nl in portal or hosting.name_en in portal
    assert other.name_nl not in portal and other.name_en not in portal
    entry = staff_web.get(reverse("staff:order_entry")).content.decode()
    assert other.name_en in entry


@pytest.mark.django_db
def test_product_list_pages_and_keeps_its_query_count(staff_web, django_assert_max_num_queries):
    ProductFactory.create_batch(3)
    with django_assert_max_num_queries(8) as few:
        staff_web.get(reverse("staff:product_list"))
    ProductFactory.create_batch(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff_web.get(reverse("staff:product_list"))
    assert len(response.context["page_obj"]) == 25
    assert response.context["page_obj"].paginator.count == 33


@pytest.mark.django_db
def test_product_groups_save_refuse_and_are_audited(staff_web, staff_user):
    refused = staff_web.post(
        reverse("staff:product_group_create"), {"name_nl": "", "name_en": "Mail", "sort_order": "2"}
    )
    assert refused.status_code == 422
    assert "name_nl" in refused.context["form"].errors
    assert 'value="Mail"' in refused.content.decode()
    staff_web.post(
        reverse("staff:product_group_create"),
        {"name_nl": "E-mail", "name_en": "Mail", "sort_order": "2"},
    )
    group = ProductGroup.objects.get()
    staff_web.post(
        reverse("staff:product_group_edit", args=[group.pk]),
        {"name_nl": "E-mail", "name_en": "Mail", "sort_order": "1", "hidden": "on"},
    )
    group.refresh_from_db()
    assert (group.sort_order, group.hidden) == (1, True)
    event = AuditEvent.objects.get(action="product_group.update", actor=staff_user)
    assert event.changes == {"sort_order": [2, 1], "hidden": [False, True]}


@pytest.mark.django_db
def test_product_group_list_keeps_its_query_count(staff_web, django_assert_max_num_queries):
    for number in range(30):
        ProductGroup.objects.create(name_nl=f"Groep {number}", name_en=f"Group {number}")
    with django_assert_max_num_queries(6):
        response = staff_web.get(reverse("staff:product_group_list"))
    assert len(response.context["page_obj"]) == 25


def tld_data(**overrides):
    data = {
        "name": ".Shop",
        "registrar": "",
        "min_years": "1",
        "max_years": "5",
        "active": "on",
        "register_1": "30.00",
        "transfer_1": "10.00",
        "renew_1": "30.00",
        "register_2": "58.00",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.django_db
def test_staff_create_a_tld_with_prices_and_it_is_audited(staff_web, staff_user):
    registrar = RegistrarFactory()
    response = staff_web.post(
        reverse("staff:tld_create"), tld_data(registrar=registrar.pk, dns_before_registration="on")
    )
    assert response.status_code == 302
    tld = Tld.objects.get(name="shop")
    assert (tld.registrar, tld.dns_before_registration, tld.max_years) == (registrar, True, 5)
    assert set(tld.prices.values_list("action", "years", "amount")) == {
        ("register", 1, Decimal("30.00")),
        ("transfer", 1, Decimal("10.00")),
        ("renew", 1, Decimal("30.00")),
        ("register", 2, Decimal("58.00")),
    }
    event = AuditEvent.objects.get(action="tld.create", actor=staff_user)
    assert event.changes["price.register.2"] == [None, "58.00"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"max_years": "0"}, "max_years"),
        ({"register_6": "70.00"}, "register_6"),
        ({"register_1": ""}, "register_1"),
        ({"name": "not a tld!"}, "name"),
        ({"name": "nl"}, "name"),
        ({"renew_1": "abc"}, "renew_1"),
    ],
)
def test_tld_form_refuses_bad_input_naming_the_field(staff_web, overrides, field):
    TldFactory(name="nl")
    before = TldPrice.objects.count()
    response = staff_web.post(reverse("staff:tld_create"), tld_data(**overrides))
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert f'id="id_{field}_error"' in response.content.decode()
    assert list(Tld.objects.values_list("name", flat=True)) == ["nl"]
    assert TldPrice.objects.count() == before


@pytest.mark.django_db
def test_tld_edit_changes_a_price_with_before_and_after(staff_web, staff_user, tlds):
    com = tlds["com"]
    data = tld_data(name="com", registrar=com.registrar_id, max_years="10")
    data.update({f"{p.action}_{p.years}": str(p.amount) for p in com.prices.all()})
    data["renew_1"] = "15.00"
    response = staff_web.post(reverse("staff:tld_edit", args=[com.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    event = AuditEvent.objects.get(action="tld.update", actor=staff_user)
    old = TldPrice.objects.get(tld=com, action="register", years=2)
    assert old.amount == Decimal(data["register_2"])
    assert event.changes["price.renew.1"][1] == "15.00"


@pytest.mark.django_db
def test_tld_list_keeps_its_query_count(staff_web, django_assert_max_num_queries):
    registrar = RegistrarFactory()
    for number in range(30):
        TldFactory(name=f"t{number}", registrar=registrar)
    with django_assert_max_num_queries(7):
        response = staff_web.get(reverse("staff:tld_list"))
    assert len(response.context["page_obj"]) == 25
