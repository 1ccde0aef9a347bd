"""Mailboxes with their spam filter (R9), and mail filtering at a provider with its MX switch (R8)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hostwerk.core.fields import EncryptedTextField


def default_mx_hosts() -> str:
    return settings.HOSTWERK_MAIL_FILTER_MX


def default_mx_addresses() -> str:
    return settings.HOSTWERK_MAIL_FILTER_ADDRESSES


def default_language() -> str:
    return settings.LANGUAGE_CODE


class SpamFilterState(models.TextChoices):
    ON = "on", _("on")  # Plesk reported the mailbox's spam filter switched on
    OFF = (
        "off",
        _("off"),
    )  # Plesk reported it off: never switched on, refused, or switched off since
    UNKNOWN = "unknown", _("unknown")  # not read back yet, or the server could not be asked


class MailboxStatus(models.TextChoices):
    CREATING = (
        "creating",
        _("being created"),
    )  # sent to Plesk, not confirmed; create it again to finish
    ACTIVE = "active", _("active")  # exists on the Plesk server
    MISSING = "missing", _("missing on the server")  # the last check did not find it on Plesk


class Mailbox(models.Model):
    """A mailbox on the Plesk webspace of a hosting service. Its password is never stored here:
    it goes to Plesk and nowhere else."""

    service = models.ForeignKey(
        "provisioning.Service",
        on_delete=models.PROTECT,
        related_name="mailboxes",
        verbose_name=_("hosting service"),
    )
    local_part = models.CharField(_("name"), max_length=64)
    address = models.CharField(
        _("address"), max_length=254, unique=True, help_text=_("Lower case, domain as A-label.")
    )
    quota_mb = models.PositiveIntegerField(
        _("quota (MB)"), null=True, blank=True, help_text=_("Empty: the hosting plan's default.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MailboxStatus.choices, default=MailboxStatus.CREATING
    )
    spam_filter = models.CharField(
        _("spam filter"),
        max_length=10,
        choices=SpamFilterState.choices,
        default=SpamFilterState.UNKNOWN,
    )
    spam_filter_checked_at = models.DateTimeField(_("spam filter checked"), null=True, blank=True)
    # Why the filter is not on (Plesk's refusal, "switched off on the server"), for staff.
    spam_filter_problem = models.CharField(_("spam filter problem"), max_length=500, blank=True)
    remote_id = models.CharField(_("remote mailbox id"), max_length=64, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["address"]
        indexes = [
            models.Index(fields=["service", "local_part"], name="mailbox_service_name"),
            models.Index(fields=["spam_filter", "address"], name="mailbox_filter_address"),
            models.Index(fields=["spam_filter_checked_at"], name="mailbox_filter_checked"),
        ]

    def __str__(self) -> str:
        return self.address_display

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2]

    @property
    def address_display(self) -> str:
        """The address as people write it: info@bücher.nl for info@xn--bcher-kva.nl."""
        from hostwerk.core.domain_names import DomainNameError, parse_domain_name

        try:
            return f"{self.local_part}@{parse_domain_name(self.domain).unicode}"
        except DomainNameError:
            return self.address

    @property
    def quota_display(self) -> str:
        """ "5 GB", "500 MB", or "" for no limit of its own."""
        if not self.quota_mb:
            return ""
        if self.quota_mb % 1024 == 0:
            return f"{self.quota_mb // 1024} GB"
        return f"{self.quota_mb} MB"

    @property
    def filter_needs_attention(self) -> bool:
        return self.status == MailboxStatus.ACTIVE and self.spam_filter != SpamFilterState.ON


class ProviderMode(models.TextChoices):
    API = "api", _("SpamExperts API")  # requests and checks go through the provider's API
    EMAIL = "email", _("e-mail")  # requests are e-mailed; staff confirm when the provider replies


class MailFilterProvider(models.Model):
    """Where mail filtering is bought (SpamExperts, or a partner like Denit), and its MX set."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    mode = models.CharField(_("how to request"), max_length=10, choices=ProviderMode.choices)
    api_url = models.URLField(
        _("API address"),
        blank=True,
        help_text=_("The control panel, e.g. https://api.antispamcloud.com"),
    )
    username = models.CharField(_("API login"), max_length=254, blank=True)
    password = EncryptedTextField(_("API password"), blank=True)
    verify_tls = models.BooleanField(_("verify the TLS certificate"), default=True)
    request_email = models.EmailField(
        _("request e-mail address"),
        blank=True,
        help_text=_("Where requests go when the provider has no API."),
    )
    language = models.CharField(
        _("language of the request e-mails"),
        max_length=5,
        choices=settings.LANGUAGES,
        default=default_language,
    )
    mx_hosts = models.CharField(
        _("MX hosts"),
        max_length=500,
        default=default_mx_hosts,
        help_text=_(
            "name:priority, comma-separated; a name without a dot is in the client's zone "
            "(spamx becomes spamx.<domain>)."
        ),
    )
    mx_addresses = models.CharField(
        _("addresses of the MX hosts"),
        max_length=500,
        blank=True,
        default=default_mx_addresses,
        help_text=_("name:IP address for each MX host in the client's zone."),
    )
    products = models.ManyToManyField(
        "catalog.Product",
        blank=True,
        related_name="mail_filter_providers",
        verbose_name=_("products"),
        help_text=_(
            "Mail filtering products this provider serves; none: every one without its own."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("mail filtering provider")
        verbose_name_plural = _("mail filtering providers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def uses_api(self) -> bool:
        return self.mode == ProviderMode.API

    def filter_hosts(self):
        from hostwerk.mail.mx import filter_hosts

        return filter_hosts(mx_hosts=self.mx_hosts, addresses=self.mx_addresses)


class MailFilterStatus(models.TextChoices):
    REQUESTED = "requested", _("requested")  # asked the provider; the MX records stay as they are
    CONFIRMED = (
        "confirmed",
        _("confirmed"),
    )  # the provider has the domain; the MX switch runs (or is retried)
    ACTIVE = "active", _("active")  # the MX records point at the filter, published
    REMOVED = (
        "removed",
        _("removed"),
    )  # cancelled: original MX back and the domain gone at the provider


class RequestChannel(models.TextChoices):
    API = "api", _("API")  # domain/add at the provider's API
    EMAIL = "email", _("e-mail")  # an e-mail to the provider's request address
    MANUAL = "manual", _("by staff")  # staff requested it themselves; Hostwerk sent nothing


class MailFilter(models.Model):
    """Mail filtering of one domain at a provider, from the request to the MX switch (R8)."""

    domain = models.CharField(_("domain"), max_length=253, help_text=_("A-label"))
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="mail_filters",
        verbose_name=_("client"),
    )
    order_item = models.OneToOneField(
        "orders.OrderItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mail_filter",
        verbose_name=_("order item"),
    )
    provider = models.ForeignKey(
        MailFilterProvider,
        on_delete=models.PROTECT,
        related_name="mail_filters",
        verbose_name=_("provider"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MailFilterStatus.choices,
        default=MailFilterStatus.REQUESTED,
    )
    new_registration = models.BooleanField(
        _("new registration"),
        default=False,
        help_text=_("No mail flowed yet, so the MX records switched without waiting."),
    )
    request_channel = models.CharField(
        _("requested by"), max_length=10, choices=RequestChannel.choices
    )
    request_text = models.TextField(_("what was sent"), blank=True)
    requested_at = models.DateTimeField(_("requested"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmation = models.CharField(_("how it was confirmed"), max_length=300, blank=True)
    activated_at = models.DateTimeField(_("MX switched"), null=True, blank=True)
    # The filter hosts as they went into the zone, so a cancel removes exactly those.
    applied_mx = models.JSONField(_("filter MX records"), default=list, blank=True)
    # The MX records the switch removed (priority, target), so a cancel puts exactly those back.
    original_mx = models.JSONField(_("original MX records"), default=list, blank=True)
    cancel_requested_at = models.DateTimeField(_("cancellation requested"), null=True, blank=True)
    removal_text = models.TextField(_("what was sent to remove it"), blank=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    last_checked_at = models.DateTimeField(_("last checked at the provider"), null=True, blank=True)
    # What the provider's API said when last asked whether it holds the domain, for staff deciding
    # whether to confirm anyway (R8).
    provider_answer = models.CharField(_("the provider's answer"), max_length=500, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    # The SpamExperts (or Plesk) code and text behind last_error, so staff read Hostwerk's
    # explanation of it in their own language (provisioning.remote_errors); {} when none.
    last_remote_error = models.JSONField(_("remote error"), default=dict, blank=True)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    # A lease: the process switching the MX records now. Another one skips the filter; a lease
    # older than filtering.LEASE belongs to a process that died.
    working_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("mail filter")
        verbose_name_plural = _("mail filters")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="mail_filter_status_time"),
            models.Index(fields=["client", "-created_at"], name="mail_filter_client_time"),
            models.Index(fields=["domain"], name="mail_filter_domain"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["domain"],
                condition=~Q(status="removed"),
                name="mail_filter_one_live_per_domain",
            )
        ]

    def __str__(self) -> str:
        return self.domain_display

    @property
    def domain_display(self) -> str:
        from hostwerk.core.domain_names import DomainNameError, parse_domain_name

        try:
            return parse_domain_name(self.domain).unicode
        except DomainNameError:
            return self.domain

    @property
    def cancelling(self) -> bool:
        return self.cancel_requested_at is not None and self.status != MailFilterStatus.REMOVED

    @property
    def switch_pending(self) -> bool:
        """Confirmed, but the MX records do not point at the filter yet (a retry is due)."""
        return self.status == MailFilterStatus.CONFIRMED and not self.cancelling
