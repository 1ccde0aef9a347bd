"""Queue an e-mail: render it now in the recipient's language, send it from a task after commit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models, transaction
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from hostwerk.clients.models import Client
from hostwerk.notifications.attachments import attachment_kind_check
from hostwerk.notifications.models import EmailAttachment, OutgoingEmail


def render_email(template: str, language: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) of `notifications/<template>/` in `language`."""
    with translation.override(language):
        subject = " ".join(
            render_to_string(f"notifications/{template}/subject.txt", context).split()
        )
        text = render_to_string(f"notifications/{template}/body.txt", context)
        try:
            html: str = render_to_string(f"notifications/{template}/body.html", context)
        except TemplateDoesNotExist:
            html = ""
    return subject, text.strip() + "\n", html


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
