"""Domain renewal work of the billing run: paid years renewed at the registry, and unpaid .nl
names (which SIDN renews until they are deleted) put on the "to be cancelled" list.

A renewal sends EPP `domain:renew` with the current expiry date, which the registry checks, so a
renewal sent twice is refused rather than charged twice; a retry whose first answer was lost
finds the expiry already moved (after a sync) and is marked done without a second command.
"""

from __future__ import annotations

import contextlib
import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from hostwerk.billing.config import billing_setting
from hostwerk.billing.models import DomainRenewal, RenewalStatus
from hostwerk.billing.settlement import overdue_lines
from hostwerk.core import clock
from hostwerk.core.audit import Actor
from hostwerk.core.errors import HostwerkError
from hostwerk.domains.cancellation import domain_cancel
from hostwerk.domains.models import Domain, DomainStatus
from hostwerk.domains.renewal import domain_renew
from hostwerk.domains.sync import domain_sync
from hostwerk.domains.tld_rules import RULES

MAX_ATTEMPTS = 5


def _renewed_already(renewal: DomainRenewal) -> bool:
    """The registry's expiry (as last known) already lies a year past the renewed period's start."""
    domain = renewal.domain
    if domain.expires_at is None:
        return False
    target = renewal.period_start.replace(year=renewal.period_start.year + renewal.years)
    return clock.local_day(domain.expires_at) >= target - datetime.timedelta(days=31)


def _mark(renewal: DomainRenewal, status: str, error: str = "") -> None:
    DomainRenewal.objects.filter(pk=renewal.pk).update(
        status=status, last_error=error[:2000], attempts=renewal.attempts + 1
    )


def domain_renewal_carry_out(*, actor: Actor, renewal: DomainRenewal) -> bool:
    """Renew one paid domain year at the registry; True when it is renewed (now or before)."""
    with transaction.atomic():
        renewal = (
            DomainRenewal.objects.select_for_update(of=("self",))
            .select_related("domain__tld", "domain__registrar", "domain__client")
            .get(pk=renewal.pk)
        )
        if renewal.status == RenewalStatus.DONE:
            return False
    if _renewed_already(renewal):
        _mark(renewal, RenewalStatus.DONE)
        return True
    try:
        domain_renew(actor=actor, domain=renewal.domain, years=renewal.years)
    except HostwerkError as error:
        # Perhaps the registry renewed it and only its answer was lost: ask it before retrying.
        with contextlib.suppress(HostwerkError):
            renewal.domain = domain_sync(actor=actor, domain=renewal.domain)
        if _renewed_already(renewal):
            _mark(renewal, RenewalStatus.DONE)
            return True
        _mark(renewal, RenewalStatus.FAILED, str(error))
        raise
    _mark(renewal, RenewalStatus.DONE)
    return True


def renewals_open() -> QuerySet[DomainRenewal]:
    return DomainRenewal.objects.filter(
        status__in=(RenewalStatus.PENDING, RenewalStatus.FAILED), attempts__lt=MAX_ATTEMPTS
    ).select_related("domain__tld", "domain__registrar", "domain__client")


SELF_RENEWING_TLDS = [name for name, rule in RULES.items() if rule.renews_automatically]


def domains_to_cancel(day: datetime.date) -> QuerySet[Domain]:
    """Self-renewing (.nl) domains to give up: a renewal unpaid for
    "domain_cancel_days_overdue" days, or "do not renew" and past the due date."""
    lines = overdue_lines(
        before=day - datetime.timedelta(days=billing_setting("domain_cancel_days_overdue") - 1)
    ).filter(domain=OuterRef("pk"), period_start=OuterRef("next_due_date"))
    return (
        Domain.objects.filter(
            status__in=(DomainStatus.ACTIVE, DomainStatus.EXPIRED),
            tld__name__in=SELF_RENEWING_TLDS,
        )
        .filter(Exists(lines) | Q(do_not_renew=True, next_due_date__lte=day))
        .select_related("client", "tld", "registrar")
        .order_by("next_due_date", "name")
    )


def domains_due_date_fill() -> int:
    """Give domains registered since the last run their first due date: the expiry day."""
    filled = 0
    for domain in Domain.objects.filter(
        next_due_date__isnull=True, expires_at__isnull=False, status=DomainStatus.ACTIVE
    ).only("pk", "expires_at"):
        if domain.expires_at is None:  # never: the query asks for an expiry date
            continue
        filled += Domain.objects.filter(pk=domain.pk, next_due_date__isnull=True).update(
            next_due_date=clock.local_day(domain.expires_at)
        )
    return filled


def domain_work_run(*, actor: Actor, day: datetime.date, errors: list[dict]) -> tuple[int, int]:
    """(renewed, cancelled): paid renewals sent to the registries, unpaid .nl cancelled when
    HOSTWERK_DOMAIN_AUTO_CANCEL is on (otherwise they wait on the staff list)."""
    renewed = 0
    for renewal in renewals_open():
        try:
            renewed += domain_renewal_carry_out(actor=actor, renewal=renewal)
        except HostwerkError as error:
            errors.append({"step": "domains", "object": renewal.domain.name, "error": str(error)})
    cancelled = 0
    if billing_setting("domain_auto_cancel"):
        for domain in domains_to_cancel(day):
            try:
                domain_cancel(actor=actor, domain=domain, reason=_("not paid"))
                cancelled += 1
            except HostwerkError as error:
                errors.append({"step": "domains", "object": domain.name, "error": str(error)})
    return renewed, cancelled
