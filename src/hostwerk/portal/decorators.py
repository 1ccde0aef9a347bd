"""Access to the client area: a client user, or a staff member impersonating a client."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import URLPattern


def client_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.client is None:
            if request.user.is_authenticated and request.user.is_staff:
                return redirect("staff:dashboard")
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def area_required(area: str, view):
    """Refuse (403, saying why) a login whose permissions do not include `area` (billing ...)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.client is not None and area not in request.client_areas:
            return render(request, "portal/no_access.html", {"area": area}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


def patterns_for_area(area: str, patterns: list) -> list:
    """The URL patterns of one part of the client area, each view behind `area_required`."""
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = area_required(area, pattern.callback)
    return patterns
