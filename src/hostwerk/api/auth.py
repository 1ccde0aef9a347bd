"""Bearer-token authentication for API v1; sets request.actor and request.client like the web areas."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer

from hostwerk.accounts.tokens import api_token_user
from hostwerk.core.audit import Actor


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_user(token)
        if user is None:
            return None
        request.user = user
        request.actor = Actor.for_user(user, via="api", ip_address=request.META.get("REMOTE_ADDR"))
        request.client = None if user.is_staff else user.client
        request.impersonating = False
        return user


def require_staff(request: HttpRequest) -> None:
    if not request.user.is_staff:
        raise HttpError(403, "This endpoint needs a staff token.")
