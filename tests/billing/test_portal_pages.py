"""Client area invoices: only the client's own, another client's invoice is a 404."""

import pytest
from django.test import Client as WebClient
from django.urls import reverse

from hostwerk.accounts.impersonation import IMPERSONATION_SESSION_KEY
from hostwerk.billing.actions import invoice_mark_paid
from tests.billing.factories import SYSTEM, InvoiceFactory

LIST = reverse("portal:invoice_list")


@pytest.mark.django_db
def test_invoice_pages_need_a_login():
    response = WebClient().get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


@pytest.mark.django_db
def test_client_lists_only_its_own_invoices(client_a_web, client_a, client_b):
    own = InvoiceFactory.create_batch(2, client=client_a)
    InvoiceFactory(client=client_b)
    response = client_a_web.get(LIST)
    assert [invoice.pk for invoice in response.context["page_obj"]] == [own[1].pk, own[0].pk]
    assert response.context["nav"] == "invoices"
    html = response.content.decode()
    assert 'class="nav-link active" href="/invoices/"' in html


@pytest.mark.django_db
def test_client_without_invoices_sees_an_explanation(client_a_web):
    assert "You have no invoices yet." in client_a_web.get(LIST).content.decode()


@pytest.mark.django_db
def test_client_opens_its_invoice(client_a_web, client_a, settings):
    settings.HOSTWERK_SELLER_NAME = "Movenext Hosting"
    invoice = InvoiceFactory(client=client_a)
    response = client_a_web.get(reverse("portal:invoice_detail", args=[invoice.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    for text in [invoice.number, "Movenext Hosting", "Anna Aalbers", "€\u00a090.75", "Print"]:
        assert text in html, text
    assert "Audit trail" not in html
    assert "Mark paid" not in html


@pytest.mark.django_db
def test_another_clients_invoice_is_404(client_b_web, client_a):
    invoice = InvoiceFactory(client=client_a)
    assert client_b_web.get(reverse("portal:invoice_detail", args=[invoice.pk])).status_code == 404


@pytest.mark.django_db
def test_staff_impersonating_a_client_see_that_clients_invoices(staff_web, client_a, client_b):
    invoice = InvoiceFactory(client=client_a)
    other = InvoiceFactory(client=client_b)
    session = staff_web.session
    session[IMPERSONATION_SESSION_KEY] = client_a.pk
    session.save()
    assert staff_web.get(reverse("portal:invoice_detail", args=[invoice.pk])).status_code == 200
    assert staff_web.get(reverse("portal:invoice_detail", args=[other.pk])).status_code == 404


@pytest.mark.django_db
def test_paid_invoice_says_so(client_a_web, client_a):
    invoice = invoice_mark_paid(actor=SYSTEM, invoice=InvoiceFactory(client=client_a))
    html = client_a_web.get(reverse("portal:invoice_detail", args=[invoice.pk])).content.decode()
    assert "Thank you." in html
    assert "Please pay" not in html


@pytest.mark.parametrize("rows", [5, 40])
@pytest.mark.django_db
def test_client_invoice_list_query_count_does_not_grow_with_invoices(
    client_a_web, client_a, rows, django_assert_num_queries
):
    InvoiceFactory.create_batch(rows, client=client_a)
    # session, user, client, count, page
    with django_assert_num_queries(5):
        client_a_web.get(LIST)
