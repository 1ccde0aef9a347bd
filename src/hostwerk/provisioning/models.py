"""Servers and server groups; services follow with acceptance."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hostwerk.catalog.models import BillingCycle
from hostwerk.core.fields import EncryptedTextField
from hostwerk.core.moments import stored_moment_text


class ServerKind(models.TextChoices):
    PLESK = "plesk", _("Plesk hosting server")  # holds clients' hosting subscriptions
    FORWARDING = (
        "forwarding",
        _("forwarding server"),
    )  # Plesk server for forwarding packages; default target of new zones


class ServerGroup(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    default_server = models.ForeignKey(
        "Server",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("default server"),
        help_text=_("New clients get this server unless it is full or inactive."),
    )

    class Meta:
        verbose_name = _("server group")
        verbose_name_plural = _("server groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Server(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ServerKind.choices)
    group = models.ForeignKey(
        ServerGroup,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="servers",
        verbose_name=_("group"),
    )
    hostname = models.CharField(_("host name"), max_length=255)
    api_url = models.URLField(
        _("API address"),
        help_text=_("For Plesk: https://host:8443 (the XML API endpoint is added)."),
    )
    username = models.CharField(_("API login"), max_length=100, blank=True)
    password = EncryptedTextField(_("API password"), blank=True)
    api_key = EncryptedTextField(_("API secret key"), blank=True)
    verify_tls = models.BooleanField(_("verify the TLS certificate"), default=True)
    web_ip = models.GenericIPAddressField(_("web IP address"), protocol="IPv4")
    mail_ip = models.GenericIPAddressField(_("mail IP address"), protocol="IPv4")
    capacity = models.PositiveIntegerField(
        _("capacity"), default=0, help_text=_("Maximum number of services; 0 means no limit.")
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive servers get no new services.")
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("server")
        verbose_name_plural = _("servers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceStatus(models.TextChoices):
    PENDING = "pending", _("pending")  # ordered; not created on the server yet
    ACTIVE = "active", _("active")  # exists and works
    SUSPENDED = "suspended", _("suspended")  # exists but switched off (e.g. unpaid)
    TERMINATED = "terminated", _("terminated")  # removed from the server
    CANCELLED = "cancelled", _("cancelled")  # never created; the order item was cancelled


class SuspendReason(models.TextChoices):
    OVERDUE = "overdue", _("overdue payment")  # lifted by the payment
    STAFF = "staff", _("suspended by staff")  # stays until staff lift it


class Service(models.Model):
    """A product instance for a client, usually on a server (a Plesk subscription)."""

    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("client"),
    )
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("product"),
    )
    order_item = models.OneToOneField(
        "orders.OrderItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service",
        verbose_name=_("order item"),
    )
    server = models.ForeignKey(
        Server,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("server"),
    )
    domain = models.CharField(_("domain"), max_length=253, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.PENDING
    )
    billing_cycle = models.CharField(
        _("billing cycle"), max_length=20, choices=BillingCycle.choices
    )
    recurring_amount = models.DecimalField(_("recurring amount"), max_digits=12, decimal_places=2)
    # The first day not yet paid for: a paid renewal moves it to the end of its period.
    next_due_date = models.DateField(_("next due date"), null=True, blank=True)
    # The day of the month the service was first due on: 31 Jan → 28 Feb → 31 Mar, never drifting.
    billing_anchor_day = models.PositiveSmallIntegerField(
        _("billing day of the month"), null=True, blank=True
    )
    suspend_reason = models.CharField(
        _("reason for the suspension"), max_length=20, choices=SuspendReason.choices, blank=True
    )
    no_suspend_until = models.DateField(
        _("do not suspend until"),
        null=True,
        blank=True,
        help_text=_("Unpaid invoices do not suspend the service before this day."),
    )
    username = models.CharField(_("login"), max_length=64, blank=True)
    password = EncryptedTextField(_("password"), blank=True)
    password_shown_at = models.DateTimeField(null=True, blank=True)
    forwarding_url = models.URLField(_("forward to"), max_length=500, blank=True)
    remote_customer_id = models.CharField(_("remote customer id"), max_length=64, blank=True)
    remote_service_id = models.CharField(_("remote subscription id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    terminated_at = models.DateTimeField(_("terminated"), null=True, blank=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["client", "status"], name="service_client_status"),
            models.Index(fields=["server", "status"], name="service_server_status"),
            models.Index(fields=["status", "-created_at"], name="service_status_time"),
            models.Index(fields=["status", "next_due_date"], name="service_status_due"),
            models.Index(fields=["-created_at", "-id"], name="service_newest"),  # the list order
        ]

    def __str__(self) -> str:
        return f"{self.product} — {self.domain}" if self.domain else str(self.product)


class StepStatus(models.TextChoices):
    DONE = "done", _("done")  # completed; never repeated (the checkpoint)
    FAILED = "failed", _("failed")  # the last attempt failed; retried from here


# The remote steps as staff read them (the names are stored; see Checkpoints.run).
STEP_LABELS = {
    "customer": _("customer on the server"),  # Plesk customer created or adopted
    "subscription": _("subscription on the server"),  # Plesk webspace created or adopted
    "contact": _("contact at the registrar"),  # registrant contact created or updated
    "domain_create": _("registration at the registry"),  # EPP domain:create
    "transfer_request": _("transfer request at the registry"),  # EPP domain:transfer
}


class ProvisioningStep(models.Model):
    """Checkpoint of one remote step of a service (customer created, subscription created, ...)
    or of a domain (contact created, domain created ...): exactly one of the two owners is set."""

    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="steps"
    )
    domain = models.ForeignKey(
        "domains.Domain", null=True, blank=True, on_delete=models.CASCADE, related_name="steps"
    )
    name = models.CharField(_("step"), max_length=50)
    status = models.CharField(_("status"), max_length=20, choices=StepStatus.choices)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    remote_reference = models.CharField(_("remote reference"), max_length=255, blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("provisioning step")
        verbose_name_plural = _("provisioning steps")
        ordering = ["service", "domain", "id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="one_checkpoint_per_step"),
            models.UniqueConstraint(
                fields=["domain", "name"], name="one_domain_checkpoint_per_step"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(service__isnull=False, domain__isnull=True)
                    | models.Q(service__isnull=True, domain__isnull=False)
                ),
                name="provisioning_step_has_one_owner",
            ),
        ]

    def __str__(self) -> str:
        owner = f"service {self.service_id}" if self.service_id else f"domain {self.domain_id}"
        return f"{owner} {self.name}: {self.status}"

    @property
    def label(self) -> str:
        """The step's name in the reader's language; an unknown name as it is stored."""
        return str(STEP_LABELS.get(self.name, self.name))

    @property
    def reference_label(self) -> str:
        """The remote reference as staff read it: the expiry date that a registration step keeps
        (ISO, UTC) on the local clock, any other reference as it is stored."""
        moment = stored_moment_text(self.remote_reference)
        return _("until %(moment)s") % {"moment": moment} if moment else self.remote_reference
