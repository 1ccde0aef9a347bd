"""API tokens: `hw_<prefix>_<secret>`, stored as a SHA-256 hash and looked up by prefix."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from hostwerk.accounts.models import ApiToken, User
from hostwerk.core.audit import Actor, audit_record

# last_used_at is refreshed at most this often, so that reads do not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(*, actor: Actor, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for `user`; the plain token is returned once and never stored."""
    prefix = secrets.token_hex(6)
    plain = f"hw_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(user=user, name=name, prefix=prefix, token_hash=_hash(plain))
    audit_record(
        actor=actor,
        action="api_token.create",
        obj=token,
        client=user.client,
        data={"user": user.email, "name": name},
    )
    return token, plain


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(actor=actor, action="api_token.revoke", obj=token, client=token.user.client)


def api_token_user(plain: str) -> User | None:
    """The active user a presented token belongs to, or None."""
    parts = plain.split("_")
    if len(parts) < 3 or parts[0] != "hw":
        return None
    token = (
        ApiToken.objects.select_related("user", "user__client")
        .filter(prefix=parts[1], revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.token_hash, _hash(plain)):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
