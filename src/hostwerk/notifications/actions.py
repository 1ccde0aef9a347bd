"""Queue an e-mail: render it now in the recipient's language, send it from a task after commit;
staff's own e-mail templates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models, transaction

from hostwerk.clients.models import Client
from hostwerk.core.audit import Actor, audit_record
from hostwerk.core.errors import InputInvalid
from hostwerk.notifications.attachments import attachment_kind_check
from hostwerk.notifications.email_templates import PARTS, email_template_errors, render_email
from hostwerk.notifications.kinds import LANGUAGES, EmailKind
from hostwerk.notifications.models import EmailAttachment, EmailTemplateOverride, OutgoingEmail


@transaction.atomic
def email_queue(
    *,
    template: str,
    to: str,
    context: dict[str, Any],
    language: str,
    client: Client | None = None,
    obj: models.Model | None = None,
    attachments: Sequence[tuple[str, models.Model]] = (),
) -> OutgoingEmail:
    """Store the rendered e-mail and enqueue its sending in the caller's transaction.

    The task runs only once the transaction has committed (the worker cannot see the row
    before), so an e-mail about an order that was rolled back is never sent.

    `attachments` are (kind, object) pairs, such as ("invoice_pdf", invoice); the files are
    made by the sending task, so a slow document does not hold this transaction open.
    """
    from hostwerk.notifications.tasks import send_email

    for kind, _attached in attachments:
        attachment_kind_check(kind)
    subject, text, html = render_email(template, language, context)
    email = OutgoingEmail.objects.create(
        template=template,
        language=language,
        to=to,
        subject=subject[:255],
        body_text=text,
        body_html=html,
        client=client,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
    )
    for kind, attached in attachments:
        EmailAttachment.objects.create(email=email, kind=kind, object_id=str(attached.pk))
    send_email.enqueue(email.pk)
    return email


class EmailTemplateInvalid(InputInvalid):
    """Staff's template was refused; `errors` maps each field to fix to why."""

    def __init__(self, errors: dict[str, str]) -> None:
        field, message = next(iter(errors.items()))
        super().__init__(message, field=field)
        self.errors = errors


def _language_check(language: str) -> None:
    if language not in LANGUAGES:
        raise InputInvalid(f"no e-mail templates in language {language!r}", field="language")


@transaction.atomic
def email_template_save(
    *, actor: Actor, kind: EmailKind, language: str, values: dict[str, str]
) -> EmailTemplateOverride:
    """Store staff's template of `kind` in `language`; audited with each changed part before
    and after (None before: the file template was in use)."""
    _language_check(language)
    values = {part: values.get(part, "") for part in PARTS}
    errors = email_template_errors(kind, values)
    if errors:
        raise EmailTemplateInvalid(errors)
    override = (
        EmailTemplateOverride.objects.select_for_update()
        .filter(kind=kind.name, language=language)
        .first()
    )
    before = {part: getattr(override, part) if override else None for part in PARTS}
    if override is None:
        override = EmailTemplateOverride.objects.create(kind=kind.name, language=language, **values)
    else:
        for part in PARTS:
            setattr(override, part, values[part])
        override.save()
    changes = {part: [before[part], values[part]] for part in PARTS if before[part] != values[part]}
    if changes:
        audit_record(
            actor=actor,
            action="email_template.update",
            obj=override,
            changes=changes,
            data={"kind": kind.name, "language": language},
        )
    return override


@transaction.atomic
def email_template_reset(*, actor: Actor, kind: EmailKind, language: str) -> bool:
    """Remove staff's template, so the file template is used again; False if there was none."""
    _language_check(language)
    override = (
        EmailTemplateOverride.objects.select_for_update()
        .filter(kind=kind.name, language=language)
        .first()
    )
    if override is None:
        return False
    audit_record(
        actor=actor,
        action="email_template.reset",
        obj=override,
        changes={part: [getattr(override, part), None] for part in PARTS},
        data={"kind": kind.name, "language": language},
    )
    override.delete()
    return True
