"""Access to the client area: a client user, or a staff member impersonating a client."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect


def client_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.client is None:
            if request.user.is_authenticated and request.user.is_staff:
                return redirect("staff:dashboard")
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper
