"""Writes on domains that stand alone: name servers and registrars.

Registration, transfer, renewal and sync live in their own modules of this app.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hostwerk.core.audit import Actor, apply_changes, audit_record
from hostwerk.core.domain_names import DomainNameError, parse_domain_name
from hostwerk.core.errors import HostwerkError
from hostwerk.domains.common import (
    DomainRefused,
    NameserversInvalid,
    changes_save,
    domain_fresh,
    domain_locked,
    refusal_for,
)
from hostwerk.domains.models import Domain, DomainStatus, Registrar
from hostwerk.domains.registrars import registrar_client

MAX_NAMESERVERS = 13
MIN_NAMESERVERS = 2


def nameservers_clean(values: Iterable[str]) -> list[str]:
    """Host names as typed (one per line or comma separated) to a checked list, or refuse."""
    hosts: list[str] = []
    for raw in values:
        for part in str(raw).replace(",", "\n").splitlines():
            text = part.strip()
            if not text:
                continue
            try:
                host = parse_domain_name(text).ascii
            except DomainNameError as error:
                raise NameserversInvalid(
                    _("Name server “%(host)s”: %(error)s") % {"host": text, "error": error}
                ) from None
            if host in hosts:
                raise NameserversInvalid(_("%(host)s is listed twice.") % {"host": host})
            hosts.append(host)
    if not MIN_NAMESERVERS <= len(hosts) <= MAX_NAMESERVERS:
        raise NameserversInvalid(
            _("Enter %(min)s to %(max)s name servers, one per line.")
            % {"min": MIN_NAMESERVERS, "max": MAX_NAMESERVERS}
        )
    return hosts


def domain_nameservers_update(
    *, actor: Actor, domain: Domain, nameservers: Iterable[str]
) -> Domain:
    """Delegate `domain` to other name servers (checked host names), at the registry first."""
    hosts = nameservers_clean(nameservers)
    domain = domain_fresh(domain)
    if domain.status != DomainStatus.ACTIVE:
        raise DomainRefused(
            _("%(domain)s is %(status)s: name servers can be changed only for an active domain.")
            % {"domain": domain.name_unicode, "status": domain.get_status_display()}
        )
    if domain.registrar is not None:
        try:
            with registrar_client(domain.registrar, domain=domain) as session:
                session.update_nameservers(name=domain.name, nameservers=hosts)
        except HostwerkError as error:
            raise refusal_for(error, domain) from error
    with transaction.atomic():
        locked = domain_locked(domain)
        changes_save(
            actor=actor,
            domain=locked,
            values={"nameservers": hosts, "last_error": ""},
            action="domain.nameservers_update",
        )
    return locked


# -- expiry reminders ----------------------------------------------------------------------------


def _hide_registrar_secrets(changes: dict) -> dict:
    if "password" in changes:
        changes["password"] = ["••••", "••••"]  # the audit trail never holds secrets
    return changes


@transaction.atomic
def registrar_create(*, actor: Actor, values: dict[str, Any]) -> Registrar:
    registrar = Registrar.objects.create(**values)
    audit_record(
        actor=actor,
        action="registrar.create",
        obj=registrar,
        changes=_hide_registrar_secrets({name: [None, value] for name, value in values.items()}),
    )
    return registrar


@transaction.atomic
def registrar_update(*, actor: Actor, registrar: Registrar, values: dict[str, Any]) -> Registrar:
    """Change a registrar; a password left out keeps the stored one."""
    registrar = Registrar.objects.select_for_update().get(pk=registrar.pk)
    changes = apply_changes(registrar, values)
    if changes:
        registrar.save()
        audit_record(
            actor=actor,
            action="registrar.update",
            obj=registrar,
            changes=_hide_registrar_secrets(changes),
        )
    return registrar


def registrar_connection_test(*, actor: Actor, registrar: Registrar) -> tuple[bool, str]:
    """Connect and log in with the stored settings; (worked, what to tell staff)."""
    try:
        with registrar_client(registrar, timeout=10) as session:
            server_id = session.connection_test()
    except HostwerkError as error:
        worked, message = False, _("The connection failed: %(error)s") % {"error": error}
    else:
        worked = True
        message = _("Logged in at %(server)s as %(login)s.") % {
            "server": server_id or f"{registrar.host}:{registrar.port}",
            "login": registrar.username,
        }
    audit_record(
        actor=actor,
        action="registrar.connection_test",
        obj=registrar,
        data={"worked": worked, "message": message},
    )
    return worked, message
