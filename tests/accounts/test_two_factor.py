"""Staff two-factor login: enrolment with a QR code, the code as second step, recovery codes,
throttling, the HOSTWERK_STAFF_2FA requirement, and client logins and API tokens unaffected."""

import re

import pyotp
import pytest
from django.test import Client as WebClient
from django.urls import reverse

from hostwerk.accounts.models import LoginFailure, RecoveryCode, User
from hostwerk.core import clock
from hostwerk.core.models import AuditEvent
from tests.factories import PASSWORD


def password_step(web, email, url="staff:login"):
    return web.post(reverse(url), {"email": email, "password": PASSWORD})


def code_for(user, *, seconds=0):
    user = User.objects.get(pk=user.pk)
    totp = pyotp.TOTP(user.totp_secret)
    return totp.at(clock.now().timestamp() + seconds)


def enrol(web, user):
    page = web.get(reverse("staff:two_factor"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "otpauth://totp/" in html
    response = web.post(reverse("staff:two_factor"), {"code": code_for(user)})
    assert response.status_code == 200
    return re.findall(r"<li>([0-9a-f]{6}-[0-9a-f]{6})</li>", response.content.decode())


def actions(user):
    return list(
        AuditEvent.objects.filter(action__startswith="user.two_factor", object_id=str(user.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


@pytest.mark.django_db
def test_enrol_then_login_needs_the_code_and_recovery_codes_work_once(staff_user):
    web = WebClient()
    password_step(web, staff_user.email)
    codes = enrol(web, staff_user)
    assert len(codes) == 10
    staff_user.refresh_from_db()
    assert staff_user.has_two_factor
    # At rest the secret is a Fernet token, not the base32 key, and codes are only hashes.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT totp_secret FROM accounts_user WHERE id = %s", [staff_user.pk])
        stored = cursor.fetchone()[0]
    assert stored != staff_user.totp_secret and stored.startswith("gAAAA")
    assert not RecoveryCode.objects.filter(code_hash__in=codes).exists()
    assert web.get(reverse("staff:client_list")).status_code == 200

    web.post(reverse("logout"))
    response = password_step(web, staff_user.email)
    assert response["Location"].startswith(reverse("staff:login_code"))
    # The password alone reaches nothing in the staff area.
    blocked = web.get(reverse("staff:client_list"))
    assert blocked.status_code == 302 and blocked["Location"].startswith(
        reverse("staff:login_code")
    )

    wrong = web.post(reverse("staff:login_code"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "This code is not right" in wrong.content.decode()
    assert web.get(reverse("staff:client_list")).status_code == 302

    # Next step's code (clock drift is allowed for one step); the current one was used to enrol.
    right = web.post(reverse("staff:login_code"), {"code": code_for(staff_user, seconds=30)})
    assert right.status_code == 302 and right["Location"] == reverse("staff:dashboard")
    assert web.get(reverse("staff:client_list")).status_code == 200

    # A recovery code works once.
    for attempt in range(2):
        other = WebClient()
        password_step(other, staff_user.email)
        response = other.post(reverse("staff:login_code"), {"code": codes[0].upper()})
        if attempt == 0:
            assert response.status_code == 302
            assert other.get(reverse("staff:client_list")).status_code == 200
        else:
            assert response.status_code == 200
            assert other.get(reverse("staff:client_list")).status_code == 302

    assert actions(staff_user) == [
        "user.two_factor_enrol",
        "user.two_factor_failed",
        "user.two_factor_login",
        "user.two_factor_recovery_code_used",
        "user.two_factor_failed",
    ]


@pytest.mark.django_db
def test_a_code_works_only_once(staff_user):
    web = WebClient()
    password_step(web, staff_user.email)
    enrol(web, staff_user)
    web.post(reverse("logout"))
    password_step(web, staff_user.email)
    # The code that confirmed the enrolment cannot log in again.
    response = web.post(reverse("staff:login_code"), {"code": code_for(staff_user)})
    assert response.status_code == 200


@pytest.mark.django_db
def test_wrong_codes_are_throttled(staff_user, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    web = WebClient()
    password_step(web, staff_user.email)
    enrol(web, staff_user)
    web.post(reverse("logout"))
    password_step(web, staff_user.email)
    for _attempt in range(3):
        web.post(reverse("staff:login_code"), {"code": "123456"})
    response = web.post(reverse("staff:login_code"), {"code": code_for(staff_user, seconds=30)})
    assert "Too many wrong codes" in response.content.decode()
    assert web.get(reverse("staff:client_list")).status_code == 302
    assert LoginFailure.objects.filter(email=f"2fa:{staff_user.pk}").count() == 3


@pytest.mark.django_db
def test_with_the_setting_on_staff_without_2fa_must_enrol(staff_user, settings):
    settings.HOSTWERK_STAFF_2FA = True
    web = WebClient()
    response = password_step(web, staff_user.email)
    assert response["Location"].startswith(reverse("staff:two_factor"))
    for url in (reverse("staff:dashboard"), reverse("staff:client_list"), "/django-admin/"):
        blocked = web.get(url)
        assert blocked.status_code == 302
        assert blocked["Location"].startswith(reverse("staff:two_factor"))
    page = web.get(reverse("staff:two_factor"))
    assert "Staff logins need two-factor login" in page.content.decode()
    bad = web.post(reverse("staff:two_factor"), {"code": "12"})
    assert bad.status_code == 200 and "This code is not right" in bad.content.decode()
    assert len(enrol(web, staff_user)) == 10
    assert web.get(reverse("staff:client_list")).status_code == 200


@pytest.mark.django_db
def test_staff_at_the_client_login_also_needs_the_second_step(staff_user, settings):
    settings.HOSTWERK_STAFF_2FA = True
    web = WebClient()
    response = password_step(web, staff_user.email, url="portal:login")
    assert response["Location"].startswith(reverse("staff:two_factor"))
    assert web.get(reverse("portal:dashboard")).status_code == 302


@pytest.mark.django_db
def test_client_logins_and_api_tokens_are_unaffected(client_a_user, staff_user, settings):
    settings.HOSTWERK_STAFF_2FA = True
    web = WebClient()
    response = password_step(web, client_a_user.email, url="portal:login")
    assert response["Location"] == reverse("portal:dashboard")
    assert web.get(reverse("portal:dashboard")).status_code == 200
    assert web.get(reverse("staff:login_code")).status_code == 302

    from tests.support.api import ApiClient, token_for

    api = ApiClient(token_for(staff_user))
    assert api.get("/clients").status_code == 200
