"""Bearer-token authentication for API v1; sets request.actor and request.client like the web areas."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer

from hostwerk.accounts.request import ApiRequest
from hostwerk.accounts.tokens import api_token_user
from hostwerk.core.audit import Actor


class TokenAuth(HttpBearer):
    """Bearer token; with `area`, a client token also needs that permission (billing, technical)."""

    def __init__(self, area: str | None = None) -> None:
        super().__init__()
        self.area = area

    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_user(token)
        if user is None:
            return None
        if self.area is not None and self.area not in user.client_areas:
            raise HttpError(
                403, f"This login has no {self.area} permission; the client's owner can give it."
            )
        # ninja hands over a plain HttpRequest; from here on it is the ApiRequest the handlers get.
        api_request = cast(ApiRequest, request)
        api_request.user = user
        api_request.actor = Actor.for_user(
            user, via="api", ip_address=request.META.get("REMOTE_ADDR")
        )
        api_request.client = None if user.is_staff else user.client
        api_request.impersonating = False
        return user


def require_staff(request: ApiRequest) -> None:
    if not request.user.is_staff:
        raise HttpError(403, "This endpoint needs a staff token.")
