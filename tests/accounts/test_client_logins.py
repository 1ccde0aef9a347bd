"""Client logins: invitations, password resets and the forgotten-password form, one-time links."""

from __future__ import annotations

import re

import pytest
from django.test import Client as WebClient
from django.urls import reverse

from hostwerk.accounts.actions import login_link_send, token_hash
from hostwerk.accounts.models import LoginLink, User
from hostwerk.core.audit import Actor
from hostwerk.core.models import AuditEvent
from hostwerk.notifications.models import OutgoingEmail
from tests.factories import PASSWORD, ClientFactory, ClientUserFactory
from tests.staff.test_clients import NEW_CLIENT

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Zeven zilveren zwaluwen 77"
LINK = re.compile(r"https?://[^/\s]+(/password/set/[A-Za-z0-9_-]+/)")


def link_in(email: OutgoingEmail) -> str:
    [path] = set(LINK.findall(email.body_text))
    assert path in email.body_html
    return path


def choose_password(web: WebClient, path: str, password: str = NEW_PASSWORD):
    return web.post(path, {"new_password1": password, "new_password2": password})


def log_in(email: str, password: str) -> bool:
    response = WebClient().post(reverse("portal:login"), {"email": email, "password": password})
    return response.status_code == 302 and response["Location"] == reverse("portal:dashboard")


def test_invitation_then_set_password_then_log_in(staff_web):
    response = staff_web.get(reverse("staff:client_create"))
    assert response.context["form"]["invite"].initial is True

    response = staff_web.post(reverse("staff:client_create"), {**NEW_CLIENT, "invite": "on"})
    assert response.status_code == 302
    user = User.objects.get(email="jan@example.nl")
    assert (user.client.last_name, user.client_access, user.has_usable_password()) == (
        "de Vries",
        "owner",
        False,
    )
    [email] = OutgoingEmail.objects.filter(template="login_invitation")
    assert (email.to, email.language, email.client) == ("jan@example.nl", "nl", user.client)
    path = link_in(email)
    # Only a hash of the token is kept.
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert LoginLink.objects.get().token_hash == token_hash(token)
    assert token not in str(list(LoginLink.objects.values()))

    web = WebClient()
    page = web.get(path)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer"
    assert "jan@example.nl" in page.content.decode()
    assert not log_in("jan@example.nl", NEW_PASSWORD)

    response = choose_password(web, path)
    assert (response.status_code, response["Location"]) == (302, reverse("portal:login"))
    assert log_in("jan@example.nl", NEW_PASSWORD)
    assert list(
        AuditEvent.objects.filter(object_id=str(user.pk), object_type="accounts.user")
        .order_by("id")
        .values_list("action", "actor_kind")
    ) == [
        ("client_user.create", "staff"),
        ("user.invitation_send", "staff"),
        ("user.password_set", "client"),
    ]


def test_a_used_link_is_refused_and_changes_nothing(client_a_user):
    login_link_send(actor=Actor.system(), user=client_a_user, purpose="password_reset")
    path = link_in(OutgoingEmail.objects.get(template="password_reset"))
    assert choose_password(WebClient(), path).status_code == 302

    again = WebClient().get(path)
    assert again.status_code == 410
    assert "This link has expired or has already been used." in again.content.decode()
    refused = choose_password(WebClient(), path, "Een heel ander wachtwoord 12")
    assert refused.status_code == 410
    assert log_in(client_a_user.email, NEW_PASSWORD)
    assert not log_in(client_a_user.email, "Een heel ander wachtwoord 12")


def test_an_expired_link_is_refused(client_a_user, settings):
    settings.HOSTWERK_PASSWORD_RESET_LINK_HOURS = 0
    login_link_send(actor=Actor.system(), user=client_a_user, purpose="password_reset")
    path = link_in(OutgoingEmail.objects.get(template="password_reset"))

    assert WebClient().get(path).status_code == 410
    assert choose_password(WebClient(), path).status_code == 410
    assert log_in(client_a_user.email, PASSWORD)


def test_a_new_link_ends_the_earlier_one(client_a_user):
    for _ in range(2):
        login_link_send(actor=Actor.system(), user=client_a_user, purpose="password_reset")
    first, second = (link_in(e) for e in OutgoingEmail.objects.order_by("id"))
    assert WebClient().get(first).status_code == 410
    assert WebClient().get(second).status_code == 200


def test_a_made_up_link_is_refused():
    assert WebClient().get("/password/set/not-a-real-token/").status_code == 410


def test_a_weak_password_is_refused_and_the_link_still_works(client_a_user):
    login_link_send(actor=Actor.system(), user=client_a_user, purpose="password_reset")
    path = link_in(OutgoingEmail.objects.get())
    response = choose_password(WebClient(), path, "12345678")
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert choose_password(WebClient(), path).status_code == 302


def _forgot(email: str) -> tuple[int, str]:
    response = WebClient().post(reverse("password_forgot"), {"email": email})
    # The page's CSRF tokens differ per response; everything else must be the same.
    html = re.sub(
        r'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]+"', "", response.content.decode()
    )
    return response.status_code, html


def test_forgot_password_answers_the_same_for_a_known_and_an_unknown_address(client_a_user):
    page = WebClient().get(reverse("portal:login")).content.decode()
    assert f'href="{reverse("password_forgot")}"' in page

    known = _forgot(client_a_user.email)
    unknown = _forgot("nobody-here@example.nl")

    assert known == unknown
    assert known[0] == 200
    assert "If this address belongs to a login for our client area" in known[1]
    [email] = OutgoingEmail.objects.all()
    assert (email.template, email.to) == ("password_reset", client_a_user.email)
    assert choose_password(WebClient(), link_in(email)).status_code == 302
    assert log_in(client_a_user.email, NEW_PASSWORD)
    assert not log_in(client_a_user.email, PASSWORD)


def test_forgot_password_sends_nothing_for_staff_or_closed_clients(staff_user, client_a_user):
    client_a_user.client.status = "closed"
    client_a_user.client.save()
    assert _forgot(staff_user.email) == _forgot(client_a_user.email)
    assert not OutgoingEmail.objects.exists()


def test_forgot_password_sends_at_most_three_links_an_hour(client_a_user):
    for _ in range(5):
        _forgot(client_a_user.email)
    assert OutgoingEmail.objects.count() == 3


def test_forgot_password_for_an_invited_login_sends_the_invitation_again(staff_user):
    client = ClientFactory(email="nieuw@example.nl")
    from hostwerk.accounts.actions import client_user_create

    client_user_create(
        actor=Actor.for_user(staff_user),
        client=client,
        email=client.email,
        access="owner",
        invite=False,
    )
    _forgot("nieuw@example.nl")
    assert list(OutgoingEmail.objects.values_list("template", flat=True)) == ["login_invitation"]


def test_staff_sends_a_password_reset_from_the_client_page(staff_web, client_a_user):
    client = client_a_user.client
    page = staff_web.get(reverse("staff:client_detail", args=[client.pk])).content.decode()
    assert "Send password reset" in page

    response = staff_web.post(
        reverse("staff:client_user_send_link", args=[client.pk, client_a_user.pk])
    )
    assert response.status_code == 302
    [email] = OutgoingEmail.objects.all()
    assert (email.template, email.to) == ("password_reset", client_a_user.email)
    assert AuditEvent.objects.filter(
        action="user.password_reset_send", actor_kind="staff", client=client
    ).exists()


def test_staff_cannot_send_a_link_for_another_clients_login(staff_web, client_a_user, client_b):
    url = reverse("staff:client_user_send_link", args=[client_b.pk, client_a_user.pk])
    assert staff_web.post(url).status_code == 404
    assert not OutgoingEmail.objects.exists()


def test_creating_a_client_without_invitation_makes_no_login(staff_web):
    response = staff_web.post(reverse("staff:client_create"), NEW_CLIENT)
    assert response.status_code == 302
    assert not User.objects.filter(email="jan@example.nl").exists()
    assert not OutgoingEmail.objects.exists()


def test_inviting_with_an_address_that_already_has_a_login_keeps_the_form(staff_web):
    ClientUserFactory(email="jan@example.nl")
    response = staff_web.post(reverse("staff:client_create"), {**NEW_CLIENT, "invite": "on"})
    assert response.status_code == 200
    assert "There is already a login with this e-mail address" in response.content.decode()
    assert response.context["form"]["last_name"].value() == "de Vries"
    assert not OutgoingEmail.objects.exists()
