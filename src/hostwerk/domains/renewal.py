"""Renewal at the registry and the expiry reminders to clients."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from hostwerk.core import clock
from hostwerk.core.audit import Actor, audit_record
from hostwerk.core.errors import HostwerkError
from hostwerk.domains.common import (
    HELD,
    DomainRefused,
    changes_save,
    domain_fresh,
    domain_link,
    domain_locked,
    refusal_for,
)
from hostwerk.domains.models import Domain, DomainStatus
from hostwerk.domains.registrars import registrar_client
from hostwerk.domains.registrars.base import RegistrarRefused
from hostwerk.domains.tld_rules import tld_rule


def domain_renew(*, actor: Actor, domain: Domain, years: int = 1) -> Domain:
    """Renew at the registry for `years`; refused for TLDs that renew automatically (.nl)."""
    domain = domain_fresh(domain)
    if tld_rule(domain.tld.name).renews_automatically:
        raise DomainRefused(
            _(
                "%(domain)s cannot be renewed by hand: the registry (SIDN for .nl) renews it "
                "automatically every year until it is cancelled."
            )
            % {"domain": domain.name_unicode},
            code="renews_automatically",
        )
    if domain.status not in HELD:
        raise DomainRefused(
            _("%(domain)s is %(status)s: only active or expired domains can be renewed.")
            % {"domain": domain.name_unicode, "status": domain.get_status_display()}
        )
    if not domain.tld.min_years <= years <= domain.tld.max_years:
        raise DomainRefused(
            _(".%(tld)s domains are renewed for %(min)s to %(max)s years.")
            % {"tld": domain.tld.name, "min": domain.tld.min_years, "max": domain.tld.max_years}
        )
    if domain.registrar is None or domain.expires_at is None:
        raise DomainRefused(
            _("The expiry date of %(domain)s is unknown: synchronise it first.")
            % {"domain": domain.name_unicode},
            link=domain_link(domain),
        )
    current = domain.expires_at.astimezone(UTC)
    try:
        with registrar_client(domain.registrar, domain=domain) as session:
            new_expiry = session.renew(name=domain.name, current_expiry=current.date(), years=years)
    except RegistrarRefused as refused:
        message = str(refused)
        if refused.registry_code == 2004 and "curexpdate" in refused.reason.lower():
            message = _(
                "The registry has another expiry date for %(domain)s than Hostwerk: synchronise "
                "the domain, check it was not renewed already, then renew again."
            ) % {"domain": domain.name_unicode}
        raise DomainRefused(message, link=domain_link(domain)) from refused
    except HostwerkError as error:
        raise refusal_for(error, domain) from error
    with transaction.atomic():
        locked = domain_locked(domain)
        changes_save(
            actor=actor,
            domain=locked,
            values={
                "expires_at": datetime.combine(new_expiry, current.timetz()),
                "status": DomainStatus.ACTIVE,
                "last_error": "",
            },
            action="domain.renew",
            data={"years": years},
        )
    return locked


# -- expiry reminders ----------------------------------------------------------------------------


# Expiry reminders: days before expiry, largest first.
REMINDER_DAYS = (30, 7)


def domain_expiry_reminders_send(*, actor: Actor, now: datetime | None = None) -> int:
    """E-mail clients about active domains expiring within 30 and within 7 days, once each."""
    from hostwerk.notifications.actions import email_queue

    now = now or clock.now()
    sent = 0
    horizon = now + timedelta(days=REMINDER_DAYS[0])
    candidates = Domain.objects.filter(
        status=DomainStatus.ACTIVE, expires_at__gt=now, expires_at__lte=horizon
    ).values_list("pk", flat=True)
    for domain_id in list(candidates):
        with transaction.atomic():
            domain = (
                Domain.objects.select_for_update(of=("self",))
                .select_related("client", "tld")
                .get(pk=domain_id)
            )
            expires_at = domain.expires_at
            if expires_at is None:  # the query only picks domains with a date
                continue
            days_left = (expires_at - now).total_seconds() / 86400
            due = [days for days in REMINDER_DAYS if days_left <= days]
            if not due:
                continue
            days = min(due)  # the nearest threshold: a missed 30-day run is not sent a week late
            key = f"{expires_at.astimezone(UTC).date().isoformat()}/{days}"
            if key in domain.expiry_reminders:
                continue
            client = domain.client
            email_queue(
                template="domain_expiry",
                to=client.email,
                language=client.language,
                client=client,
                obj=domain,
                context={
                    "client": client,
                    "domain": domain,
                    "days": days,
                    "expires_at": domain.expires_at,
                    "renews_automatically": tld_rule(domain.tld.name).renews_automatically,
                    "domains_url": settings.BASE_URL + reverse("portal:domain_list"),
                },
            )
            Domain.objects.filter(pk=domain.pk).update(
                expiry_reminders=[*domain.expiry_reminders, key]
            )
            audit_record(
                actor=actor,
                action="domain.expiry_reminder",
                obj=domain,
                client=client,
                data={"days": days, "expires_at": expires_at.isoformat()},
            )
            sent += 1
    return sent


# -- registrars -------------------------------------------------------------------------------
