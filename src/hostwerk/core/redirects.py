"""Going back where staff came from: a `next` parameter, accepted only as a path on this site."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def is_local_path(target: str) -> bool:
    """A path on this site ("/staff/orders/3/"), never another host, scheme or "//host"."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    return url_has_allowed_host_and_scheme(target, allowed_hosts=set())


def next_target(request: HttpRequest, fallback: str) -> str:
    """The request's `next` (POST, then GET) when it is a local path; otherwise `fallback`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if is_local_path(target) else fallback


def next_value(request: HttpRequest) -> str:
    """The `next` to carry in a form's hidden field: the validated value, or ""."""
    return next_target(request, "")


def url_with_next(link: str, back_to: str) -> str:
    """`link` with ?next=back_to added (before any #fragment), unless it has one or is not a path."""
    if not link.startswith("/") or not is_local_path(back_to):
        return link
    parts = urlsplit(link)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(name == "next" for name, _ in query):
        return link
    query.append(("next", back_to))
    return urlunsplit(("", "", parts.path, urlencode(query), parts.fragment))
