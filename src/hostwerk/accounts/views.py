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
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from hostwerk.accounts.actions import (
    LoginLinkInvalid,
    TwoFactorRefused,
    login_link_valid,
    password_reset_request,
    password_set_with_link,
    two_factor_confirm,
    two_factor_enrolment_start,
    two_factor_uri,
    two_factor_verify,
    user_set_language,
)
from hostwerk.accounts.forms import LoginForm, PasswordForgotForm, TwoFactorCodeForm
from hostwerk.accounts.impersonation import client_ip
from hostwerk.accounts.middleware import (
    TWO_FACTOR_SESSION_KEY,
    two_factor_done,
    two_factor_needed,
)
from hostwerk.accounts.models import LoginLinkPurpose, User


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
    if request.method == "POST" and form.is_valid() and form.user is not None:
        login(request, form.user)
        translation.activate(form.user.language)
        fallback = reverse("staff:dashboard") if form.user.is_staff else home
        target = _safe_next(request, fallback)
        if two_factor_needed(form.user):
            # The password was right; the session counts once the second step is done too.
            step = "staff:login_code" if form.user.has_two_factor else "staff:two_factor"
            target = f"{reverse(step)}?{urlencode({'next': target})}"
        response = redirect(target)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.user.language, samesite="Lax")
        return response
    template = "staff/login.html" if staff_area else "portal/login.html"
    return render(request, template, {"form": form, "next": request.GET.get("next", "")})


def _two_factor_login(request: HttpRequest) -> User | HttpResponse:
    """The start of both two-factor pages: only a staff login that has just given its password."""
    user = request.user
    if not user.is_authenticated:
        return redirect("staff:login")
    if not user.is_staff:
        return redirect("portal:dashboard")
    return user


@sensitive_post_parameters("code")
def login_code(request: HttpRequest) -> HttpResponse:
    """Second login step for staff with two-factor login: an authenticator or recovery code."""
    user = _two_factor_login(request)
    if isinstance(user, HttpResponse):
        return user
    if not user.has_two_factor:
        return redirect("staff:two_factor")
    target = _safe_next(request, reverse("staff:dashboard"))
    if two_factor_done(request):
        return redirect(target)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            how = two_factor_verify(
                user=user, code=form.cleaned_data["code"], ip_address=client_ip(request)
            )
        except TwoFactorRefused as exc:
            form.add_error("code", str(exc))
        else:
            request.session.cycle_key()
            request.session[TWO_FACTOR_SESSION_KEY] = user.pk
            if how == "recovery_code":
                left = user.recovery_codes.filter(used_at__isnull=True).count()
                messages.warning(
                    request,
                    _(
                        "You logged in with a recovery code; %(left)s are left. "
                        "Each works only once."
                    )
                    % {"left": left},
                )
            return redirect(target)
    return render(
        request,
        "staff/login_code.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
    )


def _qr_svg(data: str) -> str:
    import segno

    # Rendered here (no outside service sees the secret); inline SVG, without XML declaration.
    return segno.make(data, error="m").svg_inline(scale=5, dark="#000", light="#fff")


@sensitive_post_parameters("code")
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up two-factor login: scan the QR code (or type the URI), confirm with a code,
    and get the recovery codes, shown this once."""
    user = _two_factor_login(request)
    if isinstance(user, HttpResponse):
        return user
    target = _safe_next(request, reverse("staff:dashboard"))
    if user.has_two_factor:
        if not two_factor_done(request):
            return redirect(f"{reverse('staff:login_code')}?{urlencode({'next': target})}")
        return render(request, "staff/two_factor.html", {"enrolled": True, "user": user})
    user = two_factor_enrolment_start(user=user)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor_confirm(
                user=user, code=form.cleaned_data["code"], ip_address=client_ip(request)
            )
        except TwoFactorRefused as exc:
            form.add_error("code", str(exc))
        else:
            request.session.cycle_key()
            request.session[TWO_FACTOR_SESSION_KEY] = user.pk
            return render(
                request,
                "staff/two_factor.html",
                {"recovery_codes": codes, "next": target, "user": user},
            )
    uri = two_factor_uri(user=user)
    return render(
        request,
        "staff/two_factor.html",
        {
            "form": form,
            "otpauth_uri": uri,
            "secret": user.totp_secret,
            "qr_svg": _qr_svg(uri),
            "next": request.POST.get("next") or request.GET.get("next", ""),
            "required": two_factor_needed(user),
        },
    )


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
