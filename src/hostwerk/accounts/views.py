"""Login, logout and language switching for both areas."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from hostwerk.accounts.actions import (
    LoginLinkInvalid,
    login_link_valid,
    password_reset_request,
    password_set_with_link,
    user_set_language,
)
from hostwerk.accounts.forms import LoginForm, PasswordForgotForm
from hostwerk.accounts.impersonation import client_ip
from hostwerk.accounts.models import LoginLinkPurpose


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


@sensitive_post_parameters("email")
def password_forgot(request: HttpRequest) -> HttpResponse:
    """ "Forgot your password?": the same answer whether or not the address has a login."""
    form = PasswordForgotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_reset_request(email=form.cleaned_data["email"], ip_address=client_ip(request))
        return render(
            request, "portal/password_forgot.html", {"sent": True, "form": PasswordForgotForm()}
        )
    return render(request, "portal/password_forgot.html", {"form": form, "sent": False})


def _no_referrer(response: HttpResponse) -> HttpResponse:
    # The token is in the URL: never pass it on to another site in a Referer header.
    response["Referrer-Policy"] = "no-referrer"
    return response


@sensitive_post_parameters("new_password1", "new_password2")
def password_set(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link of an invitation or a reset: choose a password, then log in."""
    link = login_link_valid(token=token)
    if link is None:
        return _no_referrer(
            render(request, "portal/password_set.html", {"invalid": True}, status=410)
        )
    form = SetPasswordForm(link.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = password_set_with_link(
                token=token,
                password=form.cleaned_data["new_password1"],
                ip_address=client_ip(request),
            )
        except LoginLinkInvalid:
            return _no_referrer(
                render(request, "portal/password_set.html", {"invalid": True}, status=410)
            )
        if request.user.is_authenticated and request.user.pk != user.pk:
            logout(request)
        messages.success(request, _("Your password is set. Log in with it now."))
        return redirect("portal:login")
    return _no_referrer(
        render(
            request,
            "portal/password_set.html",
            {
                "form": form,
                "link_user": link.user,
                "invitation": link.purpose == LoginLinkPurpose.INVITATION,
            },
        )
    )
