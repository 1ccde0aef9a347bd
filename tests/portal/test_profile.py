"""Client area: dashboard and profile edit with the same validation as staff."""

import pytest
from django.test import Client as WebClient
from django.urls import reverse

from hostwerk.core.models import AuditEvent

PROFILE = {
    "first_name": "Anna",
    "last_name": "Aalbers",
    "email": "anna@example.nl",
    "phone": "+31 6 12345678",
    "address1": "Keizersgracht 1",
    "postcode": "1015 CJ",
    "city": "Amsterdam",
    "country": "NL",
    "language": "en",
    "legal_form": "PERSOON",
}


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_the_login():
    response = WebClient().get(reverse("portal:dashboard"))
    assert response["Location"] == f"{reverse('portal:login')}?next=/"


@pytest.mark.django_db
def test_dashboard_greets_the_client(client_a_web):
    assert "Welcome, Anna" in client_a_web.get(reverse("portal:dashboard")).content.decode()


@pytest.mark.django_db
def test_client_updates_own_profile_audited_as_client(client_a_web, client_a, client_a_user):
    response = client_a_web.post(reverse("portal:profile"), {**PROFILE, "city": "Leiden"})
    assert response.status_code == 302
    client_a.refresh_from_db()
    assert client_a.city == "Leiden"
    assert client_a.phone == "+31612345678"
    event = AuditEvent.objects.get(action="client.update")
    assert (event.actor, event.actor_kind, event.as_client) == (client_a_user, "client", None)


@pytest.mark.django_db
def test_profile_refuses_bad_phone_beside_the_field_and_keeps_input(client_a_web, client_a):
    response = client_a_web.post(
        reverse("portal:profile"), {**PROFILE, "phone": "abc", "city": "Leiden"}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["phone"]
    assert 'value="Leiden"' in response.content.decode()
    client_a.refresh_from_db()
    assert client_a.city == "Amsterdam"
