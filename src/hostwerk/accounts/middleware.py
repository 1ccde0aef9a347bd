"""Per-request context: the user's language, and which client the request acts for (impersonation)."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from hostwerk.accounts.impersonation import IMPERSONATION_SESSION_KEY, request_actor
from hostwerk.accounts.request import HostwerkRequest
from hostwerk.clients.models import Client, ClientStatus
from hostwerk.core.audit import Actor

# While impersonating, nothing of the staff side is reachable: the staff member works as the client.
STAFF_ONLY_PREFIXES = ("/staff/", "/django-admin/")

# Set in the session once a staff login gave its second factor (the user's pk).
TWO_FACTOR_SESSION_KEY = "hostwerk_two_factor_user"


def two_factor_needed(user) -> bool:
    """Whether this login must give an authenticator code (or set one up) before going on."""
    return bool(user.is_staff and (user.totp_confirmed_at or settings.HOSTWERK_STAFF_2FA))


def two_factor_done(request: HttpRequest) -> bool:
    return request.session.get(TWO_FACTOR_SESSION_KEY) == request.user.pk


class StaffTwoFactorMiddleware:
    """A staff session without its second factor reaches only the code step, enrolment, logout.

    The API authenticates by token, not by session, and is not affected.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and two_factor_needed(user)
            and not two_factor_done(request)
            and not request.path.startswith(("/api/", settings.STATIC_URL or "/static/"))
        ):
            allowed = {
                reverse("staff:login_code"),
                reverse("staff:two_factor"),
                reverse("logout"),
                reverse("language_switch"),
            }
            if request.path not in allowed:
                target = "staff:login_code" if user.totp_confirmed_at else "staff:two_factor"
                return redirect_to_login(request.get_full_path(), reverse(target))
        return self.get_response(request)


class UserLanguageMiddleware:
    """Show pages in the logged-in user's own language; anonymous visitors get LocaleMiddleware's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


def _client_for(request: HostwerkRequest) -> Client | None:
    user = request.user
    if not user.is_authenticated:
        return None
    if user.is_staff:
        client_id = request.session.get(IMPERSONATION_SESSION_KEY)
        if client_id is None or not user.can_impersonate:
            return None
        return Client.objects.filter(pk=client_id).first()
    client = user.client
    if client is None or client.status == ClientStatus.CLOSED:
        return None
    return client


class ImpersonationMiddleware:
    """Sets request.client, request.impersonating and request.actor; fences off staff URLs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HostwerkRequest) -> HttpResponse:
        client = _client_for(request)
        request.client = client
        request.impersonating = bool(client is not None and request.user.is_staff)
        # What this login may use for the client; staff impersonating see what the owner sees.
        user = request.user
        request.client_areas = (
            user.client_areas if client is not None and user.is_authenticated else frozenset()
        )
        # Lazy, because most requests never audit anything; it stands in for the Actor (or None).
        request.actor = cast("Actor | None", SimpleLazyObject(lambda: request_actor(request)))
        if request.impersonating and request.path.startswith(STAFF_ONLY_PREFIXES):
            return render(
                request, "portal/impersonation_blocks_staff.html", {"client": client}, status=403
            )
        return self.get_response(request)
