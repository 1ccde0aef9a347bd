"""Template helpers used by both areas: form widgets in Bootstrap style, money, status badges, paging."""

from __future__ import annotations

from django import forms, template
from django.utils.html import format_html

from hostwerk.core.audit_labels import actor_text, audit_action_label, audit_changes
from hostwerk.core.money import format_money
from hostwerk.core.redirects import url_with_next

register = template.Library()

_STATUS_COLOURS = {
    "active": "success",
    "accepted": "success",
    "done": "success",
    "paid": "success",
    "published": "success",
    "confirmed": "info",
    "pending": "warning",
    "requested": "warning",
    "unpaid": "warning",
    "pending_registration": "warning",
    "pending_transfer": "warning",
    "failed": "danger",
    "fraud": "danger",
    "suspended": "secondary",
    "inactive": "secondary",
    "cancelled": "secondary",
    "terminated": "dark",
    "closed": "dark",
    "expired": "danger",
}


@register.simple_tag
def widget(field: forms.BoundField, **attrs: str | bool) -> str:
    """Render a field's widget with the Bootstrap class its type needs, marked invalid on errors."""
    input_type = getattr(field.field.widget, "input_type", "")
    if isinstance(field.field.widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(field.field.widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    elif input_type in ("radio",):
        css = "form-check-input"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    existing = field.field.widget.attrs.get("class", "")
    attrs["class"] = f"{css} {existing} {attrs.get('class', '')}".strip()
    if field.errors:
        attrs["aria-describedby"] = f"{field.auto_id}_error"
    return field.as_widget(attrs=attrs)


@register.filter
def money(amount) -> str:
    return format_money(amount)


@register.simple_tag
def status_badge(value: str, label: str | None = None) -> str:
    colour = _STATUS_COLOURS.get(str(value), "secondary")
    return format_html(
        '<span class="badge rounded-pill text-bg-{} status-badge">{}</span>', colour, label or value
    )


@register.simple_tag(takes_context=True)
def page_url(context, page_number: int) -> str:
    """The current URL with ?page= replaced, keeping search and filter parameters."""
    query = context["request"].GET.copy()
    query["page"] = page_number
    return "?" + query.urlencode()


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, or an empty dict."""
    return (mapping or {}).get(key, {}) if hasattr(mapping, "get") else {}


@register.filter
def with_next(link: str, back_to: str) -> str:
    """A "fix it here" link that brings staff back to `back_to` after saving."""
    return url_with_next(str(link or ""), str(back_to or ""))


@register.filter
def audit_label(action: str) -> str:
    """An audit action code ("invoice.create") as its label in the current language."""
    return audit_action_label(action)


@register.filter
def actor(label: str, kind: str = "") -> str:
    """A stored actor label in the reader's language (core.audit_labels.actor_text)."""
    return actor_text(str(label or ""), str(kind or ""))


@register.filter
def audit_change_rows(event) -> list[tuple[str, str, str]]:
    """An audit event's changes as (field label, before, after), values shown by their labels."""
    return audit_changes(event)
