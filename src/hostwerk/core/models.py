"""Core models: the audit trail (R10) and the bookkeeping of scheduled work."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ActorKind(models.TextChoices):
    STAFF = "staff", _("staff")  # a staff member in the staff area or with a staff token
    CLIENT = "client", _("client")  # a client user in the client area or with a client token
    STAFF_AS_CLIENT = "staff_as_client", _("staff as client")  # staff impersonating a client
    SYSTEM = "system", _("system")  # the worker, cron, or a command


class AuditEvent(models.Model):
    """One audited action: who did what to which object, when, and what changed."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_kind = models.CharField(max_length=20, choices=ActorKind.choices)
    actor_label = models.CharField(max_length=200, blank=True)
    as_client = models.ForeignKey(
        "clients.Client", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    via = models.CharField(max_length=20, default="web")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=255, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["client", "-created_at"], name="audit_client_time"),
            models.Index(fields=["object_type", "object_id", "-created_at"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class ScheduledRun(models.Model):
    """When each scheduled job was last enqueued by `hostwerk cron`."""

    name = models.CharField(max_length=100, unique=True)
    last_enqueued_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class BulkAction(models.TextChoices):
    """What staff can do to many selected objects at once from a list page."""

    ORDER_ACCEPT = "order_accept", _("accept orders")  # one accept job per order
    ORDER_CANCEL = "order_cancel", _("cancel orders")  # at once, each on its own
    INVOICE_REMIND = "invoice_remind", _("send payment reminders")  # at once, each on its own
    DOMAIN_SYNC = "domain_sync", _("synchronise domains with the registry")  # one job per domain
    MAILBOX_SPAM_FILTER_ON = (
        "mailbox_spam_filter_on",
        _("switch spam filters on"),
    )  # one job per mailbox


class BulkItemStatus(models.TextChoices):
    QUEUED = "queued", _("waiting")  # its job has not finished yet
    SUCCEEDED = "succeeded", _("done")  # the per-object action succeeded
    FAILED = "failed", _("failed")  # the per-object action refused or failed; `message` says why


class BulkRun(models.Model):
    """One bulk action a staff member started on a list page, with a row per selected object
    saying how it went; its page polls those rows while jobs are still running."""

    action = models.CharField(_("action"), max_length=40, choices=BulkAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("started by"), max_length=200)
    back_url = models.CharField(max_length=500, blank=True)  # the list it was started from
    created_at = models.DateTimeField(_("started"), auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.pk})"


class BulkItem(models.Model):
    run = models.ForeignKey(BulkRun, on_delete=models.CASCADE, related_name="items")
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(_("object"), max_length=255)
    url = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=BulkItemStatus.choices, default=BulkItemStatus.QUEUED
    )
    message = models.TextField(_("message"), blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["run", "id"]
        indexes = [models.Index(fields=["run", "status"], name="bulk_item_run_status")]

    def __str__(self) -> str:
        return f"{self.label}: {self.status}"


class WorkerBeat(models.Model):
    """A running `hostwerk worker`: it writes beat_at every few seconds. A task claimed by a
    worker whose beat stopped (killed, machine gone) is put back in the queue by another."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True)
    started_at = models.DateTimeField(auto_now_add=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker_id} on {self.hostname} (pid {self.pid})"


class Tally(models.Model):
    """Totals that are too costly to count on every request at a provider's size (every client,
    every live service per server): counted by a job, kept here with the moment they were
    counted (core/tallies.py)."""

    key = models.CharField(max_length=100, unique=True)
    value = models.JSONField(default=dict)
    counted_at = models.DateTimeField()
    # Set by the request that found the totals stale and queued the recount; one at a time.
    recount_queued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key} ({self.counted_at:%Y-%m-%d %H:%M:%S})"
