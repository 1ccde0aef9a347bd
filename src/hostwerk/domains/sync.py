"""Bringing domains in line with the registry: sync on demand, the daily due sync, and poll."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostwerk.core.audit import Actor, audit_record
from hostwerk.core.errors import HostwerkError
from hostwerk.domains.common import (
    DomainRefused,
    changes_save,
    domain_fresh,
    domain_link,
    domain_locked,
    refusal_for,
    zone_ensure_after,
)
from hostwerk.domains.models import Domain, DomainStatus, Registrar
from hostwerk.domains.registrars import registrar_client
from hostwerk.domains.registrars.base import (
    DomainState,
    ObjectMissing,
    PollNotice,
    RegistrarClient,
    RegistrarRefused,
)
from hostwerk.domains.remote_state import (
    status_from_state,
    transfer_result_outcome,
    values_from_state,
)
from hostwerk.provisioning.checkpoints import Checkpoints

logger = logging.getLogger(__name__)


def sync_with(
    *, actor: Actor, domain: Domain, session: RegistrarClient, via: str = "sync"
) -> Domain:
    """Bring `domain` in line with what the registry says (one info, plus a transfer query)."""
    domain = domain_fresh(domain)
    transfer_outcome = None
    state: DomainState | None
    if domain.status == DomainStatus.PENDING_TRANSFER:
        try:
            result = session.transfer_query(name=domain.name)
        except (RegistrarRefused, ObjectMissing):
            result = None
        transfer_outcome = (
            transfer_result_outcome(domain, result, session.account) if result else None
        )
    try:
        state = session.info(name=domain.name)
    except ObjectMissing:
        state = None
    with transaction.atomic():
        locked = domain_locked(domain)
        before = locked.status
        if locked.status == DomainStatus.PENDING_TRANSFER:
            if transfer_outcome is None and state is not None and state.ours:
                transfer_outcome = (DomainStatus.ACTIVE, "")
            status, error = transfer_outcome or (locked.status, locked.last_error)
        else:
            status, error = status_from_state(locked, state)
        values: dict[str, Any] = {
            "status": status,
            "last_error": error,
            "last_synced_at": timezone.now(),
        }
        if state is not None and state.ours:
            values.update(values_from_state(locked, state))
        if status == DomainStatus.PENDING and before == DomainStatus.PENDING_TRANSFER:
            Checkpoints(locked).forget("transfer_request")
        changes = changes_save(
            actor=actor,
            domain=locked,
            values=values,
            action="domain.sync",
            data={"via": via, "registry_status": list(state.statuses) if state else None},
            always_audit=False,
        )
        if (
            "status" in changes
            and status == DomainStatus.ACTIVE
            and before
            in (
                DomainStatus.PENDING_REGISTRATION,
                DomainStatus.PENDING_TRANSFER,
            )
        ):
            zone_ensure_after(actor=actor, domain=locked)
    return locked


def domain_sync(*, actor: Actor, domain: Domain) -> Domain:
    """Status, expiry, name servers and handles from the registrar (staff button, daily cron)."""
    domain = domain_fresh(domain)
    if domain.registrar is None:
        raise DomainRefused(
            _("%(domain)s has no registrar to ask.") % {"domain": domain.name_unicode},
            link=domain_link(domain),
        )
    try:
        with registrar_client(domain.registrar, domain=domain) as session:
            return sync_with(actor=actor, domain=domain, session=session)
    except HostwerkError as error:
        if isinstance(error, DomainRefused):
            raise
        raise refusal_for(error, domain) from error


def domains_due_for_sync(*, older_than: timedelta = timedelta(hours=20), limit: int = 500):
    """Domains the registry may have news about, least recently synchronised first."""
    cutoff = timezone.now() - older_than
    from django.db.models import Q

    return (
        Domain.objects.filter(
            status__in=(
                DomainStatus.ACTIVE,
                DomainStatus.EXPIRED,
                DomainStatus.PENDING_REGISTRATION,
                DomainStatus.PENDING_TRANSFER,
            ),
            registrar__isnull=False,
            registrar__active=True,
        )
        .filter(Q(last_synced_at__isnull=True) | Q(last_synced_at__lt=cutoff))
        .select_related("registrar")
        .order_by("registrar_id", "last_synced_at", "pk")[:limit]
    )


def domains_sync_due(*, actor: Actor, limit: int = 500) -> dict[str, int]:
    """Sync due domains with one session per registrar; a failing domain does not stop the rest."""
    counts = {"synced": 0, "failed": 0}
    due = list(domains_due_for_sync(limit=limit))
    for registrar_id in dict.fromkeys(domain.registrar_id for domain in due):
        group = [domain for domain in due if domain.registrar_id == registrar_id]
        done = 0
        try:
            with registrar_client(group[0].registrar) as session:
                for domain in group:
                    session.domain = domain  # log this domain's exchanges against it
                    try:
                        sync_with(actor=actor, domain=domain, session=session)
                        counts["synced"] += 1
                    except HostwerkError as error:
                        counts["failed"] += 1
                        logger.warning("sync of %s failed: %s", domain.name, error)
                    done += 1
        except HostwerkError as error:
            counts["failed"] += len(group) - done
            logger.warning("sync with registrar %s failed: %s", group[0].registrar, error)
    return counts


def _handle_notice(
    *, actor: Actor, registrar: Registrar, session: RegistrarClient, notice: PollNotice
) -> str:
    domain = (
        Domain.objects.select_related("client", "tld", "registrar")
        .filter(name=notice.domain_name)
        .first()
        if notice.domain_name
        else None
    )
    if domain is None:
        return "unknown domain"
    transfer = notice.transfer
    if transfer is not None and transfer.requesting_account not in ("", registrar.username):
        # Someone takes a domain away from us: done when approved, else only noted.
        if transfer.approved:
            with transaction.atomic():
                locked = domain_locked(domain)
                changes_save(
                    actor=actor,
                    domain=locked,
                    values={
                        "status": DomainStatus.TRANSFERRED_AWAY,
                        "last_synced_at": timezone.now(),
                    },
                    action="domain.transferred_away",
                    data={"message": notice.text, "to": transfer.requesting_account},
                )
            return "transferred away"
        audit_record(
            actor=actor,
            action="domain.transfer_away_notice",
            obj=domain,
            client=domain.client,
            data={
                "message": notice.text,
                "status": transfer.status,
                "to": transfer.requesting_account,
            },
        )
        return "noted"
    sync_with(actor=actor, domain=domain, session=session, via="poll")
    return "synced"


def registrar_poll(*, actor: Actor, registrar: Registrar, limit: int = 200) -> int:
    """Read and acknowledge the registry's messages (transfer results, pending creates)."""
    handled = 0
    with registrar_client(registrar) as session:
        for _round in range(limit):
            notice = session.poll()
            if notice is None:
                break
            outcome = _handle_notice(
                actor=actor, registrar=registrar, session=session, notice=notice
            )
            logger.info("poll message %s (%s): %s", notice.id, notice.text, outcome)
            session.poll_ack(message_id=notice.id)
            handled += 1
    return handled
