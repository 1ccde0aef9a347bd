"""Domain records from order items, the owner contact at the registrar, and registration (R5, R7).

Registry calls run outside database transactions, each remote step checkpointed, so a crash or
a lost answer never registers a domain twice; status changes happen afterwards under the row's
lock, in one transaction with their audit event and whatever the caller must record with them
(acceptance marks its order item accepted there).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hostwerk.catalog.models import Tld
from hostwerk.clients.models import Client
from hostwerk.core.audit import Actor, audit_record
from hostwerk.core.errors import HostwerkError
from hostwerk.domains.availability import availability_forget
from hostwerk.domains.common import (
    DomainRefused,
    auth_code_new,
    changes_save,
    domain_fresh,
    domain_link,
    domain_locked,
    expiry_from,
    failure_record,
    refusal_for,
    zone_ensure_after,
    zone_link,
)
from hostwerk.domains.models import Domain, DomainStatus, Registrar, RegistrarContact
from hostwerk.domains.preflight import contact_preflight
from hostwerk.domains.registrars import registrar_client
from hostwerk.domains.registrars.base import (
    FIX_DOMAIN,
    ContactData,
    DomainExists,
    DomainState,
    ObjectMissing,
    RegistrarClient,
    RegistrarOutcomeUnknown,
    RegistrarUnavailable,
)
from hostwerk.provisioning.checkpoints import Checkpoints

logger = logging.getLogger(__name__)


def tld_for(name: str) -> Tld | None:
    return Tld.objects.select_related("registrar").filter(name=name.rsplit(".", 1)[-1]).first()


@transaction.atomic
def domain_for_order_item(*, actor: Actor, item: Any, registrar: Registrar | None) -> Domain:
    """The Domain of a domain order item, made on first accept (audited).

    A record of the same name that was given up (cancelled, transferred away) is taken over;
    one that is still live elsewhere stops the item with a link to it.
    """
    # The item's own record, and one of the same name (to take over, or to refuse), at once.
    rows = list(Domain.objects.select_for_update().filter(Q(order_item=item) | Q(name=item.domain)))
    domain = next((row for row in rows if row.order_item_id == item.pk), None)
    if domain is not None:
        if (
            domain.registrar_id != getattr(registrar, "pk", None)
            and not Checkpoints(domain).done("domain_create")
            and domain.status == DomainStatus.PENDING
        ):
            changes_save(
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
    existing = next((row for row in rows if row.name == item.domain), None)
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
                link=domain_link(existing),
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
        changes_save(actor=actor, domain=existing, values=values, action="domain.reuse")
        return domain_fresh(existing)
    domain = Domain.objects.create(name=item.domain, **values)
    audit_record(
        actor=actor,
        action="domain.create",
        obj=domain,
        client=client,
        data={"order": item.order.number, "item": item.pk, "registrar": str(registrar or "")},
    )
    # Made just now from `values`: it holds its client, TLD, registrar and item already.
    return domain


@transaction.atomic
def domain_accept_without_registration(
    *, actor: Actor, domain: Domain, before_commit: Callable[[Domain], None] | None = None
) -> Domain:
    """Record the domain as active without any registry call ("register at registrar" off)."""
    locked = domain_locked(domain)
    values: dict[str, Any] = {"last_error": ""}
    if locked.status in (DomainStatus.PENDING, DomainStatus.PENDING_REGISTRATION):
        values["status"] = DomainStatus.ACTIVE
    changes_save(
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


def registrar_contact_find(*, client: Client, registrar: Registrar) -> RegistrarContact | None:
    return RegistrarContact.objects.filter(client=client, registrar=registrar).first()


def _contact_store(
    *, client: Client, registrar: Registrar, record: RegistrarContact | None, values: dict
) -> tuple[RegistrarContact, bool]:
    """Write the handle where `record` (read before the registry call) says it belongs; a row
    made or removed meanwhile by another accept for the same client is found again."""
    if record is None:
        try:
            with transaction.atomic():
                return RegistrarContact.objects.create(
                    client=client, registrar=registrar, **values
                ), True
        except IntegrityError:
            pass
    elif RegistrarContact.objects.filter(pk=record.pk).update(**values, updated_at=timezone.now()):
        for name, value in values.items():
            setattr(record, name, value)
        return record, False
    return RegistrarContact.objects.update_or_create(
        client=client, registrar=registrar, defaults=values
    )


def registrar_contact_ensure(
    *,
    actor: Actor,
    client: Client,
    registrar: Registrar,
    session: RegistrarClient,
    contact: ContactData,
    record: RegistrarContact | None,
) -> str:
    """The client's contact handle at `registrar`: created once, updated when the data changed.
    `record` is the client's contact there as read just before (registrar_contact_find)."""
    fingerprint = contact.fingerprint()
    if record is not None and record.fingerprint == fingerprint:
        return record.handle
    handle = session.contact_ensure(
        contact=contact,
        handle=record.handle if record else "",
        proposed_handle=_proposed_handle(client, registrar),
    )
    with transaction.atomic():
        stored, created = _contact_store(
            client=client,
            registrar=registrar,
            record=record,
            values={"handle": handle, "fingerprint": fingerprint},
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
    registrar: Registrar,
    session: RegistrarClient,
    contact: ContactData,
    steps: Checkpoints,
) -> str:
    record = registrar_contact_find(client=domain.client, registrar=registrar)
    if (record is None or record.fingerprint != contact.fingerprint()) and steps.known("contact"):
        # The checkpoint holds for the contact data it was made from; changed data is sent again.
        steps.forget("contact")
    return steps.run(
        "contact",
        lambda: registrar_contact_ensure(
            actor=actor,
            client=domain.client,
            registrar=registrar,
            session=session,
            contact=contact,
            record=record,
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
            link=zone_link(domain),
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
            link=domain_link(domain),
        )
    if domain.registrar is None:
        raise DomainRefused(
            _("%(domain)s has no registrar: choose one, or untick “register at registrar”.")
            % {"domain": domain.name_unicode},
            link=domain_link(domain),
        )
    details: dict[str, Any] = {"registrar": domain.registrar.name, "years": domain.years}
    steps = Checkpoints(domain)
    if domain.status != DomainStatus.ACTIVE:
        try:
            expiry_text = _register_remotely(
                actor=actor,
                domain=domain,
                registrar=domain.registrar,
                steps=steps,
                details=details,
            )
        except HostwerkError as error:
            failure = refusal_for(error, domain)
            failure_record(
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
        failure = refusal_for(error, domain)
        failure_record(
            actor=actor,
            domain=domain,
            action="domain.register",
            failure=failure,
            outcome_unknown=True,
        )
        raise failure from error


def _register_remotely(
    *,
    actor: Actor,
    domain: Domain,
    registrar: Registrar,
    steps: Checkpoints,
    details: dict[str, Any],
) -> str:
    contact = contact_preflight(client=domain.client, tld=domain.tld)
    if domain.tld.dns_before_registration and not steps.done("domain_create"):
        _publish_zone_first(actor=actor, domain=domain)
    if not domain.auth_code:
        # Chosen and kept before the create, so a retried create sends the same one.
        domain.auth_code = auth_code_new()
        Domain.objects.filter(pk=domain.pk).update(auth_code=domain.auth_code)
    nameservers = list(settings.HOSTWERK_DNS_NAMESERVERS)
    with registrar_client(registrar, domain=domain) as session:
        handle = _contact_step(
            actor=actor,
            domain=domain,
            registrar=registrar,
            session=session,
            contact=contact,
            steps=steps,
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
                        data={"registrar": registrar.name, "handle": handle},
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
        locked = domain_locked(domain)
        values: dict[str, Any] = {"last_error": "", "last_synced_at": timezone.now()}
        if locked.status != DomainStatus.ACTIVE:
            pending = expiry_text == "pending"
            values["status"] = DomainStatus.PENDING_REGISTRATION if pending else DomainStatus.ACTIVE
            values["registered_at"] = locked.registered_at or timezone.now()
            values["expires_at"] = (
                state.expires if state and state.expires else None
            ) or expiry_from(expiry_text)
            values["nameservers"] = (
                list(state.nameservers) if state else details.get("nameservers", [])
            )
            values["registrant_handle"] = (state.registrant if state else "") or handle or ""
            values["admin_handle"] = (state.admin[0] if state and state.admin else handle) or ""
            values["tech_handle"] = (state.tech[0] if state and state.tech else handle) or ""
            if state:
                values["roid"] = state.roid
        changes_save(
            actor=actor,
            domain=locked,
            values=values,
            action="domain.register",
            data={key: value for key, value in details.items() if key != "nameservers"},
        )
        if locked.status == DomainStatus.ACTIVE:
            zone_ensure_after(actor=actor, domain=locked)
        if before_commit is not None:
            before_commit(locked)
    availability_forget(name=locked.name, tld=locked.tld)
    return locked


# -- transfers ----------------------------------------------------------------------------------
