"""Compiling and rendering staff-edited e-mail templates in a restricted template engine.

Staff write templates in Django's language, but with only the tags of template_library.py (no
{% load %}, {% include %}, {% extends %}, {% debug %}) and no template loader at all, so a
template reaches nothing but the variables its kind is given. A template that does not compile,
or that names a variable its kind does not have, is refused with the line to fix.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

from django.template import Context, Engine, Template, TemplateSyntaxError
from django.template.base import FilterExpression, Node, NodeList, TokenType, Variable
from django.template.smartif import TokenBase
from django.templatetags.i18n import BlockTranslateNode
from django.utils.translation import gettext as _


class StaffTemplateEngine(Engine):
    # Replaces Django's default builtins (which include {% load %} and {% include %}) instead of
    # adding to them.
    default_builtins = ["hostwerk.notifications.template_library"]


@functools.cache
def engine() -> StaffTemplateEngine:
    # Made on first use: its library takes tags of apps that are loaded after this one.
    return StaffTemplateEngine(debug=True, loaders=[], libraries={})


# Names every template has: the loop of {% for %}, and the Context's own builtins.
ALWAYS_BOUND = frozenset({"forloop", "True", "False", "None"})
# Tags of Django's default set that staff templates may not use, for a clearer refusal.
REFUSED_TAGS = frozenset(
    {"load", "include", "extends", "block", "debug", "url", "csrf_token", "static", "ssi"}
)
_INVALID_TAG = re.compile(r"Invalid block tag on line \d+: '([^']+)'")
_BINDING_ATTRIBUTES = ("loopvars", "countervar", "asvar", "var_name", "variable_name")


class TemplateRefused(ValueError):
    """A staff template was refused; `message` says why, `line` where (None: no line)."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _attributes(item: Any) -> list[tuple[str, Any]]:
    # FilterExpression keeps its parts in __slots__, nodes in __dict__.
    names = getattr(item, "__dict__", None) or {}
    slots = [name for cls in type(item).__mro__ for name in getattr(cls, "__slots__", ())]
    return [*names.items(), *((name, getattr(item, name, None)) for name in slots)]


def _names(node_tree: Any) -> tuple[set[str], set[str]]:
    """(first names of every variable used, names the template binds itself)."""
    used: set[str] = set()
    bound: set[str] = set(ALWAYS_BOUND)
    seen: set[int] = set()
    pending = [node_tree]
    while pending:
        item = pending.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, Variable):
            if item.lookups:
                used.add(item.lookups[0])
        elif isinstance(item, list | tuple):
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, Node | NodeList | FilterExpression | TokenBase):
            if isinstance(item, Node):
                for attribute in _BINDING_ATTRIBUTES:
                    value = getattr(item, attribute, None)
                    if isinstance(value, str) and value:
                        bound.add(value)
                    elif isinstance(value, list | tuple):
                        bound.update(name for name in value if isinstance(name, str))
                bound.update(getattr(item, "extra_context", None) or {})
            if isinstance(item, BlockTranslateNode):
                # {{ name }} inside blocktranslate is a token, not a Variable.
                for token in [*item.singular, *(item.plural or [])]:
                    if token.token_type == TokenType.VAR:
                        used.add(token.contents.strip().split(".")[0])
            pending.extend(
                value
                for name, value in _attributes(item)
                if name not in ("token", "origin", "singular", "plural")
            )
    return used, bound


def template_compile(source: str, *, allowed: Iterable[str]) -> Template:
    """The compiled template, or TemplateRefused naming the line and the problem."""
    try:
        template = engine().from_string(source)
    except TemplateSyntaxError as error:
        line = getattr(error, "template_debug", {}).get("line")
        refused_tag = _INVALID_TAG.match(str(error))
        if refused_tag and refused_tag.group(1) in REFUSED_TAGS:
            reason = _("the tag %(tag)s is not allowed in e-mail templates.") % {
                "tag": refused_tag.group(1)
            }
        else:
            reason = str(error)
        raise TemplateRefused(
            _("Line %(line)s: %(error)s") % {"line": line, "error": reason} if line else reason,
            line=line,
        ) from error
    used, bound = _names(template.nodelist)
    unknown = sorted(used - bound - set(allowed))
    if unknown:
        raise TemplateRefused(
            _("Unknown variable: %(names)s. This e-mail can use: %(allowed)s.")
            % {"names": ", ".join(unknown), "allowed": ", ".join(sorted(allowed))}
        )
    return template


def template_render(
    source: str, context: dict[str, Any], *, allowed: Iterable[str], autoescape: bool
) -> str:
    """Render a staff template; `autoescape` off for subjects and text bodies."""
    template = template_compile(source, allowed=allowed)
    return template.render(Context(context, autoescape=autoescape))
