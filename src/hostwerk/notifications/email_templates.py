"""Which template an e-mail is rendered from: staff's override for its kind and language when
there is one, else the files under templates/notifications/<kind>/ (the default).

`render_email` is the one place every sender goes through, so an override holds for all of them.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.conf import settings
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from hostwerk.notifications.kinds import KIND_BY_NAME, KINDS, LANGUAGES, EmailKind
from hostwerk.notifications.models import EmailTemplateOverride
from hostwerk.notifications.sandbox import TemplateRefused, template_compile, template_render

logger = logging.getLogger(__name__)

PARTS = ("subject", "body_text", "body_html")
FILE_NAMES = {"subject": "subject.txt", "body_text": "body.txt", "body_html": "body.html"}
_LOAD = re.compile(r"\{%\s*load\s[^%]*%\}")
_INCLUDE = re.compile(r"\{%\s*include\s+[\"']([^\"']+)[\"']\s*%\}")
_CONTENT_BLOCK = re.compile(r"\{%\s*block\s+content\s*%\}(.*)\{%\s*endblock[^%]*%\}", re.S)


def _file_source(name: str) -> str:
    try:
        source = get_template(name).template.source
    except TemplateDoesNotExist:
        return ""
    # Staff templates cannot {% load %} or {% include %}: the defaults are shown with their
    # libraries available and their includes written out.
    source = _INCLUDE.sub(lambda match: _file_source(match.group(1)).strip(), source)
    return _LOAD.sub("", source)


_TRANSLATE = re.compile(r"""\{%\s*translate\s+(["'])(.*?)\1\s*%\}""")
_BLOCKTRANSLATE = re.compile(
    r"\{%\s*blocktranslate\b([^%]*)%\}(.*?)\{%\s*endblocktranslate\s*%\}", re.S
)
_ASSIGNMENT = re.compile(r"""(\w+)=((?:"[^"]*"|'[^']*'|[^\s"'])+)""")
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def _written_out(source: str) -> str:
    """`source` with its translate and blocktranslate tags replaced by the active language's
    text, so staff editing the Dutch e-mail start from Dutch words, not from English msgids.
    Tags with plurals, a context or `asvar` stay as they are; they still translate. (Like the
    tags, the written-out words are not escaped: they are Hostwerk's own text.)"""

    def single(match: re.Match) -> str:
        return gettext(match.group(2))

    def block(match: re.Match) -> str:
        options, body = match.group(1), match.group(2)
        words = options.split()
        if {"count", "context", "asvar"} & set(words) or "{% plural %}" in body:
            return match.group(0)
        values = dict(_ASSIGNMENT.findall(options))
        if "trimmed" in words:
            body = " ".join(body.split())
        msgid = _PLACEHOLDER.sub(lambda name: f"%({name.group(1)})s", body.replace("%", "%%"))
        translated = gettext(msgid)
        for name in _PLACEHOLDER.findall(body):
            translated = translated.replace(f"%({name})s", "{{ " + values.get(name, name) + " }}")
        return translated.replace("%%", "%")

    source = _BLOCKTRANSLATE.sub(block, source)
    return _TRANSLATE.sub(single, source)


def default_sources(kind: EmailKind, language: str = "") -> dict[str, str]:
    """The file templates' text, as a starting point for staff's own version; with `language`,
    their translated words written out in it."""
    sources = {
        part: _file_source(f"notifications/{kind.name}/{FILE_NAMES[part]}") for part in PARTS
    }
    content = _CONTENT_BLOCK.search(sources["body_html"])
    # The HTML layout (logo, greeting, signature) stays Hostwerk's; staff edit what is inside.
    sources["body_html"] = content.group(1).strip() if content else sources["body_html"].strip()
    sources["subject"] = sources["subject"].strip()
    if language:
        with translation.override(language):
            sources = {part: _written_out(source) for part, source in sources.items()}
    return sources


def override_get(kind: str, language: str) -> EmailTemplateOverride | None:
    return EmailTemplateOverride.objects.filter(kind=kind, language=language).first()


def email_templates_overview() -> list[dict[str, Any]]:
    """Every kind with its override per language (None: the file is used); one query."""
    overrides = {(row.kind, row.language): row for row in EmailTemplateOverride.objects.all()}
    return [
        {
            "kind": kind,
            "languages": [
                (language, overrides.get((kind.name, language))) for language in LANGUAGES
            ],
        }
        for kind in KINDS
    ]


def email_template_errors(kind: EmailKind, values: dict[str, str]) -> dict[str, str]:
    """Field -> why staff's template is refused: syntax (with its line), or unknown variables."""
    errors = {}
    for part in PARTS:
        if not values.get(part):
            continue
        try:
            template_compile(values[part], allowed=kind.variables)
        except TemplateRefused as refused:
            errors[part] = refused.message
    if not values.get("subject", "").strip():
        errors["subject"] = _("Enter a subject.")
    if not values.get("body_text", "").strip():
        errors["body_text"] = _("Enter the text of the e-mail.")
    return errors


def with_provider(context: dict[str, Any]) -> dict[str, Any]:
    """`context` with the provider's name, which every e-mail's header and signature show."""
    return {"seller_name": settings.HOSTWERK_SELLER_NAME, **context}


def render_sources(
    kind: EmailKind, language: str, sources: dict[str, str], context: dict[str, Any]
) -> tuple[str, str, str]:
    """(subject, text, html) of staff's templates in `language`; html empty without one."""
    allowed = kind.variables
    context = with_provider(context)
    with translation.override(language):
        subject = template_render(sources["subject"], context, allowed=allowed, autoescape=False)
        text = template_render(sources["body_text"], context, allowed=allowed, autoescape=False)
        html = ""
        if sources.get("body_html", "").strip():
            content = template_render(
                sources["body_html"], context, allowed=allowed, autoescape=True
            )
            # Rendered with autoescape on, the content is already safe HTML for the layout.
            html = render_to_string(
                "notifications/override_email.html", {**context, "content": content}
            )
    return " ".join(subject.split()), text.strip() + "\n", html


def render_email(template: str, language: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) of the e-mail `template` in `language`."""
    kind = KIND_BY_NAME.get(template)
    context = with_provider(context)
    override = override_get(template, language) if kind is not None else None
    if override is not None:
        try:
            return render_sources(
                kind, language, {part: getattr(override, part) for part in PARTS}, context
            )
        except Exception:
            # It compiled when saved; should it fail on real values, the client still gets the
            # e-mail, from the file template, and the log says which override to fix.
            logger.exception(
                "e-mail template %s (%s) failed; the file template is used", template, language
            )
    with translation.override(language):
        subject = " ".join(
            render_to_string(f"notifications/{template}/subject.txt", context).split()
        )
        text = render_to_string(f"notifications/{template}/body.txt", context)
        try:
            # Rendered with autoescape on, the content is already safe HTML for the layout.
            html = render_to_string(f"notifications/{template}/body.html", context)
        except TemplateDoesNotExist:
            html = ""
    return subject, text.strip() + "\n", html
