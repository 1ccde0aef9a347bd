"""Transfers in: the request with the auth code; completion arrives by poll or sync."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hostwerk.core.audit import Actor
from hostwerk.core.errors import HostwerkError
from hostwerk.domains.availability import availability_forget
from hostwerk.domains.common import (
    DomainRefused,
    changes_save,
    domain_fresh,
    domain_link,
    domain_locked,
    failure_record,
    refusal_for,
    zone_ensure_after,
)
from hostwerk.domains.models import Domain, DomainStatus
from hostwerk.domains.registrars import registrar_client
from hostwerk.domains.registrars.base import (
    RegistrarOutcomeUnknown,
    RegistrarRefused,
    RegistrarUnavailable,
)
from hostwerk.domains.remote_state import values_from_state
from hostwerk.domains.tld_rules import tld_rule
from hostwerk.provisioning.checkpoints import Checkpoints


def domain_transfer(
    *,
    actor: Actor,
    domain: Domain,
    auth_code: str | None = None,
    before_commit: Callable[[Domain], None] | None = None,
) -> Domain:
    """Ask the registry to move `domain` to our registrar with its auth code.

    Accepted when the registry took the request: the domain is then `pending_transfer` (or
    `active` when the registry approved at once); the completion arrives by poll or sync.
    """
    domain = domain_fresh(domain)
    if auth_code is not None and auth_code.strip() and auth_code.strip() != domain.auth_code:
        with transaction.atomic():
            changes_save(
                actor=actor,
                domain=domain_locked(domain),
                values={"auth_code": auth_code.strip()},
                action="domain.auth_code_change",
            )
        domain = domain_fresh(domain)
        # A new code means a new request; the one refused before does not count.
        Checkpoints(domain).forget("transfer_request")
    if domain.status not in (
        DomainStatus.PENDING,
        DomainStatus.PENDING_TRANSFER,
        DomainStatus.TRANSFERRED_AWAY,
    ):
        raise DomainRefused(
            _("%(domain)s is %(status)s: it cannot be transferred in now.")
            % {"domain": domain.name_unicode, "status": domain.get_status_display()},
            link=domain_link(domain),
        )
    if domain.registrar is None:
        raise DomainRefused(
            _("%(domain)s has no registrar: choose one, or untick “transfer at registrar”.")
            % {"domain": domain.name_unicode},
            link=domain_link(domain),
        )
    if not domain.auth_code:
        raise DomainRefused(
            _(
                "A transfer of %(domain)s needs the auth code from the current registrar: enter it on the domain page."
            )
            % {"domain": domain.name_unicode},
            link=domain_link(domain),
        )
    years = None if tld_rule(domain.tld.name).renews_automatically else domain.years
    steps = Checkpoints(domain)
    details: dict[str, Any] = {"registrar": domain.registrar.name}
    try:
        with registrar_client(domain.registrar, domain=domain) as session:

            def request() -> str:
                try:
                    result = session.transfer_request(
                        name=domain.name, auth_code=domain.auth_code, years=years
                    )
                except RegistrarOutcomeUnknown as lost:
                    try:
                        result = session.transfer_query(name=domain.name)
                    except RegistrarRefused:
                        result = None
                    if result is None or result.requesting_account != session.account:
                        raise RegistrarUnavailable(
                            _(
                                "The registry did not answer the transfer request of %(domain)s "
                                "and shows no transfer by us: nothing was requested. Try again."
                            )
                            % {"domain": domain.name_unicode}
                        ) from lost
                except RegistrarRefused as refused:
                    if refused.registry_code == 2300:
                        # "Pending transfer": ours when an earlier request got through but its
                        # answer was lost (a timeout, or a worker killed before its checkpoint).
                        try:
                            pending = session.transfer_query(name=domain.name)
                        except RegistrarRefused:
                            raise refused from None
                        if pending is None or pending.requesting_account != session.account:
                            raise
                        return pending.status
                    if refused.registry_code != 2106:
                        raise
                    # "Not eligible": perhaps it is ours already (an earlier answer was lost).
                    state = session.info(name=domain.name)
                    if not state.ours:
                        raise
                    return "clientApproved"
                return result.status

            status = steps.run("transfer_request", request)
            details["transfer_status"] = status
            state = (
                session.info(name=domain.name)
                if status in ("clientApproved", "serverApproved")
                else None
            )
    except HostwerkError as error:
        failure = refusal_for(error, domain)
        failure_record(
            actor=actor,
            domain=domain,
            action="domain.transfer",
            failure=failure,
            outcome_unknown=False,
        )
        raise failure from error
    with transaction.atomic():
        locked = domain_locked(domain)
        values: dict[str, Any] = {"last_error": "", "status": DomainStatus.PENDING_TRANSFER}
        if state is not None:
            values.update(values_from_state(locked, state))
            values["status"] = DomainStatus.ACTIVE
        changes_save(
            actor=actor,
            domain=locked,
            values=values,
            action="domain.transfer_request",
            data=details,
        )
        if locked.status == DomainStatus.ACTIVE:
            zone_ensure_after(actor=actor, domain=locked)
        if before_commit is not None:
            before_commit(locked)
    availability_forget(name=locked.name, tld=locked.tld)
    return locked
