"""Every outgoing e-mail is kept: what was sent to whom, and whether it went out."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("queued")  # rendered and waiting for the worker
    SENDING = "sending", _("sending")  # a worker has claimed it
    SENT = "sent", _("sent")  # the SMTP server accepted it
    FAILED = "failed", _("failed")  # the last attempt failed; a retry may be scheduled


class OutgoingEmail(models.Model):
    template = models.CharField(_("template"), max_length=100)
    language = models.CharField(_("language"), max_length=5)
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="emails",
        verbose_name=_("client"),
    )
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=EmailStatus.choices, default=EmailStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["client", "-created_at"], name="email_client_time"),
            models.Index(fields=["object_type", "object_id"], name="email_object"),
        ]

    def __str__(self) -> str:
        return f"{self.template} to {self.to}"


class EmailAttachment(models.Model):
    """A file sent with an e-mail, such as an invoice's PDF.

    It is made by the sending task, outside the transaction that queued the e-mail, and then
    kept: a retry sends the same file, and the record shows what the client received.
    """

    email = models.ForeignKey(OutgoingEmail, on_delete=models.CASCADE, related_name="attachments")
    # Which document: a key of hostwerk.notifications.attachments.RENDERERS.
    kind = models.CharField(_("kind"), max_length=50)
    object_id = models.CharField(max_length=64)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    content = models.BinaryField(_("content"), null=True, blank=True)  # None until made
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("e-mail attachment")
        verbose_name_plural = _("e-mail attachments")
        ordering = ["email", "id"]

    def __str__(self) -> str:
        return self.filename or f"{self.kind} {self.object_id}"


class EmailTemplateOverride(models.Model):
    """Staff's own text of one kind of e-mail in one language, used instead of the file
    templates under templates/notifications/<kind>/, which stay the default."""

    kind = models.CharField(_("e-mail"), max_length=100)  # a name in notifications/kinds.py
    language = models.CharField(_("language"), max_length=5)
    # The template of the subject, tags included (the default of domain_expiry is 350
    # characters); what it renders to is cut at 255 when an e-mail is queued.
    subject = models.CharField(_("subject"), max_length=1000)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(
        _("HTML"), blank=True, help_text=_("Empty: the e-mail is sent as plain text only.")
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("e-mail template")
        verbose_name_plural = _("e-mail templates")
        ordering = ["kind", "language"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "language"], name="email_override_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.language})"
