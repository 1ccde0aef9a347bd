"""WHMCS's reversible encryption of stored secrets (service, server and registrar passwords).

WHMCS keys it with `$cc_encryption_hash` from its configuration.php. The key is
md5(md5(hash)) + md5(hash) as hex text. A secret is base64 of: a 20-byte IV masked with
sha1(key), then the plaintext XORed with a key stream of 20-byte blocks: the first block is
the IV, every next one sha1(previous block + the previous 20 bytes of plaintext).

A wrong hash does not fail loudly: it yields garbage. `whmcs_decrypt` refuses output that is
not printable text, which a real password always is.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os

BLOCK = 20  # bytes in a SHA-1 digest


class DecryptionFailed(Exception):
    """The value is not a WHMCS secret encrypted with this hash."""


def _sha1(data: bytes) -> bytes:
    return hashlib.sha1(data, usedforsecurity=False).digest()


def _key(encryption_hash: str) -> bytes:
    inner = hashlib.md5(encryption_hash.encode("utf-8"), usedforsecurity=False).hexdigest()
    outer = hashlib.md5(inner.encode("ascii"), usedforsecurity=False).hexdigest()
    return (outer + inner).encode("ascii")


def _xor(left: bytes, right: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(left, right, strict=False))


def _stream(data: bytes, *, iv: bytes, plain_of) -> bytes:
    out = bytearray()
    block_key = iv
    for start in range(0, len(data), BLOCK):
        if start:
            block_key = _sha1(block_key + plain_of(out, data)[start - BLOCK : start])
        out += _xor(data[start : start + BLOCK], block_key)
    return bytes(out)


def whmcs_encrypt(plaintext: str, *, encryption_hash: str, iv: bytes | None = None) -> str:
    """Encrypt as WHMCS does; used to build test and benchmark databases."""
    iv = iv if iv is not None else _sha1(os.urandom(32))
    data = plaintext.encode("utf-8")
    body = _stream(data, iv=iv, plain_of=lambda _out, source: source)
    return base64.b64encode(_xor(iv, _sha1(_key(encryption_hash))) + body).decode("ascii")


def whmcs_decrypt(value: str, *, encryption_hash: str) -> str:
    """The plaintext of a WHMCS secret; DecryptionFailed when it is not one under this hash."""
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise DecryptionFailed("not base64") from None
    if len(raw) <= BLOCK:
        raise DecryptionFailed("too short")
    iv = _xor(raw[:BLOCK], _sha1(_key(encryption_hash)))
    plain = _stream(raw[BLOCK:], iv=iv, plain_of=lambda out, _source: out)
    try:
        text = plain.decode("utf-8")
    except UnicodeDecodeError:
        raise DecryptionFailed("not text: wrong encryption hash?") from None
    if not text.isprintable():
        raise DecryptionFailed("not printable: wrong encryption hash?")
    return text
