"""Servers and server groups; services follow with acceptance."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hostwerk.core.fields import EncryptedTextField


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
