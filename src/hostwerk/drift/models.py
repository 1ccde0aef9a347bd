"""Differences between what Hostwerk holds and what a remote system holds, found by the drift check."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DifferenceKind(models.TextChoices):
    CUSTOMER_MISSING = (
        "customer_missing",
        _("Plesk customer missing"),
    )  # a service's customer is gone
    SUBSCRIPTION_MISSING = (
        "subscription_missing",
        _("subscription missing"),
    )  # a service has no subscription on its server
    SUBSCRIPTION_UNKNOWN = (
        "subscription_unknown",
        _("subscription unknown to Hostwerk"),
    )  # a subscription no active or suspended service has
    SUBSCRIPTION_STATUS = (
        "subscription_status",
        _("subscription status"),
    )  # active on one side, suspended on the other
    SUBSCRIPTION_PLAN = "subscription_plan", _("service plan")  # not the product's service plan
    MAILBOX_MISSING = "mailbox_missing", _("mailbox missing")  # Hostwerk's mailbox is not on Plesk
    MAILBOX_UNKNOWN = (
        "mailbox_unknown",
        _("mailbox unknown to Hostwerk"),
    )  # a mailbox on Plesk that Hostwerk does not have
    MAILBOX_FILTER_OFF = "mailbox_filter_off", _("mailbox spam filter off")  # R9 broken on Plesk
    DOMAIN_MISSING = (
        "domain_missing",
        _("domain not at the registry"),
    )  # the registry does not have it, or not for our account
    DOMAIN_EXPIRY = "domain_expiry", _("domain expiry date")  # the registry has another date
    DOMAIN_NAMESERVERS = (
        "domain_nameservers",
        _("domain name servers"),
    )  # delegated elsewhere than Hostwerk says
    DOMAIN_OWNER = "domain_owner", _("domain owner")  # another registrant contact
    ZONE_MISSING = "zone_missing", _("zone missing on the DNS server")  # published, yet not there
    ZONE_RECORDS = "zone_records", _("zone records")  # the DNS server serves other records
    FILTER_DOMAIN_MISSING = (
        "filter_domain_missing",
        _("domain missing at the mail filter"),
    )  # the filtering provider does not have a filtered domain


class Resolution(models.TextChoices):
    REPAIRED = "repaired", _("repaired")  # Hostwerk made the two sides agree
    GONE = "gone", _("no longer found")  # a later check found both sides in agreement


class Difference(models.Model):
    """One disagreement. A check that finds it again updates it; one that no longer finds it
    resolves it. `repairable`: Hostwerk can fix it safely with one click; otherwise
    `explanation` says what a person has to decide."""

    kind = models.CharField(_("kind"), max_length=30, choices=DifferenceKind.choices)
    system = models.CharField(_("system"), max_length=120)  # "plesk1", "PowerDNS", ...
    object_label = models.CharField(_("object"), max_length=300)
    # What the difference is about in Hostwerk, when it has it: "service", "mailbox" ...
    object_type = models.CharField(max_length=20, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    # kind, system and object: one open difference per key.
    key = models.CharField(max_length=500)
    expected = models.TextField(_("Hostwerk has"), blank=True)
    found = models.TextField(_("found"), blank=True)
    repairable = models.BooleanField(_("repairable"), default=False)
    explanation = models.TextField(_("explanation"), blank=True)
    found_at = models.DateTimeField(_("found"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolution = models.CharField(
        _("resolution"), max_length=10, choices=Resolution.choices, blank=True
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    last_error = models.TextField(_("last repair error"), blank=True)

    class Meta:
        verbose_name = _("difference")
        verbose_name_plural = _("differences")
        ordering = ["-found_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(resolved_at__isnull=True), name="one_open_difference"
            )
        ]
        indexes = [
            models.Index(fields=["resolved_at", "found_at"], name="drift_difference_open"),
            models.Index(fields=["system", "resolved_at"], name="drift_difference_system"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.object_label} ({self.system})"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
