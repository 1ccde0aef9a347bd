"""Logins taken over from an older WHMCS with an HMAC-SHA256 "hex digest:secret" password hash:
the password is checked as PHP's hash_hmac('sha256', password, secret), then rehashed with argon2."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher
from django.test import Client as WebClient
from django.urls import reverse

from hostwerk.accounts.hashers import whmcs_password_encoded
from hostwerk.accounts.models import User

# RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
RFC4231_DIGEST = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
RFC4231_PASSWORD = "what do ya want for nothing?"


def whmcs_hmac(password: str, secret: str) -> str:
    return hmac.new(secret.encode(), password.encode(), hashlib.sha256).hexdigest() + ":" + secret


def test_the_hmac_form_is_checked_against_a_published_test_vector():
    encoded = whmcs_password_encoded(f"{RFC4231_DIGEST}:Jefe")
    assert encoded == f"whmcs_hmac_sha256${RFC4231_DIGEST}$Jefe"
    assert identify_hasher(encoded).algorithm == "whmcs_hmac_sha256"
    assert check_password(RFC4231_PASSWORD, encoded)
    assert not check_password(RFC4231_PASSWORD.upper(), encoded)
    assert identify_hasher(encoded).must_update(encoded)


@pytest.mark.parametrize("secret", ["a:b:c", "with$dollar", "é-accent", "x" * 40])
def test_any_secret_after_the_first_colon_is_the_key(secret):
    stored = whmcs_hmac("Geheim-2013!", secret)
    assert check_password("Geheim-2013!", whmcs_password_encoded(stored))
    assert check_password("Geheim-2013!", whmcs_password_encoded(stored.upper()[:64] + stored[64:]))
    assert not check_password("Geheim-2013", whmcs_password_encoded(stored))


@pytest.mark.parametrize(
    "value", [RFC4231_DIGEST, RFC4231_DIGEST + ":", RFC4231_DIGEST[:-1] + ":k"]
)
def test_an_hmac_digest_without_its_secret_is_not_taken(value):
    assert whmcs_password_encoded(value) is None


@pytest.mark.django_db
def test_a_login_with_a_whmcs_hmac_hash_works_once_and_is_upgraded_to_argon2(client_a):
    user = User.objects.create(
        email="oud@example.nl",
        client=client_a,
        password=whmcs_password_encoded(whmcs_hmac("Oude-WHMCS-2012", "k3Y:geheim")),
    )
    web = WebClient()
    wrong = web.post(reverse("portal:login"), {"email": user.email, "password": "Oude-WHMCS"})
    assert wrong.status_code == 200
    user.refresh_from_db()
    assert user.password.startswith("whmcs_hmac_sha256$")

    response = web.post(
        reverse("portal:login"), {"email": user.email, "password": "Oude-WHMCS-2012"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dashboard")
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert user.check_password("Oude-WHMCS-2012")
