"""What the registry's answers mean for a domain: its values, its status, a transfer's end."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from hostwerk.domains.common import HELD
from hostwerk.domains.models import Domain, DomainStatus
from hostwerk.domains.registrars.base import (
    DomainState,
    TransferResult,
)
from hostwerk.domains.tld_rules import tld_rule
from hostwerk.provisioning.checkpoints import Checkpoints

SAME_MOMENT = timedelta(seconds=1)


def values_from_state(domain: Domain, state: DomainState) -> dict[str, Any]:
    values: dict[str, Any] = {
        "roid": state.roid,
        "nameservers": list(state.nameservers),
        "last_synced_at": timezone.now(),
    }
    # EPP dates carry a fraction of a second at most; the same moment to the second (a date
    # kept from our own clock, or rounded differently) is not a change to record.
    if state.expires and (
        domain.expires_at is None or abs(domain.expires_at - state.expires) >= SAME_MOMENT
    ):
        values["expires_at"] = state.expires
    if state.registrant:
        values["registrant_handle"] = state.registrant
    if state.admin:
        values["admin_handle"] = state.admin[0]
    if state.tech:
        values["tech_handle"] = state.tech[0]
    if domain.registered_at is None and state.created:
        values["registered_at"] = state.created
    return values


def status_from_state(domain: Domain, state: DomainState | None) -> tuple[str, str]:
    """(status, last_error) that the registry's answer implies for `domain`."""
    now = timezone.now()
    steps = Checkpoints(domain)
    by_us = steps.done("domain_create") or steps.done("transfer_request")
    if not by_us and domain.status in HELD and (state is None or not state.ours):
        # Recorded with "register at registrar" off: registered elsewhere or by hand, so what
        # this registrar says does not end it; staff see why in the note.
        return domain.status, _(
            "%(domain)s is not held by registrar %(registrar)s; it was recorded here without a "
            "registration by Hostwerk."
        ) % {"domain": domain.name_unicode, "registrar": domain.registrar}
    if state is None:
        if domain.status == DomainStatus.PENDING:
            return domain.status, domain.last_error
        if domain.expires_at and domain.expires_at < now:
            return DomainStatus.EXPIRED, _(
                "The registry no longer holds %(domain)s: it expired."
            ) % {"domain": domain.name_unicode}
        return DomainStatus.CANCELLED, _("The registry no longer holds %(domain)s.") % {
            "domain": domain.name_unicode
        }
    if not state.ours:
        if domain.status in (*HELD, DomainStatus.PENDING_TRANSFER):
            if domain.status == DomainStatus.PENDING_TRANSFER:
                return domain.status, domain.last_error
            return DomainStatus.TRANSFERRED_AWAY, ""
        return domain.status, domain.last_error
    if domain.status == DomainStatus.PENDING and not steps.done("domain_create"):
        # Ours at the registry but never sent by us: leave it to staff (accept or resend).
        return domain.status, domain.last_error
    if state.expires and state.expires < now and not tld_rule(domain.tld.name).renews_automatically:
        return DomainStatus.EXPIRED, ""
    return DomainStatus.ACTIVE, ""


def transfer_result_outcome(
    domain: Domain, result: TransferResult, account: str
) -> tuple[str, str] | None:
    """For a pending transfer to us: the new (status, last_error), or None while it is pending."""
    if result.pending or result.requesting_account not in ("", account):
        return None
    if result.approved:
        return DomainStatus.ACTIVE, ""
    return DomainStatus.PENDING, _(
        "The transfer of %(domain)s ended with “%(status)s”: the current registrar or the owner "
        "refused it. Ask the owner to approve it (or for a new auth code) and transfer again."
    ) % {"domain": domain.name_unicode, "status": result.status}
