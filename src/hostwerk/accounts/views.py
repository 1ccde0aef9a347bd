"""Login, logout and language switching for both areas."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from hostwerk.accounts.actions import user_set_language
from hostwerk.accounts.forms import LoginForm


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@sensitive_post_parameters("password")
def login_view(request: HttpRequest, *, staff_area: bool) -> HttpResponse:
    home = reverse("staff:dashboard") if staff_area else reverse("portal:dashboard")
    if request.user.is_authenticated and (request.user.is_staff or not staff_area):
        return redirect(reverse("staff:dashboard") if request.user.is_staff else home)
    form = LoginForm(request, request.POST or None, staff_area=staff_area)
    if request.method == "POST" and form.is_valid():
        login(request, form.user)
        translation.activate(form.user.language)
        fallback = reverse("staff:dashboard") if form.user.is_staff else home
        response = redirect(_safe_next(request, fallback))
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.user.language, samesite="Lax")
        return response
    template = "staff/login.html" if staff_area else "portal/login.html"
    return render(request, template, {"form": form, "next": request.GET.get("next", "")})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    was_staff = request.user.is_authenticated and request.user.is_staff
    logout(request)
    return redirect("staff:login" if was_staff else "portal:login")


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=language)
    response = redirect(_safe_next(request, reverse("portal:dashboard")))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response
