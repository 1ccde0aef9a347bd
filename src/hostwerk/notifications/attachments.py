"""Files attached to e-mails: which function makes each kind, and making them when sending."""

from __future__ import annotations

from django.utils.module_loading import import_string

from hostwerk.notifications.models import EmailAttachment, OutgoingEmail

# kind -> function(object_id) returning (filename, content type, content). Named by path so
# that notifications, which every app uses, imports none of them.
RENDERERS: dict[str, str] = {
    "invoice_pdf": "hostwerk.billing.documents.invoice_pdf_attachment",
}


class UnknownAttachment(ValueError):
    """An attachment kind that no renderer makes."""


def attachment_kind_check(kind: str) -> None:
    if kind not in RENDERERS:
        raise UnknownAttachment(f"no renderer for e-mail attachments of kind {kind!r}")


def attachments_make(email: OutgoingEmail) -> list[EmailAttachment]:
    """The e-mail's attachments, each made now if an earlier attempt has not made it yet."""
    attachments = list(email.attachments.all())
    for attachment in attachments:
        if attachment.content is not None:
            continue
        filename, content_type, content = import_string(RENDERERS[attachment.kind])(
            attachment.object_id
        )
        attachment.filename, attachment.content_type, attachment.content = (
            filename,
            content_type,
            content,
        )
        EmailAttachment.objects.filter(pk=attachment.pk).update(
            filename=filename, content_type=content_type, content=content
        )
    return attachments
