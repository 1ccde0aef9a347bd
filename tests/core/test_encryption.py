"""Secrets at rest: server passwords are Fernet tokens in the database, plain in Python."""

import pytest
from django.db import connection

from tests.factories import ServerFactory


@pytest.mark.django_db
def test_server_password_is_encrypted_in_the_database():
    server = ServerFactory(password="s3cret-plesk-password")
    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM provisioning_server WHERE id = %s", [server.pk])
        stored = cursor.fetchone()[0]
    assert "s3cret" not in stored
    assert stored.startswith("gAAAA")
    server.refresh_from_db()
    assert server.password == "s3cret-plesk-password"


@pytest.mark.django_db
def test_rotated_key_still_decrypts_old_secrets(settings):
    from cryptography.fernet import Fernet

    server = ServerFactory(password="old-secret")
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.ENCRYPTION_KEYS]
    server.refresh_from_db()
    assert server.password == "old-secret"


@pytest.mark.django_db
def test_a_listed_server_decrypts_its_password_only_when_read(monkeypatch):
    from hostwerk.core import fields
    from hostwerk.provisioning.models import Server

    ServerFactory(password="listed-secret")
    opened = []
    monkeypatch.setattr(fields, "decrypt", lambda token: opened.append(token) or "listed-secret")
    server = Server.objects.get()
    assert opened == []
    assert server.password == "listed-secret"
    assert server.password == "listed-secret"
    assert len(opened) == 1


@pytest.mark.django_db
def test_a_loaded_secret_saved_again_stays_the_same_secret():
    from hostwerk.provisioning.models import Server

    server = ServerFactory(password="kept-secret", api_key="")
    loaded = Server.objects.get(pk=server.pk)
    loaded.save()
    loaded.refresh_from_db()
    assert loaded.password == "kept-secret"
    assert loaded.api_key == ""


@pytest.mark.django_db
def test_values_list_gives_sealed_secrets_that_reveal_the_plain_text():
    from hostwerk.core.fields import SealedSecret
    from hostwerk.provisioning.models import Server

    ServerFactory(password="listed-secret")
    (sealed,) = Server.objects.values_list("password", flat=True)
    assert isinstance(sealed, SealedSecret)
    assert "listed-secret" not in repr(sealed)
    assert sealed.reveal() == "listed-secret"
