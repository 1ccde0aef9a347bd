"""Encrypted model fields: secrets at rest are Fernet tokens, keyed by HOSTWERK_ENCRYPTION_KEY."""

from __future__ import annotations

from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode("ascii")) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "HOSTWERK_ENCRYPTION_KEY must be one or more Fernet keys, comma-separated "
            "(create one with: hostwerk generate_encryption_key)."
        ) from exc


def encrypt(plaintext: str) -> str:
    return _fernet(tuple(settings.ENCRYPTION_KEYS)).encrypt(plaintext.encode("utf-8")).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(tuple(settings.ENCRYPTION_KEYS)).decrypt(token.encode("ascii")).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored secret cannot be decrypted with HOSTWERK_ENCRYPTION_KEY: "
            "the key changed without keeping the old one in the list."
        ) from exc


class EncryptedTextField(models.TextField):
    """A text field whose value is encrypted in the database and plain in Python.

    The empty string stays empty (nothing to protect, and forms can tell "not set").
    """

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value in (None, ""):
            return value
        return decrypt(value)
