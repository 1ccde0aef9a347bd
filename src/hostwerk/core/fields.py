"""Encrypted model fields: secrets at rest are Fernet tokens, keyed by HOSTWERK_ENCRYPTION_KEY."""

from __future__ import annotations

from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.query_utils import DeferredAttribute


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


class SealedSecret:
    """A secret as read from the database, still encrypted: opened when the model attribute is
    first read. `values()` and `values_list()` hand these out as they are; `reveal()` opens one."""

    __slots__ = ("token",)

    def __init__(self, token: str):
        self.token = token

    def reveal(self) -> str:
        return decrypt(self.token)

    def __repr__(self) -> str:
        return "<SealedSecret>"


class _DecryptedOnRead(DeferredAttribute):
    """The model attribute of an EncryptedTextField: decrypts the stored token on first read.

    A list of 50 domains selects their registrars too; decrypting each registrar's password on
    load cost more than the rest of the row, for a value that only a registrar call reads."""

    def __get__(self, instance, cls=None):
        value = super().__get__(instance, cls)
        if isinstance(value, SealedSecret):
            value = instance.__dict__[self.field.attname] = value.reveal()
        return value

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):
    """A text field whose value is encrypted in the database and plain in Python.

    The empty string stays empty (nothing to protect, and forms can tell "not set").
    """

    descriptor_class = _DecryptedOnRead

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, SealedSecret):
            return value.token
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value in (None, ""):
            return value
        return SealedSecret(value)
