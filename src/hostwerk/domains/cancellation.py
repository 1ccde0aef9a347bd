"""Giving a domain up at the registry (EPP delete): for a .nl that is not paid for, which SIDN
would otherwise keep renewing, and for a client who no longer wants a name."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from hostwerk.core.audit import Actor
from hostwerk.core.errors import HostwerkError
from hostwerk.domains.common import (
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

# EPP result code 2303: the registry has no such object (RFC 5730).
OBJECT_DOES_NOT_EXIST = 2303


def domain_cancel(*, actor: Actor, domain: Domain, reason: str) -> Domain:
    """Delete the domain at its registry (a .nl then goes into SIDN's quarantine) and mark it
    cancelled. Idempotent: a domain the registry no longer has is marked cancelled as well."""
    domain = domain_fresh(domain)
    if domain.status == DomainStatus.CANCELLED:
        return domain
    if domain.status not in (DomainStatus.ACTIVE, DomainStatus.EXPIRED):
        raise DomainRefused(
            _("%(domain)s is %(status)s: only a registered domain can be cancelled.")
            % {"domain": domain.name_unicode, "status": domain.get_status_display()},
            code="not_registered",
        )
    if domain.registrar is None:
        raise DomainRefused(
            _("%(domain)s has no registrar to cancel it at.") % {"domain": domain.name_unicode},
            link=domain_link(domain),
        )
    try:
        with registrar_client(domain.registrar, domain=domain) as session:
            try:
                session.delete(name=domain.name)
            except RegistrarRefused as refused:
                # Deleted by an earlier attempt whose answer was lost: the name is gone already.
                if refused.registry_code != OBJECT_DOES_NOT_EXIST:
                    raise
    except HostwerkError as error:
        if isinstance(error, DomainRefused):
            raise
        raise refusal_for(error, domain) from error
    with transaction.atomic():
        locked = domain_locked(domain)
        changes_save(
            actor=actor,
            domain=locked,
            values={"status": DomainStatus.CANCELLED, "last_error": ""},
            action="domain.cancel",
            data={"reason": reason},
        )
    return locked
