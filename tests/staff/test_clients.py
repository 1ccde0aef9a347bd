"""Staff client screens: list with search and paging, create, edit with field errors, audit trail."""

import pytest
from django.test import Client as WebClient
from django.urls import reverse

from hostwerk.clients.models import Client
from hostwerk.core.models import AuditEvent
from tests.factories import ClientFactory, ClientUserFactory

NEW_CLIENT = {
    "first_name": "Jan",
    "last_name": "de Vries",
    "email": "jan@example.nl",
    "phone": "06 12345678",
    "address1": "Dorpsstraat 1",
    "postcode": "1234 AB",
    "city": "Amsterdam",
    "country": "NL",
    "language": "nl",
    "legal_form": "PERSOON",
    "status": "active",
}


@pytest.mark.django_db
def test_staff_pages_send_anonymous_visitors_to_the_staff_login():
    response = WebClient().get(reverse("staff:client_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))


@pytest.mark.django_db
def test_client_users_get_403_on_staff_pages(client_a_web):
    assert client_a_web.get(reverse("staff:client_list")).status_code == 403


@pytest.mark.django_db
def test_client_list_searches_by_name_and_number(staff_web):
    ClientFactory(first_name="Jan", last_name="de Vries", number=30001)
    ClientFactory(first_name="Piet", last_name="Jansen", number=30002)
    response = staff_web.get(reverse("staff:client_list"), {"q": "jan de vries"})
    assert [c.number for c in response.context["page_obj"]] == [30001]
    response = staff_web.get(reverse("staff:client_list"), {"q": "30002"})
    assert [c.number for c in response.context["page_obj"]] == [30002]


@pytest.mark.django_db
def test_client_list_answers_htmx_with_only_the_table(staff_web):
    ClientFactory(last_name="Zomer")
    response = staff_web.get(reverse("staff:client_list"), {"q": "zomer"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Zomer" in html
    assert '<nav class="hw-sidebar' not in html


@pytest.mark.django_db
def test_client_list_pages_by_25(staff_web):
    ClientFactory.create_batch(30)
    first = staff_web.get(reverse("staff:client_list"))
    second = staff_web.get(reverse("staff:client_list"), {"page": 2})
    assert len(first.context["page_obj"]) == 25
    assert len(second.context["page_obj"]) == 5


@pytest.mark.parametrize("rows", [10, 60])
@pytest.mark.django_db
def test_client_list_query_count_does_not_grow_with_clients(
    staff_web, rows, django_assert_num_queries
):
    ClientFactory.create_batch(rows)
    # session, user, count, page
    with django_assert_num_queries(4):
        staff_web.get(reverse("staff:client_list"))


@pytest.mark.django_db
def test_staff_creates_a_client_and_it_is_audited(staff_web, staff_user):
    response = staff_web.post(reverse("staff:client_create"), NEW_CLIENT)
    client = Client.objects.get(email="jan@example.nl")
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:client_detail", args=[client.pk])
    assert client.phone == "+31612345678"
    assert AuditEvent.objects.filter(action="client.create", actor=staff_user).count() == 1


@pytest.mark.django_db
def test_refused_client_form_keeps_what_was_typed_and_creates_nothing(staff_web):
    response = staff_web.post(reverse("staff:client_create"), {**NEW_CLIENT, "phone": "12"})
    assert response.status_code == 200
    assert Client.objects.count() == 0
    html = response.content.decode()
    assert 'value="de Vries"' in html
    assert 'value="12"' in html
    assert "is-invalid" in html
    assert "not a valid phone number" in html


@pytest.mark.django_db
def test_edit_shows_field_error_beside_the_field_and_changes_nothing(staff_web, client_a):
    data = {**NEW_CLIENT, "email": client_a.email, "postcode": "99"}
    response = staff_web.post(reverse("staff:client_edit", args=[client_a.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["postcode"] == ["Enter the postcode like 1234 AB."]
    client_a.refresh_from_db()
    assert client_a.first_name == "Anna"
    assert not AuditEvent.objects.filter(action="client.update").exists()


@pytest.mark.django_db
def test_client_page_shows_contact_data_logins_and_audit_trail(staff_web, client_a, staff_user):
    ClientUserFactory(client=client_a, email="anna-login@example.nl")
    staff_web.post(
        reverse("staff:client_edit", args=[client_a.pk]),
        {
            **NEW_CLIENT,
            "first_name": "Anna",
            "last_name": "Aalbers",
            "email": client_a.email,
            "city": "Utrecht",
        },
    )
    html = staff_web.get(reverse("staff:client_detail", args=[client_a.pk])).content.decode()
    assert "anna-login@example.nl" in html
    assert "client.update" in html
    assert "Utrecht" in html
    assert staff_user.email in html

    staff_user.language = "nl"
    staff_user.save(update_fields=["language"])
    html = staff_web.get(reverse("staff:client_detail", args=[client_a.pk])).content.decode()
    # Labels start with a capital, also where Dutch writes the word small ("btw-nummer").
    assert ">Btw-nummer</dt>" in html


@pytest.mark.django_db
def test_unknown_client_is_404(staff_web):
    assert staff_web.get(reverse("staff:client_detail", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_a_search_of_two_characters_matches_the_start_of_a_name_and_longer_ones_any_part(
    staff_web,
):
    dekker = ClientFactory(first_name="Anna", last_name="Dekker", company="")
    van_der = ClientFactory(first_name="Piet", last_name="van der Berg", company="")

    def found(text: str) -> set[int]:
        page = staff_web.get(reverse("staff:client_list"), {"q": text}).context["page_obj"]
        return {client.pk for client in page}

    assert found("De") == {dekker.pk}  # the start of a name; a trigram index answers it
    assert found("der") == {van_der.pk}  # three characters or more: any part of it
    assert found("ek") == set()
