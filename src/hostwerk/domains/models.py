"""Registrars, the domains registered through them, their contact handles and the EPP log."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hostwerk.core.fields import EncryptedTextField


class RegistrarAdapter(models.TextChoices):
    EPP = "epp", "EPP"  # RFC 5730-5734 over TLS, straight to the registry


class Registrar(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    adapter = models.CharField(_("adapter"), max_length=20, choices=RegistrarAdapter.choices)
    host = models.CharField(_("host"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=700)
    username = models.CharField(_("login"), max_length=100)
    password = EncryptedTextField(_("password"))
    verify_tls = models.BooleanField(_("verify the TLS certificate"), default=True)
    settings = models.JSONField(_("settings"), default=dict, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("registrar")
        verbose_name_plural = _("registrars")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DomainStatus(models.TextChoices):
    PENDING = "pending", _("pending")  # ordered or failed; nothing (more) sent to the registry
    PENDING_REGISTRATION = (
        "pending_registration",
        _("pending registration"),
    )  # create sent; the registry has not confirmed it (yet)
    PENDING_TRANSFER = "pending_transfer", _("pending transfer")  # transfer requested, not done
    ACTIVE = "active", _("active")  # registered through us and in force
    EXPIRED = "expired", _("expired")  # the expiry date passed without a renewal
    TRANSFERRED_AWAY = (
        "transferred_away",
        _("transferred away"),
    )  # another registrar holds it now
    CANCELLED = "cancelled", _("cancelled")  # given up (order cancelled or deleted at the registry)


class Domain(models.Model):
    """A domain name a client holds (or is getting) through one of our registrars."""

    name = models.CharField(_("domain name"), max_length=253, unique=True, help_text=_("A-label"))
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="domains", verbose_name=_("client")
    )
    tld = models.ForeignKey(
        "catalog.Tld", on_delete=models.PROTECT, related_name="domains", verbose_name=_("TLD")
    )
    registrar = models.ForeignKey(
        Registrar,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="domains",
        verbose_name=_("registrar"),
    )
    # OrderItem has a `domain` text field already, so the reverse name cannot be "domain".
    order_item = models.OneToOneField(
        "orders.OrderItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="domain_record",
        verbose_name=_("order item"),
    )
    status = models.CharField(
        _("status"), max_length=30, choices=DomainStatus.choices, default=DomainStatus.PENDING
    )
    years = models.PositiveSmallIntegerField(_("registration period (years)"), default=1)
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    nameservers = models.JSONField(_("name servers"), default=list, blank=True)
    roid = models.CharField(_("registry id"), max_length=100, blank=True)
    registrant_handle = models.CharField(_("registrant handle"), max_length=64, blank=True)
    admin_handle = models.CharField(_("admin handle"), max_length=64, blank=True)
    tech_handle = models.CharField(_("tech handle"), max_length=64, blank=True)
    auth_code = EncryptedTextField(_("auth code"), blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_synced_at = models.DateTimeField(_("last synchronised"), null=True, blank=True)
    # "<expiry date>/<days before>" of the expiry reminders sent, so each is sent once per term.
    expiry_reminders = models.JSONField(default=list, blank=True)
    # Billing: the first day not yet paid for (usually the expiry day), the yearly price (empty =
    # the TLD's renewal price) and whether the client wants the domain to lapse.
    next_due_date = models.DateField(_("next due date"), null=True, blank=True)
    recurring_amount = models.DecimalField(
        _("renewal price per year"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leave empty for the TLD's renewal price."),
    )
    do_not_renew = models.BooleanField(
        _("do not renew"), default=False, help_text=_("Not invoiced again; lapses at expiry.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="domain_status_expiry"),
            models.Index(fields=["client", "status"], name="domain_client_status"),
            models.Index(fields=["registrar", "status"], name="domain_registrar_status"),
            models.Index(fields=["expires_at"], name="domain_expiry"),
            models.Index(fields=["last_synced_at"], name="domain_last_synced"),
            models.Index(fields=["status", "next_due_date"], name="domain_status_due"),
        ]

    def __str__(self) -> str:
        return self.name_unicode

    @property
    def name_unicode(self) -> str:
        from hostwerk.core.domain_names import DomainNameError, parse_domain_name

        try:
            return parse_domain_name(self.name).unicode
        except DomainNameError:
            return self.name

    @property
    def is_idn(self) -> bool:
        return self.name_unicode != self.name


class RegistrarContact(models.Model):
    """The contact handle of a client at a registrar: created once, updated when the data changes.

    `fingerprint` is a hash of the contact data last sent, so an unchanged client costs no
    registry command and a changed one is updated before its next domain needs it.
    """

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="registrar_contacts"
    )
    registrar = models.ForeignKey(Registrar, on_delete=models.CASCADE, related_name="contacts")
    handle = models.CharField(_("handle"), max_length=64)
    fingerprint = models.CharField(_("fingerprint of the data sent"), max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("registrar contact")
        verbose_name_plural = _("registrar contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "registrar"], name="one_contact_per_client_and_registrar"
            )
        ]

    def __str__(self) -> str:
        return f"{self.handle} ({self.registrar})"


class EppLogEntry(models.Model):
    """One command sent to a registry and its answer (passwords and auth codes redacted)."""

    domain = models.ForeignKey(
        Domain, null=True, blank=True, on_delete=models.SET_NULL, related_name="epp_log"
    )
    registrar = models.ForeignKey(Registrar, on_delete=models.CASCADE, related_name="epp_log")
    command = models.CharField(_("command"), max_length=40)
    object_name = models.CharField(_("object"), max_length=255, blank=True)
    client_transaction_id = models.CharField(_("client transaction id"), max_length=64, blank=True)
    server_transaction_id = models.CharField(_("server transaction id"), max_length=64, blank=True)
    result_code = models.PositiveSmallIntegerField(_("result code"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    request_xml = models.TextField(_("request"), blank=True)
    response_xml = models.TextField(_("response"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("EPP log entry")
        verbose_name_plural = _("EPP log")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["domain", "-created_at"], name="epp_log_domain_time"),
            models.Index(fields=["registrar", "-created_at"], name="epp_log_registrar_time"),
            models.Index(fields=["object_name"], name="epp_log_object"),
        ]

    def __str__(self) -> str:
        return f"{self.command} {self.object_name} -> {self.result_code}"

    @property
    def succeeded(self) -> bool:
        return self.result_code is not None and self.result_code < 2000
