"""Registrars; domains follow with the domains work."""

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
