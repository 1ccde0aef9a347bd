"""Sending queued e-mail, with retries on SMTP failures."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task

from hostwerk.notifications.models import EmailStatus, OutgoingEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6


def retry_delay(attempt: int) -> timedelta:
    """1, 2, 4, 8, 16 minutes: long enough for a mail server restart."""
    return timedelta(minutes=2 ** (attempt - 1))


@task()
def send_email(email_id: int) -> str:
    claimed = OutgoingEmail.objects.filter(
        pk=email_id, status__in=[EmailStatus.QUEUED, EmailStatus.FAILED]
    ).update(status=EmailStatus.SENDING)
    if not claimed:
        return "already handled"
    email = OutgoingEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    attempt = email.attempts + 1
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        OutgoingEmail.objects.filter(pk=email_id).update(
            status=EmailStatus.FAILED, attempts=attempt, last_error=str(exc)[:2000]
        )
        logger.warning("e-mail %s to %s failed (attempt %s): %s", email_id, email.to, attempt, exc)
        if attempt < MAX_ATTEMPTS:
            send_email.using(run_after=timezone.now() + retry_delay(attempt)).enqueue(email_id)
        return "failed"
    OutgoingEmail.objects.filter(pk=email_id).update(
        status=EmailStatus.SENT, attempts=attempt, sent_at=timezone.now(), last_error=""
    )
    return "sent"
