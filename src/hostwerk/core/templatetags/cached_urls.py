"""`{% url %}` for every template, with each route reversed once per process instead of per use.

Django's reverse() walks the resolver's namespaces and candidate patterns on every call: ~40 µs,
and a staff list page asks for 40 to 70 URLs (the navigation, a link or two per row). Most are a
route name with primary keys, so the route is reversed once with placeholder numbers and each URL
is that text with the numbers filled in. Every argument is a non-negative int, and Hostwerk's
routes take them as `<int:...>` or `<str:...>`, whose converters accept any such number and write
it as `str(number)`; a route that writes its placeholder any other way, or refuses it, is left to
Django's reverse(), and so is every other use of the tag (`as`, keyword or text arguments).

Installed as a template builtin (settings.TEMPLATES), so it replaces Django's `{% url %}` tag.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

# Far beyond any primary key, so that its digits do not occur anywhere else in a URL.
_PLACEHOLDER = 987_654_321_987_654_321


@lru_cache(maxsize=1024)
def _route_parts(
    view_name: str, arity: int, current_app: str | None, urlconf: str, prefix: str
) -> tuple[str, ...] | None:
    """The route's URL split around its arguments, or None if it cannot be filled in safely.

    `prefix` is in the key only: reverse() reads the script prefix itself."""
    placeholders = [_PLACEHOLDER + position for position in range(arity)]
    try:
        url = reverse(view_name, args=placeholders, current_app=current_app, urlconf=urlconf)
    except NoReverseMatch:
        return None
    parts = []
    for placeholder in map(str, placeholders):
        before, found, url = url.partition(placeholder)
        if not found or placeholder in url:
            return None
        parts.append(before)
    parts.append(url)
    return tuple(parts)


@receiver(setting_changed)
def _forget_routes(*, setting: str, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _route_parts.cache_clear()


def route_url(view_name: str, args: list, *, current_app: str | None = None) -> str:
    """reverse(view_name, args=args, current_app=current_app) of the current URLconf."""
    if all(type(arg) is int and arg >= 0 for arg in args):
        urlconf = get_urlconf() or settings.ROOT_URLCONF
        parts = _route_parts(view_name, len(args), current_app, urlconf, get_script_prefix())
        if parts is not None:
            pieces = [parts[0]]
            for arg, after in zip(args, parts[1:], strict=True):
                pieces += [str(arg), after]
            return "".join(pieces)
    return reverse(view_name, args=args, current_app=current_app)


def _current_app(context: template.Context) -> str | None:
    """The namespace of the app that rendered the page (the Django admin's site), as Django's
    own tag picks it."""
    request = getattr(context, "request", None)
    if request is None:
        return None
    if hasattr(request, "current_app"):
        return request.current_app
    match = getattr(request, "resolver_match", None)
    return match.namespace if match is not None else None


class RouteURLNode(defaulttags.URLNode):
    def render(self, context: template.Context) -> str:
        if self.asvar or self.kwargs:
            return super().render(context)
        args = [arg.resolve(context) for arg in self.args]
        url = route_url(self.view_name.resolve(context), args, current_app=_current_app(context))
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: template.base.Parser, token: template.base.Token) -> RouteURLNode:
    """Django's `{% url %}` (same syntax, same output), reversing each route once per process."""
    node = defaulttags.url(parser, token)
    return RouteURLNode(node.view_name, node.args, node.kwargs, node.asvar)
