"""Zones, their records, the templates new zones start from, and each zone's history (R6, R7, R10)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hostwerk.core.domain_names import name_to_unicode
from hostwerk.core.models import ActorKind
from hostwerk.dns.reasons import reason_text
from hostwerk.dns.roles import follows


class PublishStatus(models.TextChoices):
    PUBLISHED = "published", _("published")  # the DNS server serves the zone's current version
    PENDING = "pending", _("pending")  # a change waits for publishing (or a retry after an outage)
    FAILED = "failed", _("failed")  # the DNS server refused the zone; last_error says why


class RecordType(models.TextChoices):
    A = "A", "A"  # IPv4 address
    AAAA = "AAAA", "AAAA"  # IPv6 address
    CNAME = "CNAME", "CNAME"  # alias of another name; the only record of its name
    MX = "MX", "MX"  # mail server, with priority
    TXT = "TXT", "TXT"  # text: SPF, DKIM, verification codes
    SRV = "SRV", "SRV"  # service location, with priority, weight and port
    CAA = "CAA", "CAA"  # which certificate authorities may issue
    NS = "NS", "NS"  # delegation of a sub-zone (the zone's own NS come from the settings)


# Types whose `priority` column is used (the first number of their DNS data).
TYPES_WITH_PRIORITY = (RecordType.MX, RecordType.SRV)


class Zone(models.Model):
    """One DNS zone. `version` counts changes; publishing records the version the server has."""

    name = models.CharField(
        _("domain name"), max_length=253, unique=True, help_text=_("A-label, no trailing dot.")
    )
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dns_zones",
        verbose_name=_("client"),
    )
    status = models.CharField(
        _("publish status"),
        max_length=20,
        choices=PublishStatus.choices,
        default=PublishStatus.PENDING,
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    published_version = models.PositiveIntegerField(_("published version"), default=0)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    last_error = models.TextField(_("last publishing error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    # Transient failures since the last success; spaces out the retries.
    publish_attempts = models.PositiveIntegerField(default=0)
    # Set while one process publishes the zone, so that two never write it at once (a lease:
    # an old value means the process died, and another may take over).
    publishing_since = models.DateTimeField(null=True, blank=True)
    # Who holds that lease (hostwerk.core.workers.run_id_new): when a worker dies mid-publish,
    # its lease is released at once, so that its queued-again task need not wait for it to age.
    publishing_by = models.CharField(max_length=40, blank=True, default="")
    # Set when a publish task is queued for the zone and cleared when it starts: while it is set,
    # changes queue no other task, since the queued one publishes the newest version when it runs.
    publish_queued_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(_("last change"), auto_now_add=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("DNS zone")
        verbose_name_plural = _("DNS zones")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["client", "name"], name="dns_zone_client_name"),
            models.Index(fields=["status", "changed_at"], name="dns_zone_status_changed"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name as people read it: "bücher.nl" for "xn--bcher-kva.nl"."""
        return name_to_unicode(self.name)

    @property
    def is_idn(self) -> bool:
        return self.display_name != self.name


class RecordFields(models.Model):
    """What a zone record and a template record have in common."""

    name = models.CharField(
        _("name"), max_length=253, help_text=_("Relative to the zone; @ is the zone itself.")
    )
    type = models.CharField(_("type"), max_length=10, choices=RecordType.choices)
    ttl = models.PositiveIntegerField(_("TTL"))
    content = models.TextField(_("content"))
    priority = models.PositiveIntegerField(_("priority"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def data(self) -> str:
        """The record's DNS data as a zone file and PowerDNS write it: "10 mn-mx1.example.nl."."""
        if self.priority is not None and self.type in TYPES_WITH_PRIORITY:
            return f"{self.priority} {self.content}"
        return self.content


class Record(RecordFields):
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="records")
    template_key = models.CharField(
        _("template role"),
        max_length=60,
        blank=True,
        help_text=_("Which template record this came from, e.g. web, www, mail_host, mx."),
    )
    template_managed = models.BooleanField(
        _("managed by the template"),
        default=False,
        help_text=_("Moves with the hosting (R7); a manual edit ends this."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("DNS record")
        verbose_name_plural = _("DNS records")
        ordering = ["name", "type", "priority", "content", "id"]
        indexes = [models.Index(fields=["zone", "name", "type"], name="dns_record_zone_name")]

    def __str__(self) -> str:
        return f"{self.name} {self.type} {self.data}"

    @property
    def follows_hosting(self) -> bool:
        """Whether the record moves when the hosting moves (R7): a template-managed address
        record of the web or mail role."""
        return (
            self.template_managed and self.type == RecordType.A and bool(follows(self.template_key))
        )


class ZoneTemplate(models.Model):
    """The records a new zone starts with; contents may use {domain}, {web_ip} and {mail_ip}."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_default = models.BooleanField(_("default for new zones"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("zone template")
        verbose_name_plural = _("zone templates")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="dns_one_default_template"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ZoneTemplateRecord(RecordFields):
    template = models.ForeignKey(ZoneTemplate, on_delete=models.CASCADE, related_name="records")
    template_key = models.CharField(
        _("role"),
        max_length=60,
        help_text=_("Names the record in the zones made from it, e.g. web, www, mail_host, mx."),
    )

    class Meta:
        verbose_name = _("template record")
        verbose_name_plural = _("template records")
        ordering = ["name", "type", "priority", "content", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "template_key"], name="dns_template_record_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.type} {self.data}"


class ZoneChangeAction(models.TextChoices):
    ZONE_CREATE = "zone_create", _("zone created")  # from a template, by hand or automatically
    RECORD_CREATE = "record_create", _("record added")
    RECORD_UPDATE = "record_update", _("record changed")
    RECORD_DELETE = "record_delete", _("record deleted")
    ZONE_RESTORE = "zone_restore", _("earlier version restored")
    ZONE_POINT_TO = "zone_point_to", _("pointed at a server")  # R7: follows the hosting
    CLIENT_CHANGE = "client_change", _("client changed")
    ZONE_DELETE = "zone_delete", _("zone deleted")
    ZONE_IMPORT = "zone_import", _("imported from a DNS server")  # PowerDNS or Plesk


class ZoneChange(models.Model):
    """One entry of a zone's history: who changed it, when, and all its records before and after.

    The record lists are whole-zone snapshots, so any entry can be restored on its own.
    """

    zone = models.ForeignKey(
        Zone, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    # Kept when the zone is deleted, so its history still says what it was.
    zone_name = models.CharField(_("zone"), max_length=253)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_kind = models.CharField(max_length=20, choices=ActorKind.choices)
    actor_label = models.CharField(max_length=200, blank=True)
    via = models.CharField(max_length=20, default="web")
    action = models.CharField(_("action"), max_length=30, choices=ZoneChangeAction.choices)
    summary = models.CharField(_("summary"), max_length=500)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    # A reason Hostwerk wrote itself, worded when shown (dns.reasons); `reason` has it in English.
    reason_code = models.CharField(max_length=40, blank=True)
    reason_args = models.JSONField(default=dict, blank=True)
    before = models.JSONField(_("records before"), default=list, blank=True)
    after = models.JSONField(_("records after"), default=list, blank=True)
    version = models.PositiveIntegerField(_("zone version"), default=0)

    class Meta:
        verbose_name = _("zone change")
        verbose_name_plural = _("zone changes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["zone", "-created_at"], name="dns_change_zone_time")]

    def __str__(self) -> str:
        return f"{self.zone_name}: {self.summary}"

    @property
    def reason_display(self) -> str:
        """Why, in the reader's language when Hostwerk wrote it; as typed when a person did."""
        return (reason_text(self.reason_code, self.reason_args) if self.reason_code else None) or (
            self.reason
        )
