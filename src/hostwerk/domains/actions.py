"""Writes on domains: registration, transfer, renewal, name servers, sync, poll (R4, R5, R7, R10).

Registry calls run outside database transactions, each remote step checkpointed, so a crash or
a lost answer never registers a domain twice; status changes happen afterwards under the row's
lock, in one transaction with their audit event and whatever the caller must record with them
(acceptance marks its order item accepted there).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hostwerk.catalog.models import Tld
from hostwerk.clients.models import Client
from hostwerk.core import clock
from hostwerk.core.audit import Actor, apply_changes, audit_record
from hostwerk.core.domain_names import DomainNameError, parse_domain_name
from hostwerk.core.errors import HostwerkError
from hostwerk.domains.availability import availability_forget
from hostwerk.domains.models import Domain, DomainStatus, Registrar, RegistrarContact
from hostwerk.domains.preflight import PreflightFailed, client_profile_link, contact_preflight
from hostwerk.domains.registrars import registrar_client
from hostwerk.domains.registrars.base import (
    FIX_CLIENT_PROFILE,
    FIX_DOMAIN,
    FIX_REGISTRAR_SETTINGS,
    FIX_ZONE,
    ContactData,
    DomainExists,
    DomainState,
    ObjectMissing,
    PollNotice,
    RegistrarClient,
    RegistrarOutcomeUnknown,
    RegistrarRefused,
    RegistrarUnavailable,
    TransferResult,
)
from hostwerk.domains.tld_rules import tld_rule
from hostwerk.provisioning.checkpoints import Checkpoints

logger = logging.getLogger(__name__)

# Statuses in which the registry holds the domain for us (or should).
HELD = (DomainStatus.ACTIVE, DomainStatus.EXPIRED)
MAX_NAMESERVERS = 13
MIN_NAMESERVERS = 2
# Expiry reminders: days before expiry, largest first.
REMINDER_DAYS = (30, 7)


class DomainRefused(HostwerkError):
    """The domain action cannot be done as asked; `message` says what to fix, `link` where."""

    def __init__(self, message: str, *, link: str = "", code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.link = link


class NameserversInvalid(DomainRefused):
    """The name servers typed cannot be used; the message says which and why."""


# -- helpers ------------------------------------------------------------------------------------


def _domain_link(domain: Domain) -> str:
    return reverse("staff:domain_detail", args=[domain.pk])


def _zone_link(domain: Domain) -> str:
    from hostwerk.dns.models import Zone

    zone = Zone.objects.filter(name=domain.name).only("pk").first()
    return reverse("staff:zone_detail", args=[zone.pk]) if zone else reverse("staff:zone_list")


def _link_for(fix: str, domain: Domain) -> str:
    if fix == FIX_CLIENT_PROFILE:
        return client_profile_link(domain.client)
    if fix == FIX_REGISTRAR_SETTINGS and domain.registrar_id:
        return reverse("admin:domains_registrar_change", args=[domain.registrar_id])
    if fix == FIX_ZONE:
        return _zone_link(domain)
    if fix == FIX_DOMAIN and domain.pk:
        return _domain_link(domain)
    return ""


def _explain(error: Exception, domain: Domain) -> DomainRefused:
    """Any failure of a domain action as a DomainRefused with a link to where it is fixed."""
    if isinstance(error, DomainRefused):
        return error
    if isinstance(error, PreflightFailed):
        return DomainRefused(error.message, link=error.link, code="contact_incomplete")
    if isinstance(error, RegistrarUnavailable):
        return DomainRefused(
            str(error), link=_link_for(error.fix, domain), code="registrar_unavailable"
        )
    if isinstance(error, RegistrarRefused):
        return DomainRefused(
            str(error), link=_link_for(error.fix, domain), code="registrar_refused"
        )
    return DomainRefused(str(error), link="")


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


def _expiry_from(text: str) -> datetime | None:
    try:
        return _utc(datetime.fromisoformat(text)) if text else None
    except ValueError:
        return None


def _locked(domain: Domain) -> Domain:
    return (
        Domain.objects.select_for_update(of=("self",))
        .select_related("client", "tld", "registrar")
        .get(pk=domain.pk)
    )


def domain_fresh(domain: Domain) -> Domain:
    """The domain read again, with what its actions need."""
    return Domain.objects.select_related("client", "tld", "registrar", "order_item").get(
        pk=domain.pk
    )


def _save_changes(
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


def _record_failure(
    *, actor: Actor, domain: Domain, action: str, failure: DomainRefused, outcome_unknown: bool
) -> None:
    """Keep why the last attempt failed; a create that surely did not happen is pending again."""
    with transaction.atomic():
        locked = _locked(domain)
        values: dict[str, Any] = {"last_error": failure.message}
        if (
            locked.status == DomainStatus.PENDING_REGISTRATION
            and not outcome_unknown
            and not Checkpoints(locked).done("domain_create")
        ):
            values["status"] = DomainStatus.PENDING
        _save_changes(
            actor=actor,
            domain=locked,
            values=values,
            action=f"{action}_failed",
            data={"error": failure.message},
        )
    domain.last_error = failure.message


def _zone_ensure_after(*, actor: Actor, domain: Domain) -> None:
    """R7: the zone exists once the domain is ours, pointing where the domain's hosting is."""
    from hostwerk.provisioning.models import Service
    from hostwerk.provisioning.zones import zone_after_service_change, zone_ensure

    zone_ensure(actor=actor, domain=domain.name, client=domain.client)
    # Hosting accepted before the domain (a retried order) found no zone to point; now there is.
    service = Service.objects.filter(domain=domain.name).order_by("-id").first()
    if service is not None:
        zone_after_service_change(actor=actor, service=service)


def _new_auth_code() -> str:
    # Letters, digits and a symbol: registries demand mixed auth codes; 16 characters fit all.
    return secrets.token_urlsafe(12)[:15] + "!"


# -- creating domain records ----------------------------------------------------------------------


def tld_for(name: str) -> Tld | None:
    return Tld.objects.select_related("registrar").filter(name=name.rsplit(".", 1)[-1]).first()


@transaction.atomic
def domain_for_order_item(*, actor: Actor, item: Any, registrar: Registrar | None) -> Domain:
    """The Domain of a domain order item, made on first accept (audited).

    A record of the same name that was given up (cancelled, transferred away) is taken over;
    one that is still live elsewhere stops the item with a link to it.
    """
    domain = Domain.objects.select_for_update().filter(order_item=item).first()
    if domain is not None:
        if (
            domain.registrar_id != getattr(registrar, "pk", None)
            and not Checkpoints(domain).done("domain_create")
            and domain.status == DomainStatus.PENDING
        ):
            _save_changes(
                actor=actor,
                domain=domain,
                values={"registrar": registrar},
                action="domain.registrar_change",
            )
        return domain_fresh(domain)
    tld = tld_for(item.domain)
    if tld is None:
        raise DomainRefused(
            _("Hostwerk does not sell .%(tld)s domains any more; add the TLD first.")
            % {"tld": item.domain.rsplit(".", 1)[-1]}
        )
    client = item.order.client
    values = {
        "client": client,
        "tld": tld,
        "registrar": registrar,
        "order_item": item,
        "status": DomainStatus.PENDING,
        "years": item.years or tld.min_years,
        "auth_code": item.auth_code or "",
        "last_error": "",
    }
    existing = Domain.objects.select_for_update().filter(name=item.domain).first()
    if existing is not None:
        open_statuses = (DomainStatus.CANCELLED, DomainStatus.TRANSFERRED_AWAY)
        if existing.status not in open_statuses:
            raise DomainRefused(
                _(
                    "%(domain)s is already in Hostwerk for client %(client)s (status %(status)s); "
                    "one domain name can have only one record."
                )
                % {
                    "domain": existing.name_unicode,
                    "client": existing.client.display_name,
                    "status": existing.get_status_display(),
                },
                link=_domain_link(existing),
            )
        # A fresh start: the steps of the earlier registration say nothing about this one.
        Checkpoints(existing).forget(*existing.steps.values_list("name", flat=True))
        values.update(
            registered_at=None,
            expires_at=None,
            roid="",
            registrant_handle="",
            admin_handle="",
            tech_handle="",
            nameservers=[],
            expiry_reminders=[],
        )
        _save_changes(actor=actor, domain=existing, values=values, action="domain.reuse")
        return domain_fresh(existing)
    domain = Domain.objects.create(name=item.domain, **values)
    audit_record(
        actor=actor,
        action="domain.create",
        obj=domain,
        client=client,
        data={"order": item.order.number, "item": item.pk, "registrar": str(registrar or "")},
    )
    return domain_fresh(domain)


@transaction.atomic
def domain_accept_without_registration(
    *, actor: Actor, domain: Domain, before_commit: Callable[[Domain], None] | None = None
) -> Domain:
    """Record the domain as active without any registry call ("register at registrar" off)."""
    locked = _locked(domain)
    values: dict[str, Any] = {"last_error": ""}
    if locked.status in (DomainStatus.PENDING, DomainStatus.PENDING_REGISTRATION):
        values["status"] = DomainStatus.ACTIVE
    _save_changes(
        actor=actor,
        domain=locked,
        values=values,
        action="domain.accept_without_registration",
        data={"register": False, "registrar": str(locked.registrar or "")},
    )
    if before_commit is not None:
        before_commit(locked)
    return locked


# -- contacts ---------------------------------------------------------------------------------


def _proposed_handle(client: Client, registrar: Registrar) -> str:
    # Deterministic, so a create whose answer was lost is found again instead of duplicated;
    # the prefix keeps two installations that share a registry account apart.
    prefix = str((registrar.settings or {}).get("contact_prefix", "HW"))[:6]
    return f"{prefix}-{client.number or client.pk}"[:16]


def registrar_contact_ensure(
    *,
    actor: Actor,
    client: Client,
    registrar: Registrar,
    session: RegistrarClient,
    contact: ContactData,
) -> str:
    """The client's contact handle at `registrar`: created once, updated when the data changed."""
    record = RegistrarContact.objects.filter(client=client, registrar=registrar).first()
    fingerprint = contact.fingerprint()
    if record is not None and record.fingerprint == fingerprint:
        return record.handle
    handle = session.contact_ensure(
        contact=contact,
        handle=record.handle if record else "",
        proposed_handle=_proposed_handle(client, registrar),
    )
    with transaction.atomic():
        stored, created = RegistrarContact.objects.update_or_create(
            client=client,
            registrar=registrar,
            defaults={"handle": handle, "fingerprint": fingerprint},
        )
        audit_record(
            actor=actor,
            action="registrar_contact.create" if created else "registrar_contact.update",
            obj=stored,
            client=client,
            data={"registrar": registrar.name, "handle": handle},
        )
    return handle


def _contact_step(
    *,
    actor: Actor,
    domain: Domain,
    session: RegistrarClient,
    contact: ContactData,
    steps: Checkpoints,
) -> str:
    record = RegistrarContact.objects.filter(
        client=domain.client, registrar=domain.registrar
    ).first()
    if record is None or record.fingerprint != contact.fingerprint():
        # The checkpoint holds for the contact data it was made from; changed data is sent again.
        steps.forget("contact")
    return steps.run(
        "contact",
        lambda: registrar_contact_ensure(
            actor=actor,
            client=domain.client,
            registrar=domain.registrar,
            session=session,
            contact=contact,
        ),
    )


# -- registration -------------------------------------------------------------------------------


def _publish_zone_first(*, actor: Actor, domain: Domain) -> None:
    """For registries that check the name servers: the zone is created and live before the create."""
    from hostwerk.dns.actions import zone_publish_now
    from hostwerk.dns.models import Zone
    from hostwerk.provisioning.zones import zone_ensure

    existed = Zone.objects.filter(name=domain.name).exists()
    try:
        zone = zone_ensure(actor=actor, domain=domain.name, client=domain.client)
        # A zone from before (an earlier attempt, made by hand) may be missing on the DNS
        # server even though it counts as published: send it again to be sure.
        zone_publish_now(zone=zone, actor=actor, force=existed)
    except HostwerkError as error:
        raise DomainRefused(
            _(
                "The zone of %(domain)s must be published before the registration, because the "
                "registry checks the name servers, and publishing failed: %(error)s"
            )
            % {"domain": domain.name_unicode, "error": error},
            link=_zone_link(domain),
        ) from error


def _adopt_or_refuse(
    *, session: RegistrarClient, domain: Domain, handle: str, answer_lost: bool
) -> str:
    """After "exists" or a lost answer: keep the domain only if the registry shows it is ours."""
    try:
        state = session.info(name=domain.name)
    except ObjectMissing:
        if answer_lost:
            raise RegistrarUnavailable(
                _(
                    "The registry did not answer the registration of %(domain)s and does not hold "
                    "it: nothing was registered. Try again."
                )
                % {"domain": domain.name_unicode}
            ) from None
        raise
    if state.ours and state.registrant == handle:
        return state.expires.isoformat() if state.expires else ""
    raise DomainExists(
        _(
            "%(domain)s is already registered by someone else. If it belongs to the client, "
            "order a transfer with the auth code from the current registrar."
        )
        % {"domain": domain.name_unicode},
        fix=FIX_DOMAIN,
    )


def domain_register(
    *, actor: Actor, domain: Domain, before_commit: Callable[[Domain], None] | None = None
) -> Domain:
    """Register `domain` at its registrar (R5, R7); safe to call again after any failure.

    Steps: preflight of the owner contact; the zone first where the registry checks DNS; the
    contact (checkpointed); the create (checkpointed; "exists" or a lost answer is adopted only
    when the registry shows the domain with our account and our registrant). Then one
    transaction: domain active with its expiry, the zone, audit, and `before_commit`.
    Raises DomainRefused with a message and link; the domain keeps it as `last_error`.
    """
    domain = domain_fresh(domain)
    if domain.status not in (
        DomainStatus.PENDING,
        DomainStatus.PENDING_REGISTRATION,
        DomainStatus.ACTIVE,
    ):
        raise DomainRefused(
            _("%(domain)s is %(status)s: there is nothing to register.")
            % {"domain": domain.name_unicode, "status": domain.get_status_display()},
            link=_domain_link(domain),
        )
    if domain.registrar is None:
        raise DomainRefused(
            _("%(domain)s has no registrar: choose one, or untick “register at registrar”.")
            % {"domain": domain.name_unicode},
            link=_domain_link(domain),
        )
    details: dict[str, Any] = {"registrar": domain.registrar.name, "years": domain.years}
    steps = Checkpoints(domain)
    if domain.status != DomainStatus.ACTIVE:
        try:
            expiry_text = _register_remotely(
                actor=actor, domain=domain, steps=steps, details=details
            )
        except HostwerkError as error:
            failure = _explain(error, domain)
            _record_failure(
                actor=actor,
                domain=domain,
                action="domain.register",
                failure=failure,
                outcome_unknown=isinstance(error, RegistrarOutcomeUnknown),
            )
            raise failure from error
    else:
        expiry_text = steps.reference("domain_create")
    try:
        return _registration_commit(
            actor=actor,
            domain=domain,
            expiry_text=expiry_text,
            details=details,
            before_commit=before_commit,
        )
    except HostwerkError as error:
        failure = _explain(error, domain)
        _record_failure(
            actor=actor,
            domain=domain,
            action="domain.register",
            failure=failure,
            outcome_unknown=True,
        )
        raise failure from error


def _register_remotely(
    *, actor: Actor, domain: Domain, steps: Checkpoints, details: dict[str, Any]
) -> str:
    contact = contact_preflight(client=domain.client, tld=domain.tld)
    if domain.tld.dns_before_registration and not steps.done("domain_create"):
        _publish_zone_first(actor=actor, domain=domain)
    if not domain.auth_code:
        # Chosen and kept before the create, so a retried create sends the same one.
        Domain.objects.filter(pk=domain.pk).update(auth_code=_new_auth_code())
        domain.refresh_from_db(fields=["auth_code"])
    nameservers = list(settings.HOSTWERK_DNS_NAMESERVERS)
    with registrar_client(domain.registrar, domain=domain) as session:
        handle = _contact_step(
            actor=actor, domain=domain, session=session, contact=contact, steps=steps
        )
        details["handle"] = handle

        def create() -> str:
            # Recorded before the create is sent: if its answer is lost, the domain shows
            # that the registry may have it.
            with transaction.atomic():
                sent = Domain.objects.filter(pk=domain.pk, status=DomainStatus.PENDING).update(
                    status=DomainStatus.PENDING_REGISTRATION
                )
                if sent:
                    audit_record(
                        actor=actor,
                        action="domain.registration_sent",
                        obj=domain,
                        client=domain.client,
                        changes={
                            "status": [DomainStatus.PENDING, DomainStatus.PENDING_REGISTRATION]
                        },
                        data={"registrar": domain.registrar.name, "handle": handle},
                    )
            try:
                result = session.register(
                    name=domain.name,
                    years=domain.years,
                    contact_handle=handle,
                    nameservers=nameservers,
                    auth_code=domain.auth_code,
                )
            except DomainExists:
                details["adopted"] = True
                return _adopt_or_refuse(
                    session=session, domain=domain, handle=handle, answer_lost=False
                )
            except RegistrarOutcomeUnknown:
                details["adopted"] = True
                return _adopt_or_refuse(
                    session=session, domain=domain, handle=handle, answer_lost=True
                )
            if result.pending:
                details["pending_at_registry"] = True
                return "pending"
            return result.expires.isoformat() if result.expires else ""

        expiry_text = steps.run("domain_create", create)
        details["nameservers"] = nameservers
        try:
            state = session.info(name=domain.name)
        except HostwerkError as error:
            # Only for the registry id and handles; the next sync fills them in.
            logger.info("info after registering %s failed: %s", domain.name, error)
        else:
            details["state"] = state
    return expiry_text


def _registration_commit(
    *,
    actor: Actor,
    domain: Domain,
    expiry_text: str,
    details: dict[str, Any],
    before_commit: Callable[[Domain], None] | None,
) -> Domain:
    state: DomainState | None = details.pop("state", None)
    handle = details.get("handle") or domain.registrant_handle
    with transaction.atomic():
        locked = _locked(domain)
        values: dict[str, Any] = {"last_error": "", "last_synced_at": timezone.now()}
        if locked.status != DomainStatus.ACTIVE:
            pending = expiry_text == "pending"
            values["status"] = DomainStatus.PENDING_REGISTRATION if pending else DomainStatus.ACTIVE
            values["registered_at"] = locked.registered_at or timezone.now()
            values["expires_at"] = (
                state.expires if state and state.expires else None
            ) or _expiry_from(expiry_text)
            values["nameservers"] = (
                list(state.nameservers) if state else details.get("nameservers", [])
            )
            values["registrant_handle"] = (state.registrant if state else "") or handle or ""
            values["admin_handle"] = (state.admin[0] if state and state.admin else handle) or ""
            values["tech_handle"] = (state.tech[0] if state and state.tech else handle) or ""
            if state:
                values["roid"] = state.roid
        _save_changes(
            actor=actor,
            domain=locked,
            values=values,
            action="domain.register",
            data={key: value for key, value in details.items() if key != "nameservers"},
        )
        if locked.status == DomainStatus.ACTIVE:
            _zone_ensure_after(actor=actor, domain=locked)
        if before_commit is not None:
            before_commit(locked)
    availability_forget(name=locked.name, tld=locked.tld)
    return locked


# -- transfers ----------------------------------------------------------------------------------


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
            _save_changes(
                actor=actor,
                domain=_locked(domain),
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
            link=_domain_link(domain),
        )
    if domain.registrar is None:
        raise DomainRefused(
            _("%(domain)s has no registrar: choose one, or untick “transfer at registrar”.")
            % {"domain": domain.name_unicode},
            link=_domain_link(domain),
        )
    if not domain.auth_code:
        raise DomainRefused(
            _(
                "A transfer of %(domain)s needs the auth code from the current registrar: enter it on the domain page."
            )
            % {"domain": domain.name_unicode},
            link=_domain_link(domain),
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
        failure = _explain(error, domain)
        _record_failure(
            actor=actor,
            domain=domain,
            action="domain.transfer",
            failure=failure,
            outcome_unknown=False,
        )
        raise failure from error
    with transaction.atomic():
        locked = _locked(domain)
        values: dict[str, Any] = {"last_error": "", "status": DomainStatus.PENDING_TRANSFER}
        if state is not None:
            values.update(_values_from_state(locked, state))
            values["status"] = DomainStatus.ACTIVE
        _save_changes(
            actor=actor,
            domain=locked,
            values=values,
            action="domain.transfer_request",
            data=details,
        )
        if locked.status == DomainStatus.ACTIVE:
            _zone_ensure_after(actor=actor, domain=locked)
        if before_commit is not None:
            before_commit(locked)
    availability_forget(name=locked.name, tld=locked.tld)
    return locked


# -- sync, poll ---------------------------------------------------------------------------------


def _values_from_state(domain: Domain, state: DomainState) -> dict[str, Any]:
    values: dict[str, Any] = {
        "roid": state.roid,
        "nameservers": list(state.nameservers),
        "last_synced_at": timezone.now(),
    }
    if state.expires:
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


def _status_from_state(domain: Domain, state: DomainState | None) -> tuple[str, str]:
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


def _transfer_outcome(
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


def _sync_with(
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
        transfer_outcome = _transfer_outcome(domain, result, session.account) if result else None
    try:
        state = session.info(name=domain.name)
    except ObjectMissing:
        state = None
    with transaction.atomic():
        locked = _locked(domain)
        before = locked.status
        if locked.status == DomainStatus.PENDING_TRANSFER:
            if transfer_outcome is None and state is not None and state.ours:
                transfer_outcome = (DomainStatus.ACTIVE, "")
            status, error = transfer_outcome or (locked.status, locked.last_error)
        else:
            status, error = _status_from_state(locked, state)
        values: dict[str, Any] = {
            "status": status,
            "last_error": error,
            "last_synced_at": timezone.now(),
        }
        if state is not None and state.ours:
            values.update(_values_from_state(locked, state))
        if status == DomainStatus.PENDING and before == DomainStatus.PENDING_TRANSFER:
            Checkpoints(locked).forget("transfer_request")
        changes = _save_changes(
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
            _zone_ensure_after(actor=actor, domain=locked)
    return locked


def domain_sync(*, actor: Actor, domain: Domain) -> Domain:
    """Status, expiry, name servers and handles from the registrar (staff button, daily cron)."""
    domain = domain_fresh(domain)
    if domain.registrar is None:
        raise DomainRefused(
            _("%(domain)s has no registrar to ask.") % {"domain": domain.name_unicode},
            link=_domain_link(domain),
        )
    try:
        with registrar_client(domain.registrar, domain=domain) as session:
            return _sync_with(actor=actor, domain=domain, session=session)
    except HostwerkError as error:
        if isinstance(error, DomainRefused):
            raise
        raise _explain(error, domain) from error


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
                        _sync_with(actor=actor, domain=domain, session=session)
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
                locked = _locked(domain)
                _save_changes(
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
    _sync_with(actor=actor, domain=domain, session=session, via="poll")
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


# -- renewal, name servers, resend --------------------------------------------------------------


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
            link=_domain_link(domain),
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
        raise DomainRefused(message, link=_domain_link(domain)) from refused
    except HostwerkError as error:
        raise _explain(error, domain) from error
    with transaction.atomic():
        locked = _locked(domain)
        _save_changes(
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
            raise _explain(error, domain) from error
    with transaction.atomic():
        locked = _locked(domain)
        _save_changes(
            actor=actor,
            domain=locked,
            values={"nameservers": hosts, "last_error": ""},
            action="domain.nameservers_update",
        )
    return locked


# -- expiry reminders ----------------------------------------------------------------------------


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
            days_left = (domain.expires_at - now).total_seconds() / 86400
            due = [days for days in REMINDER_DAYS if days_left <= days]
            if not due:
                continue
            days = min(due)  # the nearest threshold: a missed 30-day run is not sent a week late
            key = f"{domain.expires_at.astimezone(UTC).date().isoformat()}/{days}"
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
                data={"days": days, "expires_at": domain.expires_at.isoformat()},
            )
            sent += 1
    return sent


# -- registrars -------------------------------------------------------------------------------


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
