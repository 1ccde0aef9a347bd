"""Template helpers of the DNS screens, which the staff and client areas share."""

from __future__ import annotations

from django import template
from django.urls import reverse

from hostwerk.core.domain_names import name_to_unicode
from hostwerk.dns.publishers import publishes_remotely

register = template.Library()


@register.simple_tag(takes_context=True)
def area_url(context, name: str, *args) -> str:
    """A URL of the area the page belongs to: area_url "zone_detail" zone.pk -> staff:... or portal:..."""
    return reverse(f"{context['area']}:{name}", args=args)


@register.filter
def unicode_name(name: str) -> str:
    """ "xn--bcher-kva" -> "bücher" for display; other names unchanged."""
    return name_to_unicode(name or "")


@register.simple_tag
def dns_publishes_remotely() -> bool:
    return publishes_remotely()
