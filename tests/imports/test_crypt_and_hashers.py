"""WHMCS's secret encryption and the password hashers that accept WHMCS login hashes."""

from __future__ import annotations

import base64
import hashlib

import bcrypt
import pytest
from django.contrib.auth.hashers import check_password, identify_hasher

from hostwerk.accounts.hashers import whmcs_password_encoded
from hostwerk.imports.whmcs.crypt import DecryptionFailed, whmcs_decrypt, whmcs_encrypt

HASH = "a1b2c3d4e5f60718293a4b5c6d7e8f90"


@pytest.mark.parametrize(
    "secret", ["x", "exactly twenty bytes", "Wachtw00rd met é en 41 tekens!!", "a" * 95]
)
def test_a_secret_survives_encryption_over_several_key_blocks(secret):
    assert (
        whmcs_decrypt(whmcs_encrypt(secret, encryption_hash=HASH), encryption_hash=HASH) == secret
    )


def test_the_iv_is_masked_with_the_sha1_of_the_derived_key():
    iv = bytes(range(20))
    raw = base64.b64decode(whmcs_encrypt("geheim", encryption_hash=HASH, iv=iv))
    inner = hashlib.md5(HASH.encode()).hexdigest()
    key = (hashlib.md5(inner.encode()).hexdigest() + inner).encode()
    mask = hashlib.sha1(key).digest()
    assert bytes(a ^ b for a, b in zip(raw[:20], mask, strict=True)) == iv
    # The first block of plaintext is XORed with the IV itself.
    assert bytes(a ^ b for a, b in zip(raw[20:], iv, strict=False)) == b"geheim"


@pytest.mark.parametrize("value", ["", "not base64!", base64.b64encode(b"short").decode()])
def test_what_is_not_a_whmcs_secret_is_refused(value):
    with pytest.raises(DecryptionFailed):
        whmcs_decrypt(value, encryption_hash=HASH)


def test_a_wrong_hash_is_refused_rather_than_giving_garbage():
    encrypted = whmcs_encrypt("a password of some length", encryption_hash=HASH)
    with pytest.raises(DecryptionFailed):
        whmcs_decrypt(encrypted, encryption_hash="another hash")


def test_php_bcrypt_hashes_are_checked_and_marked_for_rehashing():
    php = "$2y$" + bcrypt.hashpw(b"geheim", bcrypt.gensalt(rounds=4)).decode()[4:]
    encoded = whmcs_password_encoded(php)
    assert encoded == f"whmcs_bcrypt${php}"
    assert identify_hasher(encoded).algorithm == "whmcs_bcrypt"
    assert check_password("geheim", encoded)
    assert not check_password("Geheim", encoded)
    assert identify_hasher(encoded).must_update(encoded)


def test_bcrypt_reads_only_the_first_72_bytes_like_php():
    php = "$2y$" + bcrypt.hashpw(b"p" * 72, bcrypt.gensalt(rounds=4)).decode()[4:]
    assert check_password("p" * 80, whmcs_password_encoded(php))


def test_salted_and_bare_md5_forms_are_checked():
    salted = hashlib.md5(b"zoutgeheim").hexdigest() + ":zout"
    assert check_password("geheim", whmcs_password_encoded(salted))
    assert not check_password("zoutgeheim", whmcs_password_encoded(salted))
    bare = hashlib.md5(b"geheim").hexdigest().upper()
    assert check_password("geheim", whmcs_password_encoded(bare))


@pytest.mark.parametrize("value", ["", "plaintext", "sha256:unknownform", "$1$abc$def"])
def test_forms_the_hashers_do_not_know_are_not_taken(value):
    assert whmcs_password_encoded(value) is None


def test_new_passwords_use_the_default_hasher(settings):
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert settings.PASSWORD_HASHERS[-3:] == [
        "hostwerk.accounts.hashers.WhmcsBcryptPasswordHasher",
        "hostwerk.accounts.hashers.WhmcsMd5PasswordHasher",
        "hostwerk.accounts.hashers.WhmcsHmacSha256PasswordHasher",
    ]
