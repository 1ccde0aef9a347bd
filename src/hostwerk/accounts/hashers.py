"""Password hashers for logins taken over from WHMCS: they only check a password, and Django
rehashes it with the default hasher (argon2) at the first successful login.

WHMCS 8 keeps PHP `password_hash` bcrypt hashes (`$2y$10$...`); older versions kept
md5(salt + password) as "hash:salt", HMAC-SHA256 as "hex digest:secret", or a bare md5. Imported
hashes are stored as "whmcs_bcrypt$<the PHP hash>", "whmcs_md5$<salt>$<hex digest>" and
"whmcs_hmac_sha256$<hex digest>$<secret>".

The HMAC form is PHP's `hash_hmac('sha256', $password, $secret)`: the key is the secret stored
after the colon, the message the password, both as UTF-8 bytes, written as 64 lowercase hex
digits before the colon. The digest comes first in our form because it never holds a "$" and the
secret may.
"""

from __future__ import annotations

import hashlib
import hmac

from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
from django.utils.translation import gettext_noop

BCRYPT_MAX_BYTES = 72  # bcrypt reads no further; PHP cuts the password there silently


class WhmcsBcryptPasswordHasher(BasePasswordHasher):
    algorithm = "whmcs_bcrypt"
    library = "bcrypt"

    def encode(self, password, salt):
        raise NotImplementedError("WHMCS hashes are only checked, never made")

    def salt(self):
        return ""

    def verify(self, password, encoded):
        algorithm, _, php_hash = encoded.partition("$")
        if algorithm != self.algorithm or not php_hash.startswith(("$2y$", "$2a$", "$2b$")):
            return False
        bcrypt = self._load_library()
        # PHP's $2y$ is the same algorithm as $2b$; the Python library knows only the latter.
        candidate = "$2b$" + php_hash[4:]
        try:
            return bcrypt.checkpw(
                password.encode("utf-8")[:BCRYPT_MAX_BYTES], candidate.encode("ascii")
            )
        except ValueError:
            return False

    def safe_summary(self, encoded):
        _, _, php_hash = encoded.partition("$")
        return {
            gettext_noop("algorithm"): self.algorithm,
            gettext_noop("hash"): mask_hash(php_hash),
        }

    def must_update(self, encoded):
        return True

    def harden_runtime(self, password, encoded):
        pass


class WhmcsMd5PasswordHasher(BasePasswordHasher):
    """md5(salt + password) with the salt kept beside it; an empty salt is a bare md5."""

    algorithm = "whmcs_md5"

    def encode(self, password, salt):
        raise NotImplementedError("WHMCS hashes are only checked, never made")

    def salt(self):
        return ""

    def verify(self, password, encoded):
        parts = encoded.split("$", 2)
        if len(parts) != 3 or parts[0] != self.algorithm:
            return False
        _, salt, digest = parts
        computed = hashlib.md5((salt + password).encode("utf-8"), usedforsecurity=False)
        return hmac.compare_digest(computed.hexdigest(), digest.lower())

    def safe_summary(self, encoded):
        return {
            gettext_noop("algorithm"): self.algorithm,
            gettext_noop("hash"): mask_hash(encoded.rsplit("$", 1)[-1]),
        }

    def must_update(self, encoded):
        return True

    def harden_runtime(self, password, encoded):
        pass


class WhmcsHmacSha256PasswordHasher(BasePasswordHasher):
    """HMAC-SHA256 of the password keyed with a per-login secret, as older WHMCS versions kept."""

    algorithm = "whmcs_hmac_sha256"

    def encode(self, password, salt):
        raise NotImplementedError("WHMCS hashes are only checked, never made")

    def salt(self):
        return ""

    def verify(self, password, encoded):
        parts = encoded.split("$", 2)
        if len(parts) != 3 or parts[0] != self.algorithm or not parts[2]:
            return False
        _, digest, secret = parts
        computed = hmac.new(secret.encode("utf-8"), password.encode("utf-8"), hashlib.sha256)
        return hmac.compare_digest(computed.hexdigest(), digest.lower())

    def safe_summary(self, encoded):
        return {
            gettext_noop("algorithm"): self.algorithm,
            gettext_noop("hash"): mask_hash(encoded.split("$", 2)[1] if "$" in encoded else ""),
        }

    def must_update(self, encoded):
        return True

    def harden_runtime(self, password, encoded):
        pass


def _is_hex(value: str, length: int) -> bool:
    return len(value) == length and all(char in "0123456789abcdefABCDEF" for char in value)


def whmcs_password_encoded(php_hash: str) -> str | None:
    """The Django form of a WHMCS login hash, or None for a form these hashers do not know."""
    value = (php_hash or "").strip()
    if value.startswith(("$2y$", "$2a$", "$2b$")) and len(value) == 60:
        return f"{WhmcsBcryptPasswordHasher.algorithm}${value}"
    digest, colon, salt = value.partition(":")
    if _is_hex(digest, 64) and salt:
        # HMAC-SHA256 "digest:secret"; the secret is everything after the first colon.
        return f"{WhmcsHmacSha256PasswordHasher.algorithm}${digest.lower()}${salt}"
    if _is_hex(digest, 32):
        if "$" in salt:
            return None
        return f"{WhmcsMd5PasswordHasher.algorithm}${salt if colon else ''}${digest.lower()}"
    return None
