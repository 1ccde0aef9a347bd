"""API tokens: hashed at rest, shown once, revocable; no token, no data."""

import hashlib

import pytest
from django.core.management import call_command

from hostwerk.accounts.models import ApiToken
from hostwerk.accounts.tokens import api_token_revoke
from hostwerk.core.audit import Actor
from tests.support.api import ApiClient


@pytest.mark.django_db
def test_requests_without_a_token_get_401():
    assert ApiClient(None).get("/clients").status_code == 401


@pytest.mark.django_db
def test_wrong_token_gets_401(staff_api):
    assert ApiClient("hw_000000000000_nope").get("/clients").status_code == 401


@pytest.mark.django_db
def test_tokens_are_stored_as_a_hash_only(staff_user):
    from tests.support.api import token_for

    plain = token_for(staff_user)
    stored = ApiToken.objects.get(user=staff_user)
    assert stored.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in (stored.token_hash, stored.prefix, stored.name)


@pytest.mark.django_db
def test_revoked_token_is_refused(staff_user):
    from tests.support.api import token_for

    api = ApiClient(token_for(staff_user))
    assert api.get("/clients").status_code == 200
    api_token_revoke(actor=Actor.system(), token=ApiToken.objects.get(user=staff_user))
    assert api.get("/clients").status_code == 401


@pytest.mark.django_db
def test_create_api_token_command_prints_the_token_as_last_line(staff_user, capsys):
    call_command("create_api_token", staff_user.email)
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert ApiClient(token).get("/clients").status_code == 200


@pytest.mark.django_db
def test_openapi_schema_and_docs_are_served():
    web = ApiClient(None).web
    schema = web.get("/api/v1/openapi.json").json()
    assert "/api/v1/clients" in schema["paths"]
    docs = web.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()
