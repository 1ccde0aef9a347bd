"""The domain checker of the order screens: typed names looked up in every TLD on sale at the
EPP simulator in one batch, cached, a registry timeout shown as "could not check", prices per
year count, and one click into the client's cart or staff's order."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from hostwerk.catalog.models import Tld
from hostwerk.domains.checker import CheckState, domain_check
from hostwerk.domains.models import EppLogEntry
from hostwerk.orders.cart import cart_items
from hostwerk.sandbox.faults import Fault
from tests.factories import RegistrarFactory, TldFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "checker-results"}


def states(result):
    return [(row.name.unicode, row.state, row.typed) for row in result.names]


def test_the_checker_reports_taken_and_free_from_the_registry(registry):
    registry.seed_domain("bakkerij.nl")
    result = domain_check(text="bakkerij.nl")
    assert states(result) == [
        ("bakkerij.nl", CheckState.TAKEN, True),
        ("bakkerij.com", CheckState.FREE, False),
        ("bakkerij.de", CheckState.FREE, False),
    ]
    assert result.problems == []


def test_a_name_without_extension_is_checked_in_every_tld_on_sale(registry):
    result = domain_check(text="  Bäckerei  ")
    assert states(result) == [
        ("bäckerei.com", CheckState.FREE, True),
        ("bäckerei.de", CheckState.FREE, True),
        ("bäckerei.nl", CheckState.FREE, True),
    ]
    assert result.names[0].name.ascii == "xn--bckerei-5wa.com"


def test_all_names_of_a_registrar_go_out_in_one_check_command(registry):
    domain_check(text="bakkerij, slagerij https://www.visboer.nl/")
    [check] = EppLogEntry.objects.filter(command="domain:check")
    names = check.request_xml.count("<domain:name>")
    assert names == 9
    assert "visboer.nl" in check.request_xml and "slagerij.de" in check.request_xml


def test_each_registrar_is_asked_once_for_its_own_names(registry):
    other = RegistrarFactory(
        name="Second registry",
        host=registry.registrar.host,
        port=registry.registrar.port,
        username="admin",
        password="sandbox",
        verify_tls=True,
        settings=registry.registrar.settings,
    )
    Tld.objects.filter(name="com").update(registrar=other)
    domain_check(text="bakkerij slagerij")
    checks = EppLogEntry.objects.filter(command="domain:check")
    assert sorted(
        (entry.registrar.name, entry.request_xml.count("<domain:name>")) for entry in checks
    ) == [
        ("Sandbox registry", 4),
        ("Second registry", 2),
    ]


def test_a_reserved_name_is_not_available_with_the_registrys_reason(registry):
    row = domain_check(text="nic.nl").find("nic.nl")
    assert (row.state, row.reason, row.can_register, row.can_transfer) == (
        CheckState.UNAVAILABLE,
        "Reserved by the registry",
        False,
        False,
    )


def test_answers_are_cached_so_checking_again_does_not_ask_the_registry(registry):
    registry.seed_domain("bezet.com")
    first = domain_check(text="bezet")
    with registry.no_commands():
        again = domain_check(text="bezet")
    assert states(again) == states(first)


def test_a_registry_timeout_shows_could_not_check_and_still_allows_ordering(registry, settings):
    settings.HOSTWERK_DOMAIN_CHECK_TIMEOUT = 1
    registry.state.faults.add(Fault(operation="domain:check", mode="delay", delay=3))
    started = time.monotonic()
    result = domain_check(text="traag.nl")
    assert time.monotonic() - started < 2.5
    assert {row.state for row in result.names} == {CheckState.UNKNOWN}
    row = result.find("traag.nl")
    assert "did not answer" in row.reason
    assert row.can_register and row.first_years == 1
    assert result.unknown


def test_an_unknown_answer_is_kept_only_briefly_then_the_registry_is_asked_again(
    registry, settings
):
    from django.core.cache import cache

    settings.HOSTWERK_DOMAIN_CHECK_TIMEOUT = 1
    registry.state.faults.add(Fault(operation="domain:check", mode="delay", delay=2))
    assert domain_check(text="later.nl").find("later.nl").state == CheckState.UNKNOWN
    cache.clear()  # the 30 seconds of "could not check" are over
    assert domain_check(text="later.nl").find("later.nl").state == CheckState.FREE


def test_prices_per_year_count_and_the_first_allowed_period(registry):
    TldFactory(name="eu", registrar=registry.registrar, min_years=2, max_years=3)
    result = domain_check(text="bakkerij.eu")
    row = result.find("bakkerij.eu")
    assert [(p.years, str(p.price)) for p in row.register_periods] == [
        (2, "19.90"),
        (3, "29.85"),
    ]
    assert (row.first_years, str(row.first_price)) == (2, "19.90")
    assert result.find("bakkerij.nl").first_years == 1
    assert [p.years for p in result.find("bakkerij.com").register_periods] == [1, 2, 3]


def test_what_cannot_be_used_is_said_per_name(registry):
    result = domain_check(text="shop.bakkerij.nl bakkerij.xyz -fout-")
    assert result.problems[0] == (
        "shop.bakkerij.nl: enter the domain itself (example.nl), not a subdomain."
    )
    assert result.problems[1] == (
        "We do not sell .xyz domains; here is bakkerij in the extensions we sell."
    )
    assert result.problems[2].startswith("-fout-: ")
    assert [row.name.ascii for row in result.names] == [
        "bakkerij.com",
        "bakkerij.de",
        "bakkerij.nl",
    ]
    assert not any(row.typed for row in result.names)


def test_at_most_five_names_are_checked_at_once(registry):
    result = domain_check(text="a1 a2 a3 a4 a5 a6")
    assert len(result.names) == 15
    assert result.problems == ["Only the first 5 names are checked; check the others next."]


# The client area ---------------------------------------------------------------------------------


def test_the_client_checks_names_on_the_order_page_and_sees_prices(registry, client_a_web):
    registry.seed_domain("bakkerij.nl")
    response = client_a_web.get(reverse("portal:catalogue"), {"domains": "bakkerij.nl"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # only the fragment htmx asked for
    assert 'data-domain="bakkerij.nl" data-state="taken"' in html
    assert "Is it yours? Transfer it to us." in html
    assert 'data-domain="bakkerij.com" data-state="free"' in html
    assert '<option value="1" selected>1 year — €\u00a09.95</option>' in html
    assert '<option value="3">3 years — €\u00a029.85</option>' in html
    full = client_a_web.get(reverse("portal:catalogue"), {"domains": "bakkerij.nl"})
    assert 'value="bakkerij.nl"' in full.content.decode()
    assert 'data-state="taken"' in full.content.decode()


def test_one_click_puts_a_free_name_in_the_cart_and_the_row_says_so(
    registry, client_a_web, client_a
):
    response = client_a_web.post(
        reverse("portal:checker_add"), {"name": "bakkerij.com", "years": "2"}, **HTMX
    )
    html = response.content.decode()
    assert "In your cart" in html
    assert '<span id="cart-count" hx-swap-oob="true" class="badge text-bg-primary">1</span>' in html
    [item] = cart_items(client_a_web.session, client_a.pk)
    assert (item.domain_action, item.domain, item.years) == ("register", "bakkerij.com", 2)
    page = client_a_web.get(reverse("portal:catalogue"), {"domains": "bakkerij.com"}, **HTMX)
    assert "In your cart" in page.content.decode()


def test_a_taken_name_is_added_as_a_transfer_with_its_auth_code(registry, client_a_web, client_a):
    registry.seed_domain("verhuis.nl")
    missing = client_a_web.post(
        reverse("portal:checker_add"), {"name": "verhuis.nl", "action": "transfer"}, **HTMX
    )
    assert "A transfer needs the EPP auth code from the current registrar." in (
        missing.content.decode()
    )
    assert cart_items(client_a_web.session, client_a.pk) == []
    client_a_web.post(
        reverse("portal:checker_add"),
        {"name": "verhuis.nl", "action": "transfer", "auth_code": "Xy-123456"},
        **HTMX,
    )
    [item] = cart_items(client_a_web.session, client_a.pk)
    assert (item.domain_action, item.auth_code) == ("transfer", "Xy-123456")


def test_without_htmx_the_add_goes_to_the_cart(registry, client_a_web):
    response = client_a_web.post(reverse("portal:checker_add"), {"name": "vrij.nl", "years": "1"})
    assert response["Location"] == reverse("portal:cart")


def test_the_client_sees_could_not_check_when_the_registry_times_out(
    registry, client_a_web, settings
):
    settings.HOSTWERK_DOMAIN_CHECK_TIMEOUT = 1
    registry.state.faults.add(Fault(operation="domain:check", mode="delay", delay=3))
    html = client_a_web.get(
        reverse("portal:catalogue"), {"domains": "traag.nl"}, **HTMX
    ).content.decode()
    assert 'data-domain="traag.nl" data-state="unknown"' in html
    assert "The registry did not answer in time for the names marked “could not check”." in html
    assert "Add to cart" in html
    assert "Could not reach" not in html and "within 1 s" not in html  # no internals for clients


def test_the_checker_fragment_does_not_query_per_name(
    registry, client_a_web, django_assert_max_num_queries
):
    client_a_web.get(reverse("portal:catalogue"), {"domains": "a1 a2 a3 a4 a5"}, **HTMX)
    client_a_web.get(reverse("portal:catalogue"), {"domains": "a1"}, **HTMX)
    with django_assert_max_num_queries(8):
        client_a_web.get(reverse("portal:catalogue"), {"domains": "a1"}, **HTMX)
    with django_assert_max_num_queries(8):
        client_a_web.get(reverse("portal:catalogue"), {"domains": "a1 a2 a3 a4 a5"}, **HTMX)


def test_the_years_field_of_the_order_forms_never_shows_a_dash(registry, client_a_web, hosting):
    TldFactory(name="eu", registrar=registry.registrar, min_years=2, max_years=3)
    html = client_a_web.get(reverse("portal:catalogue")).content.decode()
    assert '<option value="">—</option>' not in html
    assert html.count('<option value="1" selected>1 year</option>') == 2  # hosting, domain only
    assert "&quot;eu&quot;: [[2, &quot;2 years&quot;], [3, &quot;3 years&quot;]]" in html

    refused = client_a_web.post(
        reverse("portal:cart_add"),
        {"domain-what": "register", "domain-domain": "bakkerij.eu", "domain-years": "1"},
    )
    assert refused.status_code == 422
    page = refused.content.decode()
    assert ".eu domains are registered for 2 to 3 years." in page
    # The form offers what .eu has, its first period chosen, beside the error.
    years = refused.context["domain_form"]["years"]
    assert [value for value, _label in years.field.widget.choices] == [2, 3]


def test_a_domain_without_years_gets_its_tlds_first_allowed_period(registry, client_a_web):
    TldFactory(name="eu", registrar=registry.registrar, min_years=2, max_years=3)
    from hostwerk.orders.items import ItemRequest, items_price

    [item] = items_price(
        requests=[ItemRequest(domain_action="register", domain="bakkerij.eu")],
        allow_price_override=False,
    )
    assert (item.years, str(item.price)) == (2, "19.90")


# Staff order entry ------------------------------------------------------------------------------


def test_staff_check_names_and_add_one_to_the_order_as_a_priced_row(registry, staff_web):
    registry.seed_domain("bakkerij.nl")
    html = staff_web.get(
        reverse("staff:order_domain_check"), {"domains": "bakkerij.nl"}
    ).content.decode()
    assert "If it is the client\u2019s, add a transfer." in html
    assert 'data-checker-add data-action="transfer" data-domain="bakkerij.nl"' in html
    assert 'data-checker-add data-action="register" data-domain="bakkerij.com"' in html

    row = staff_web.get(
        reverse("staff:order_entry_row"),
        {"index": "1", "what": "register", "domain": "bakkerij.com", "years": "2"},
    )
    [priced] = row.context["form"].priced
    assert (priced.domain, priced.years, str(priced.price)) == ("bakkerij.com", 2, "19.90")
    assert 'name="items-1-domain" value="bakkerij.com"' in row.content.decode()


def test_staff_see_why_a_name_could_not_be_checked(registry, staff_web):
    registry.registrar.port = 9
    registry.registrar.save()
    html = staff_web.get(
        reverse("staff:order_domain_check"), {"domains": "ergens.nl"}
    ).content.decode()
    assert "the order can still be placed, and acceptance checks again." in html
    assert "Could not reach registrar Sandbox registry" in html


def test_the_staff_checker_is_for_staff_only(registry, client_a_web):
    response = client_a_web.get(reverse("staff:order_domain_check"), {"domains": "x.nl"})
    assert response.status_code in (302, 403, 404)


def test_the_staff_checker_does_not_query_per_name(
    registry, staff_web, django_assert_max_num_queries
):
    url = reverse("staff:order_domain_check")
    staff_web.get(url, {"domains": "a1 a2 a3 a4 a5"})
    with django_assert_max_num_queries(6):
        staff_web.get(url, {"domains": "a1"})
    with django_assert_max_num_queries(6):
        staff_web.get(url, {"domains": "a1 a2 a3 a4 a5"})


def test_adding_from_the_checker_needs_a_client_login(registry):
    from django.test import Client as WebClient

    response = WebClient().post(reverse("portal:checker_add"), {"name": "vrij.nl"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_domain_held_here_is_offered_neither_registration_nor_transfer(
    registry, client_a_web, client_a, client_b, staff_web
):
    """The client's own bakkerij-klant.nl showed "Taken · Is it yours? Transfer it to us." with
    a transfer button; another client's shows as taken, without saying whose."""
    from tests.domains.factories import DomainFactory

    registry.seed_domain("eigen.nl")
    registry.seed_domain("andermans.nl")
    DomainFactory(name="eigen.nl", client=client_a, status="active")
    DomainFactory(name="andermans.nl", client=client_b, status="active")
    assert [row.state for row in domain_check(text="eigen.nl andermans.nl").names if row.typed] == [
        CheckState.WITH_US,
        CheckState.WITH_US,
    ]
    html = client_a_web.get(
        reverse("portal:catalogue"), {"domains": "eigen.nl andermans.nl"}, **HTMX
    ).content.decode()
    assert "Already yours" in html
    assert "Transfer it to us" not in html and "Transfer to us" not in html
    assert html.count("Taken") == 1  # andermans.nl: another client's, not named
    staff_html = staff_web.get(
        reverse("staff:order_domain_check"), {"domains": "eigen.nl"}
    ).content.decode()
    assert "Already with us" in staff_html and "Add transfer" not in staff_html
