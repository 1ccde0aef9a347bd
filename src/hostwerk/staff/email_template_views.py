"""Staff area: the e-mails Hostwerk sends, with staff's own text per language, a live preview
with sample values, and a reset to the file template. Writes through audited actions."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hostwerk.accounts.request import StaffRequest
from hostwerk.notifications.actions import (
    EmailTemplateInvalid,
    email_template_reset,
    email_template_save,
)
from hostwerk.notifications.email_templates import (
    default_sources,
    email_templates_overview,
    override_get,
    render_sources,
)
from hostwerk.notifications.forms import EmailTemplateForm
from hostwerk.notifications.kinds import KIND_BY_NAME, LANGUAGES, EmailKind, sample_context
from hostwerk.staff import queries
from hostwerk.staff.decorators import staff_required

AUDIT_EVENTS_SHOWN = 20


def _kind_of(kind: str, language: str) -> EmailKind:
    if kind not in KIND_BY_NAME or language not in LANGUAGES:
        raise Http404
    return KIND_BY_NAME[kind]


@staff_required
def email_template_list(request: StaffRequest) -> HttpResponse:
    return render(
        request,
        "staff/settings/email_template_list.html",
        {"nav": "settings", "section": "emails", "rows": email_templates_overview()},
    )


@staff_required
def email_template_edit(request: StaffRequest, kind: str, language: str) -> HttpResponse:
    email_kind = _kind_of(kind, language)
    override = override_get(kind, language)
    initial = (
        {part: getattr(override, part) for part in ("subject", "body_text", "body_html")}
        if override
        else default_sources(email_kind, language)
    )
    form = EmailTemplateForm(request.POST or None, initial=initial, kind=email_kind)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                email_template_save(
                    actor=request.actor, kind=email_kind, language=language, values=form.values()
                )
            except EmailTemplateInvalid as invalid:
                for field, message in invalid.errors.items():
                    form.add_error(field, message)
            else:
                messages.success(request, _("E-mail template saved."))
                return redirect("staff:email_template_edit", kind=kind, language=language)
        status = 422
    return render(
        request,
        "staff/settings/email_template_form.html",
        {
            "nav": "settings",
            "section": "emails",
            "kind": email_kind,
            "language": language,
            "override": override,
            "form": form,
            "preview": _preview(email_kind, language, form.data or initial),
            "events": queries.email_template_audit_trail(kind=kind, language=language)[
                :AUDIT_EVENTS_SHOWN
            ],
        },
        status=status,
    )


def _preview(kind: EmailKind, language: str, values) -> dict:
    """The e-mail as the sample client would get it, or why it cannot be shown."""
    form = EmailTemplateForm(
        {part: values.get(part, "") for part in ("subject", "body_text", "body_html")}, kind=kind
    )
    if not form.is_valid():
        return {
            "errors": [
                f"{form[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()
            ]
        }
    subject, text, html = render_sources(kind, language, form.values(), sample_context(kind))
    return {"subject": subject, "text": text, "html": html}


@staff_required
@require_POST
def email_template_preview(request: StaffRequest, kind: str, language: str) -> HttpResponse:
    email_kind = _kind_of(kind, language)
    return render(
        request,
        "staff/settings/_email_preview.html",
        {"preview": _preview(email_kind, language, request.POST)},
    )


@staff_required
@require_POST
def email_template_reset_view(request: StaffRequest, kind: str, language: str) -> HttpResponse:
    email_kind = _kind_of(kind, language)
    if email_template_reset(actor=request.actor, kind=email_kind, language=language):
        messages.success(request, _("The e-mail uses the default template again."))
    else:
        messages.info(request, _("Nothing changed."))
    return redirect("staff:email_template_edit", kind=kind, language=language)
