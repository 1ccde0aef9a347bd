"""Several logins per client: owner, billing, technical and all, in the client area and the API;
logins managed by staff, by the owner and through the API; never visible to another client."""

from __future__ import annotations

import pytest
from django.test import Client as WebClient
from django.urls import reverse

from hostwerk.accounts.models import User
from hostwerk.core.models import AuditEvent
from hostwerk.notifications.models import OutgoingEmail
from tests.factories import ClientUserFactory
from tests.support.api import ApiClient, token_for

pytestmark = pytest.mark.django_db

BILLING_PAGES = ["portal:invoice_list", "portal:order_list", "portal:catalogue", "portal:profile"]
TECHNICAL_PAGES = [
    "portal:service_list",
    "portal:domain_list",
    "portal:zone_list",
    "portal:mailbox_list",
]


def web_for(user) -> WebClient:
    web = WebClient()
    web.force_login(user)
    return web


@pytest.fixture
def logins(client_a, client_a_user):
    """Client A's owner (client_a_user) and one login of each other kind."""
    return {
        "owner": client_a_user,
        **{
            access: ClientUserFactory(client=client_a, client_access=access, email=f"{access}@a.nl")
            for access in ("all", "billing", "technical")
        },
    }


@pytest.mark.parametrize(
    ("access", "billing", "technical", "logins_page"),
    [
        ("owner", 200, 200, 200),
        ("all", 200, 200, 403),
        ("billing", 200, 403, 403),
        ("technical", 403, 200, 403),
    ],
)
def test_each_permission_opens_its_own_part_of_the_client_area(
    logins, access, billing, technical, logins_page
):
    web = web_for(logins[access])
    assert {name: web.get(reverse(name)).status_code for name in BILLING_PAGES} == dict.fromkeys(
        BILLING_PAGES, billing
    )
    assert {name: web.get(reverse(name)).status_code for name in TECHNICAL_PAGES} == dict.fromkeys(
        TECHNICAL_PAGES, technical
    )
    assert web.get(reverse("portal:user_list")).status_code == logins_page
    assert web.get(reverse("portal:dashboard")).status_code == 200


def test_the_menu_shows_only_what_the_login_may_open(logins):
    html = web_for(logins["technical"]).get(reverse("portal:dashboard")).content.decode()
    assert reverse("portal:service_list") in html
    assert reverse("portal:invoice_list") not in html
    assert reverse("portal:catalogue") not in html
    html = web_for(logins["billing"]).get(reverse("portal:dashboard")).content.decode()
    assert reverse("portal:invoice_list") in html
    assert reverse("portal:service_list") not in html


def test_a_refused_page_says_why(logins):
    response = web_for(logins["billing"]).get(reverse("portal:zone_list"))
    assert response.status_code == 403
    assert "services, domains, DNS and mailboxes are for logins with technical permission" in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("access", "invoices", "services", "patch"),
    [
        ("owner", 200, 200, 200),
        ("billing", 200, 403, 200),
        ("technical", 403, 200, 403),
    ],
)
def test_client_tokens_follow_the_same_permissions(
    logins, client_a, access, invoices, services, patch
):
    api = ApiClient(token_for(logins[access]))
    assert api.get("/invoices").status_code == invoices
    assert api.get("/orders/999999").status_code in ((403,) if invoices == 403 else (404,))
    assert api.get("/domains/999999").status_code in ((403,) if services == 403 else (404,))
    assert api.get(f"/clients/{client_a.pk}").status_code == 200
    response = api.patch(f"/clients/{client_a.pk}", {"city": "Utrecht"})
    assert response.status_code == patch


def test_staff_adds_a_billing_login_with_an_invitation(staff_web, client_a, client_a_user):
    url = reverse("staff:client_user_add", args=[client_a.pk])
    form = staff_web.get(url).context["form"]
    assert [value for value, _ in form.fields["permissions"].choices] == [
        "all",
        "billing",
        "technical",
    ]  # there is an owner already

    response = staff_web.post(
        url, {"email": "Boekhouder@Example.nl", "permissions": "billing", "invite": "on"}
    )

    assert response.status_code == 302
    user = User.objects.get(email="boekhouder@example.nl")
    assert (user.client, user.client_access, user.has_usable_password()) == (
        client_a,
        "billing",
        False,
    )
    [email] = OutgoingEmail.objects.all()
    assert (email.template, email.to) == ("login_invitation", "boekhouder@example.nl")
    # The invitation promises only what a billing login can reach.
    assert email.language == client_a.language
    assert ("invoices" in email.body_text) or ("facturen" in email.body_text)
    assert "DNS" not in email.body_text
    page = staff_web.get(reverse("staff:client_detail", args=[client_a.pk])).content.decode()
    assert "boekhouder@example.nl" in page
    assert "invited; no password chosen yet" in page


def test_staff_removes_a_login_but_never_the_owner(staff_web, logins, client_a):
    remove = reverse("staff:client_user_remove", args=[client_a.pk, logins["billing"].pk])
    assert staff_web.post(remove).status_code == 302
    assert not User.objects.filter(pk=logins["billing"].pk).exists()
    assert AuditEvent.objects.filter(action="client_user.remove", client=client_a).exists()

    owner = reverse("staff:client_user_remove", args=[client_a.pk, logins["owner"].pk])
    staff_web.post(owner)
    assert User.objects.filter(pk=logins["owner"].pk).exists()


def test_the_owner_invites_and_removes_logins_in_the_client_area(logins):
    web = web_for(logins["owner"])
    response = web.post(
        reverse("portal:user_list"), {"email": "webbouwer@example.nl", "permissions": "technical"}
    )
    assert response.status_code == 302
    user = User.objects.get(email="webbouwer@example.nl")
    assert (user.client, user.client_access) == (logins["owner"].client, "technical")
    assert OutgoingEmail.objects.get().to == "webbouwer@example.nl"
    event = AuditEvent.objects.get(action="client_user.create")
    assert (event.actor, event.actor_kind) == (logins["owner"], "client")

    assert web.post(reverse("portal:user_remove", args=[user.pk])).status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()


def test_the_owner_cannot_give_a_second_owner_or_touch_another_clients_logins(
    logins, client_b_user
):
    web = web_for(logins["owner"])
    response = web.post(
        reverse("portal:user_list"), {"email": "tweede@example.nl", "permissions": "owner"}
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="tweede@example.nl").exists()
    assert web.post(reverse("portal:user_remove", args=[client_b_user.pk])).status_code == 404
    assert User.objects.filter(pk=client_b_user.pk).exists()


def test_logins_page_query_count_does_not_grow(logins, django_assert_max_num_queries):
    web = web_for(logins["owner"])
    web.get(reverse("portal:user_list"))
    with django_assert_max_num_queries(12) as few:
        web.get(reverse("portal:user_list"))
    ClientUserFactory.create_batch(10, client=logins["owner"].client, client_access="all")
    with django_assert_max_num_queries(len(few.captured_queries)):
        web.get(reverse("portal:user_list"))


# -- API ---------------------------------------------------------------------------------------


def test_api_creates_a_client_with_an_invitation_by_default(staff_api):
    body = {"first_name": "Jan", "last_name": "Jansen", "email": "jan@jansen.nl"}
    response = staff_api.post("/clients", body)
    assert response.status_code == 201, response.content
    user = User.objects.get(email="jan@jansen.nl")
    assert (user.client_id, user.client_access) == (response.json()["id"], "owner")
    assert OutgoingEmail.objects.get().template == "login_invitation"

    response = staff_api.post(
        "/clients", {**body, "email": "piet@jansen.nl", "first_name": "Piet", "invite": False}
    )
    assert response.status_code == 201
    assert not User.objects.filter(email="piet@jansen.nl").exists()
    assert OutgoingEmail.objects.count() == 1


def test_api_invitation_for_an_address_with_a_login_is_422_on_email(staff_api, client_a_user):
    body = {"first_name": "Jan", "last_name": "Jansen", "email": client_a_user.email}
    response = staff_api.post("/clients", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "email"]
    assert not OutgoingEmail.objects.exists()


def test_api_adds_lists_and_removes_a_clients_users(staff_api, client_a, client_a_user):
    response = staff_api.post(
        f"/clients/{client_a.pk}/users",
        {"email": "tech@a.nl", "permissions": "technical", "invite": True},
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["email"], created["permissions"], created["password_set"]) == (
        "tech@a.nl",
        "technical",
        False,
    )
    assert OutgoingEmail.objects.get().to == "tech@a.nl"

    listed = staff_api.get(f"/clients/{client_a.pk}/users").json()["items"]
    assert [(u["email"], u["permissions"]) for u in listed] == [
        (client_a_user.email, "owner"),
        ("tech@a.nl", "technical"),
    ]

    assert staff_api.delete(f"/clients/{client_a.pk}/users/{created['id']}").status_code == 204
    assert not User.objects.filter(email="tech@a.nl").exists()


def test_api_user_with_a_bad_permission_or_address_is_422_naming_the_field(staff_api, client_a):
    bad = staff_api.post(
        f"/clients/{client_a.pk}/users", {"email": "x@a.nl", "permissions": "root"}
    )
    assert (bad.status_code, bad.json()["detail"][0]["loc"]) == (422, ["body", "permissions"])
    bad = staff_api.post(f"/clients/{client_a.pk}/users", {"email": "not-an-address"})
    assert (bad.status_code, bad.json()["detail"][0]["loc"]) == (422, ["body", "email"])
    assert not User.objects.filter(client=client_a).exists()


def test_api_staff_sends_a_password_reset(staff_api, client_a, client_a_user):
    response = staff_api.post(f"/clients/{client_a.pk}/users/{client_a_user.pk}/password-reset")
    assert response.status_code == 202
    assert OutgoingEmail.objects.get().template == "password_reset"


def test_a_client_never_sees_another_clients_users(client_a, client_a_user, client_b_api):
    assert client_b_api.get(f"/clients/{client_a.pk}/users").status_code == 404
    response = client_b_api.post(f"/clients/{client_a.pk}/users", {"email": "in@b.nl"})
    assert response.status_code == 404
    assert (
        client_b_api.delete(f"/clients/{client_a.pk}/users/{client_a_user.pk}").status_code == 404
    )
    assert not User.objects.filter(email="in@b.nl").exists()


def test_the_owners_token_manages_its_own_logins_other_logins_may_not(logins, client_a):
    owner = ApiClient(token_for(logins["owner"]))
    assert owner.get(f"/clients/{client_a.pk}/users").json()["count"] == 4
    response = owner.post(f"/clients/{client_a.pk}/users", {"email": "nog@a.nl"})
    assert (response.status_code, response.json()["permissions"]) == (201, "all")

    every = ApiClient(token_for(logins["all"]))
    assert every.get(f"/clients/{client_a.pk}/users").status_code == 403
    assert every.post(f"/clients/{client_a.pk}/users", {"email": "nog2@a.nl"}).status_code == 403
    reset = owner.post(f"/clients/{client_a.pk}/users/{logins['all'].pk}/password-reset")
    assert reset.status_code == 403  # staff only


def test_users_endpoint_query_count_does_not_grow(
    staff_api, client_a, django_assert_max_num_queries
):
    ClientUserFactory(client=client_a)
    staff_api.get(f"/clients/{client_a.pk}/users")
    with django_assert_max_num_queries(10) as few:
        staff_api.get(f"/clients/{client_a.pk}/users")
    ClientUserFactory.create_batch(10, client=client_a, client_access="billing")
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff_api.get(f"/clients/{client_a.pk}/users")
