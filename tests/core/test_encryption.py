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
