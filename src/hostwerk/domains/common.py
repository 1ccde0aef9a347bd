"""What the domain actions share: the refusal they raise, the row lock, saving with audit,
recording a failure, and the links that say where a problem is fixed.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hostwerk.core.audit import Actor, apply_changes, audit_record
from hostwerk.core.errors import HostwerkError
from hostwerk.domains.models import Domain, DomainStatus
from hostwerk.domains.preflight import PreflightFailed, client_profile_link
from hostwerk.domains.registrars.base import (
    FIX_CLIENT_PROFILE,
    FIX_DOMAIN,
    FIX_REGISTRAR_SETTINGS,
    FIX_ZONE,
    RegistrarRefused,
    RegistrarUnavailable,
)
from hostwerk.provisioning.checkpoints import Checkpoints

# Statuses in which the registry holds the domain for us (or should).
HELD = (DomainStatus.ACTIVE, DomainStatus.EXPIRED)


class DomainRefused(HostwerkError):
    """The domain action cannot be done as asked; `message` says what to fix, `link` where."""

    def __init__(self, message: str, *, link: str = "", code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.link = link


class NameserversInvalid(DomainRefused):
    """The name servers typed cannot be used; the message says which and why."""


# -- helpers ------------------------------------------------------------------------------------


def domain_link(domain: Domain) -> str:
    return reverse("staff:domain_detail", args=[domain.pk])


def zone_link(domain: Domain) -> str:
    from hostwerk.dns.models import Zone

    zone = Zone.objects.filter(name=domain.name).only("pk").first()
    return reverse("staff:zone_detail", args=[zone.pk]) if zone else reverse("staff:zone_list")


def link_for(fix: str, domain: Domain) -> str:
    if fix == FIX_CLIENT_PROFILE:
        return client_profile_link(domain.client)
    if fix == FIX_REGISTRAR_SETTINGS and domain.registrar_id:
        return reverse("admin:domains_registrar_change", args=[domain.registrar_id])
    if fix == FIX_ZONE:
        return zone_link(domain)
    if fix == FIX_DOMAIN and domain.pk:
        return domain_link(domain)
    return ""


def refusal_for(error: Exception, domain: Domain) -> DomainRefused:
    """Any failure of a domain action as a DomainRefused with a link to where it is fixed."""
    if isinstance(error, DomainRefused):
        return error
    if isinstance(error, PreflightFailed):
        return DomainRefused(error.message, link=error.link, code="contact_incomplete")
    if isinstance(error, RegistrarUnavailable):
        return DomainRefused(
            str(error), link=link_for(error.fix, domain), code="registrar_unavailable"
        )
    if isinstance(error, RegistrarRefused):
        return DomainRefused(str(error), link=link_for(error.fix, domain), code="registrar_refused")
    return DomainRefused(str(error), link="")


def as_utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


def expiry_from(text: str) -> datetime | None:
    try:
        return as_utc(datetime.fromisoformat(text)) if text else None
    except ValueError:
        return None


def domain_locked(domain: Domain) -> Domain:
    # With the TLD's registrar: the availability cache of the name is keyed by it.
    return (
        Domain.objects.select_for_update(of=("self",))
        .select_related("client", "tld", "tld__registrar", "registrar")
        .get(pk=domain.pk)
    )


def domain_fresh(domain: Domain) -> Domain:
    """The domain read again, with what its actions need."""
    return Domain.objects.select_related("client", "tld", "registrar", "order_item").get(
        pk=domain.pk
    )


def changes_save(
    *,
    actor: Actor,
    domain: Domain,
    values: dict[str, Any],
    action: str,
    data: dict[str, Any] | None = None,
    always_audit: bool = True,
) -> dict[str, list[Any]]:
    """Apply `values` to the locked `domain`, save what changed and audit it."""
    changes = apply_changes(domain, values)
    if changes:
        domain.save(update_fields=[*changes, "updated_at"])
    if changes or always_audit:
        audit_record(
            actor=actor,
            action=action,
            obj=domain,
            client=domain.client,
            changes={key: value for key, value in changes.items() if key != "auth_code"},
            data=data,
        )
    return changes


def failure_record(
    *, actor: Actor, domain: Domain, action: str, failure: DomainRefused, outcome_unknown: bool
) -> None:
    """Keep why the last attempt failed; a create that surely did not happen is pending again."""
    with transaction.atomic():
        locked = domain_locked(domain)
        values: dict[str, Any] = {"last_error": failure.message}
        if (
            locked.status == DomainStatus.PENDING_REGISTRATION
            and not outcome_unknown
            and not Checkpoints(locked).done("domain_create")
        ):
            values["status"] = DomainStatus.PENDING
        changes_save(
            actor=actor,
            domain=locked,
            values=values,
            action=f"{action}_failed",
            data={"error": failure.message},
        )
    domain.last_error = failure.message


def zone_ensure_after(*, actor: Actor, domain: Domain) -> None:
    """R7: the zone exists once the domain is ours, pointing where the domain's hosting is."""
    from hostwerk.provisioning.models import Service
    from hostwerk.provisioning.zones import zone_after_service_change, zone_ensure

    zone_ensure(actor=actor, domain=domain.name, client=domain.client)
    # Hosting accepted before the domain (a retried order) found no zone to point; now there is.
    service = Service.objects.filter(domain=domain.name).order_by("-id").first()
    if service is not None:
        zone_after_service_change(actor=actor, service=service)


def auth_code_new() -> str:
    # Letters, digits and a symbol: registries demand mixed auth codes; 16 characters fit all.
    return secrets.token_urlsafe(12)[:15] + "!"


# -- creating domain records ----------------------------------------------------------------------
