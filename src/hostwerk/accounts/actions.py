"""Writes on user accounts."""

from __future__ import annotations

from hostwerk.accounts.models import User


def user_set_language(*, user: User, language: str) -> None:
    # A display preference, not business data: not audited.
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
