"""Sending queued e-mail, with retries on SMTP failures."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task

from hostwerk.notifications.attachments import attachments_make
from hostwerk.notifications.models import EmailStatus, OutgoingEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6


def retry_delay(attempt: int) -> timedelta:
    """1, 2, 4, 8, 16 minutes: long enough for a mail server restart."""
    return timedelta(minutes=2 ** (attempt - 1))


def _failed(email: OutgoingEmail, attempt: int, error: str) -> str:
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=EmailStatus.FAILED, attempts=attempt, last_error=error[:2000]
    )
    if attempt < MAX_ATTEMPTS:
        send_email.using(run_after=timezone.now() + retry_delay(attempt)).enqueue(email.pk)
    return "failed"


@task()
def send_email(email_id: int) -> str:
    claimed = OutgoingEmail.objects.filter(
        pk=email_id, status__in=[EmailStatus.QUEUED, EmailStatus.FAILED]
    ).update(status=EmailStatus.SENDING)
    if not claimed:
        return "already handled"
    email = OutgoingEmail.objects.get(pk=email_id)
    attempt = email.attempts + 1
    try:
        attachments = attachments_make(email)
    except Exception as exc:  # a document that cannot be made now is retried like a mail failure
        logger.exception("e-mail %s: attachment not made (attempt %s)", email_id, attempt)
        return _failed(email, attempt, f"attachment: {exc}")
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for attachment in attachments:
        message.attach(attachment.filename, bytes(attachment.content), attachment.content_type)
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        logger.warning("e-mail %s to %s failed (attempt %s): %s", email_id, email.to, attempt, exc)
        return _failed(email, attempt, str(exc))
    OutgoingEmail.objects.filter(pk=email_id).update(
        status=EmailStatus.SENT, attempts=attempt, sent_at=timezone.now(), last_error=""
    )
    return "sent"
