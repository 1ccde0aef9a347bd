"""Global staff search: each kind is found by what staff type, results link to their pages,
only staff may search, and the number of queries does not grow with the data."""

import pytest
from django.test import Client as WebClient
from django.urls import reverse

from hostwerk.staff.search import search_everything, search_terms
from tests.billing.factories import InvoiceFactory
from tests.domains.factories import DomainFactory
from tests.factories import ClientFactory, StaffUserFactory
from tests.mail.factories import MailboxFactory
from tests.orders.factories import OrderFactory
from tests.provisioning.factories import ServiceFactory

SEARCH = reverse("staff:search")
DROPDOWN = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "hw-search-results"}


def found(query: str) -> dict[str, list]:
    terms = search_terms(query)
    assert terms is not None
    return {group.kind: group.results for group in search_everything(terms=terms)}


@pytest.fixture
def vries(db):
    return ClientFactory(
        number=31337,
        first_name="Jan",
        last_name="de Vries",
        company="Bakkerij De Vries",
        email="Jan.Devries@Example.NL",
        phone="+31612345678",
    )


@pytest.mark.django_db
def test_search_finds_a_client_by_number_name_company_email_and_phone(vries, client_a):
    for query in (
        "31337",
        "Jan",
        "de vr",
        "vries",
        "jan de vries",
        "Bakkerij",
        "jan.devries@",
        "06 1234",
        "+31 6 12",
    ):
        assert vries in found(query).get("clients", []), query
    assert client_a not in found("vries").get("clients", [])
    assert found("Aalbers")["clients"] == [client_a]


@pytest.mark.django_db
def test_search_finds_domains_services_and_mailboxes_by_their_start(client_a):
    domain = DomainFactory(name="xn--bcher-kva.nl", client=client_a)
    service = ServiceFactory(client=client_a, domain="boekhandel.nl", username="boekhandel01")
    mailbox = MailboxFactory(service=service, local_part="info", address="info@boekhandel.nl")
    assert found("bücher")["domains"] == [domain]
    assert found("www.bücher.nl")["domains"] == [domain]
    assert found("boekhandel.nl")["services"] == [service]
    assert found("boekhandel01")["services"] == [service]
    assert found("info@boek")["mailboxes"] == [mailbox]
    assert "domains" not in found("cher")  # a prefix, not any part of the name


@pytest.mark.django_db
def test_search_finds_orders_and_invoices_by_number(client_a):
    order = OrderFactory(client=client_a, number=700123)
    invoice = InvoiceFactory(client=client_a)
    assert found("700123")["orders"] == [order]
    assert found("#700123")["orders"] == [order]
    assert found(invoice.number)["invoices"] == [invoice]
    assert found(invoice.number[:6])["invoices"] == [invoice]
    assert "orders" not in found("70012")


@pytest.mark.django_db
def test_dropdown_groups_results_with_links_and_a_more_link(staff_web):
    for n in range(7):
        ClientFactory(last_name=f"Smit{n}")
    ClientFactory(last_name="Smidt")
    DomainFactory(name="smit-bouw.nl")
    response = staff_web.get(SEARCH, {"q": "smi"}, **DROPDOWN)
    html = response.content.decode()
    assert response.status_code == 200
    assert [group.kind for group in response.context["groups"]] == ["clients", "domains"]
    clients = response.context["groups"][0]
    assert len(clients.results) == 5 and clients.more
    assert f"{SEARCH}?q=smi&amp;kind=clients" in html
    assert reverse("staff:client_detail", args=[clients.results[0].pk]) in html
    assert "smit-bouw.nl" in html
    assert "<html" not in html  # only the fragment


@pytest.mark.django_db
def test_full_results_page_lists_every_match_of_one_kind(staff_web):
    for n in range(30):
        ClientFactory(last_name=f"Jansen{n:02d}")
    response = staff_web.get(SEARCH, {"q": "jansen", "kind": "clients"})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 30
    assert "Jansen00" in response.content.decode()
    grouped = staff_web.get(SEARCH, {"q": "jansen"})
    assert len(grouped.context["groups"][0].results) == 10


@pytest.mark.django_db
def test_too_short_a_query_searches_nothing(staff_web, client_a, django_assert_num_queries):
    with django_assert_num_queries(2):  # the session and the staff user
        response = staff_web.get(SEARCH, {"q": "a"}, **DROPDOWN)
    assert "at least two characters" in response.content.decode()


@pytest.mark.django_db
def test_the_top_bar_of_every_staff_page_has_the_search_field(staff_web):
    html = staff_web.get(reverse("staff:dashboard")).content.decode()
    assert 'id="hw-search-input"' in html and 'aria-keyshortcuts="/"' in html


@pytest.mark.django_db
def test_only_staff_may_search(client_a_web, client_a):
    assert client_a_web.get(SEARCH, {"q": "Anna"}).status_code == 403
    anonymous = WebClient().get(SEARCH, {"q": "Anna"})
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("staff:login"))


@pytest.mark.django_db
def test_staff_logged_in_as_a_client_cannot_search(client_a):
    from hostwerk.accounts.impersonation import IMPERSONATION_SESSION_KEY

    staff = StaffUserFactory(is_superuser=True)
    web = WebClient()
    web.force_login(staff)
    session = web.session
    session[IMPERSONATION_SESSION_KEY] = client_a.pk
    session.save()
    assert web.get(SEARCH, {"q": "Anna"}).status_code == 403


@pytest.mark.parametrize("rows", [1, 12])
@pytest.mark.django_db
def test_search_query_count_does_not_grow(staff_web, rows, django_assert_num_queries):
    for n in range(rows):
        client = ClientFactory(last_name=f"Visser{n}", email=f"visser{n}@example.nl")
        service = ServiceFactory(client=client, domain=f"visser{n}.nl", username=f"visser{n}")
        DomainFactory(client=client, name=f"visser{n}.nl")
        MailboxFactory(service=service, address=f"visser@visser{n}.nl")
    staff_web.get(SEARCH, {"q": "visser"}, **DROPDOWN)
    # session, user, then one query each for clients, domains, services and mailboxes
    with django_assert_num_queries(6):
        staff_web.get(SEARCH, {"q": "visser"}, **DROPDOWN)
    with django_assert_num_queries(6):
        staff_web.get(SEARCH, {"q": "visser"})
    with django_assert_num_queries(4):  # session, user, count, page
        staff_web.get(SEARCH, {"q": "visser", "kind": "mailboxes"})
