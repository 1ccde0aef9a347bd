"""Logins: e-mail and password, the right area, throttled, argon2-hashed passwords, language."""

import pytest
from django.conf import settings
from django.test import Client as WebClient
from django.urls import reverse

from hostwerk.clients.models import ClientStatus
from tests.factories import PASSWORD


def login(web, url, email, password=PASSWORD):
    return web.post(url, {"email": email, "password": password})


@pytest.mark.django_db
def test_client_logs_in_to_the_client_area(client_a_user):
    response = login(WebClient(), reverse("portal:login"), client_a_user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dashboard")


@pytest.mark.django_db
def test_staff_login_refuses_a_client(client_a_user):
    response = login(WebClient(), reverse("staff:login"), client_a_user.email)
    assert response.status_code == 200
    assert "This login is for staff" in response.content.decode()


@pytest.mark.django_db
def test_staff_logging_in_at_the_client_login_lands_in_the_staff_area(staff_user):
    response = login(WebClient(), reverse("portal:login"), staff_user.email)
    assert response["Location"] == reverse("staff:dashboard")


@pytest.mark.django_db
def test_closed_client_cannot_log_in(client_a_user):
    client_a_user.client.status = ClientStatus.CLOSED
    client_a_user.client.save()
    response = login(WebClient(), reverse("portal:login"), client_a_user.email)
    assert "This account is closed" in response.content.decode()


@pytest.mark.django_db
def test_wrong_password_keeps_the_email_and_says_so(client_a_user):
    response = login(WebClient(), reverse("portal:login"), client_a_user.email, "wrong")
    html = response.content.decode()
    assert "The e-mail address or password is not right." in html
    assert f'value="{client_a_user.email}"' in html


@pytest.mark.django_db
def test_login_is_throttled_after_repeated_failures(client_a_user):
    web = WebClient()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login(web, reverse("portal:login"), client_a_user.email, "wrong")
    response = login(web, reverse("portal:login"), client_a_user.email)
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in web.session


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2(client_a_user):
    assert client_a_user.password.startswith("argon2")


@pytest.mark.django_db
def test_open_redirect_after_login_is_refused(client_a_user):
    web = WebClient()
    response = web.post(
        reverse("portal:login"),
        {"email": client_a_user.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("portal:dashboard")


@pytest.mark.django_db
def test_logout_needs_post(client_a_web):
    assert client_a_web.get(reverse("logout")).status_code == 405
    assert client_a_web.post(reverse("logout"))["Location"] == reverse("portal:login")


@pytest.mark.django_db
def test_csrf_is_enforced_on_login(client_a_user):
    web = WebClient(enforce_csrf_checks=True)
    response = login(web, reverse("portal:login"), client_a_user.email)
    assert response.status_code == 403


@pytest.mark.django_db
def test_language_switch_is_remembered_for_the_user(client_a_web, client_a_user):
    client_a_web.post(reverse("language_switch"), {"language": "nl", "next": "/"})
    client_a_user.refresh_from_db()
    assert client_a_user.language == "nl"
    html = client_a_web.get(reverse("portal:dashboard")).content.decode()
    assert 'lang="nl"' in html
    assert "Mijn gegevens" in html
