"""Writes of the drift check: recording what a check found, and repairing a difference.

A check keeps one open Difference per disagreement: found again, it is updated; no longer found
(in a system that was compared completely), it is resolved as gone. A repair only does what is
safe without a person's judgement (publish a zone again, switch a mailbox's filter on, give a
subscription Hostwerk's status, ...) through the same actions staff use, then resolves the
difference; each is audited. Whether it worked shows in the next check.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hostwerk.core.audit import Actor, apply_changes, audit_record
from hostwerk.core.errors import HostwerkError
from hostwerk.domains.models import Domain
from hostwerk.drift.checks import (
    CheckReport,
    Finding,
    drift_collect,
    drift_collect_domain,
    drift_collect_service,
)
from hostwerk.drift.models import Difference, DifferenceKind, Resolution
from hostwerk.mail.models import Mailbox
from hostwerk.provisioning.models import Service

logger = logging.getLogger(__name__)


class RepairRefused(HostwerkError):
    """This difference cannot be repaired by Hostwerk (now); `message` says why."""


@dataclass
class DriftOutcome:
    checked: int
    differences: list[Difference]
    repaired: list[Difference] = field(default_factory=list)
    repair_failures: list[tuple[Difference, str]] = field(default_factory=list)
    unreachable: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return {
            "checked": self.checked,
            "differences": len(self.differences),
            "repaired": len(self.repaired),
        }


def drift_check(*, actor: Actor, server_name: str = "", repair: bool = False) -> DriftOutcome:
    """Compare Hostwerk with the remote systems (or one Plesk server), record the differences and,
    with `repair`, repair the repairable ones."""
    report = drift_collect(server_name=server_name)
    differences = _record(actor=actor, report=report)
    outcome = DriftOutcome(
        checked=report.checked, differences=differences, unreachable=report.unreachable
    )
    if repair:
        for difference in differences:
            if not difference.repairable:
                continue
            try:
                outcome.repaired.append(difference_repair(actor=actor, difference=difference))
            except HostwerkError as error:
                outcome.repair_failures.append((difference, str(error)))
    return outcome


class CheckRefused(HostwerkError):
    """There is nothing on a remote system to compare this object with; `message` says why."""


def drift_check_service(*, actor: Actor, service: Service) -> DriftOutcome:
    """Compare one service with its Plesk server and record what differs. Only this service's
    earlier differences (and its mailboxes') can be resolved by it; nobody else's."""
    try:
        report = drift_collect_service(service_id=service.pk)
    except Service.DoesNotExist:
        raise CheckRefused(
            _(
                "Only an active or suspended service with a domain, on a server Hostwerk "
                "manages, can be compared with its server."
            )
        ) from None
    scope = (
        Q(object_type="service", object_id=service.pk)
        | Q(
            object_type="mailbox",
            object_id__in=Mailbox.objects.filter(service=service).values("pk"),
        )
        # The full check would stop calling this service's subscription unknown as well.
        | Q(kind=DifferenceKind.SUBSCRIPTION_UNKNOWN, object_label=service.domain.lower())
    )
    differences = _record(
        actor=actor,
        report=report,
        scope=scope,
        audit={"action": "drift.check_service", "obj": service, "client": service.client},
    )
    return DriftOutcome(
        checked=report.checked, differences=differences, unreachable=report.unreachable
    )


def drift_check_domain(*, actor: Actor, domain: Domain) -> DriftOutcome:
    """Compare one domain with its registry and record what differs; only this domain's earlier
    differences can be resolved by it."""
    try:
        report = drift_collect_domain(domain_id=domain.pk)
    except Domain.DoesNotExist:
        raise CheckRefused(
            _("Only an active domain at an active registrar can be compared with its registry.")
        ) from None
    differences = _record(
        actor=actor,
        report=report,
        scope=Q(object_type="domain", object_id=domain.pk),
        audit={"action": "drift.check_domain", "obj": domain, "client": domain.client},
    )
    return DriftOutcome(
        checked=report.checked, differences=differences, unreachable=report.unreachable
    )


@transaction.atomic
def _record(
    *, actor: Actor, report: CheckReport, scope: Q | None = None, audit: dict | None = None
) -> list[Difference]:
    """Record a check's findings. Without `scope` the check compared its systems completely, so
    every open difference of theirs it did not find again is gone; with `scope` (one object's
    check) only the open differences in that scope can be."""
    now = timezone.now()
    found: list[Difference] = []
    keys = set()
    candidates = Difference.objects.select_for_update().filter(
        resolved_at__isnull=True, system__in=report.systems
    )
    in_scope: set[int] | None = None
    if scope is not None:
        # A finding can carry the key of another object's open difference (two services of one
        # Plesk customer); it updates that one instead of clashing with it, but never resolves it.
        finding_keys = [finding.key for finding in report.findings]
        candidates = candidates.filter(scope | Q(key__in=finding_keys))
        in_scope = set(
            Difference.objects.filter(
                scope, resolved_at__isnull=True, system__in=report.systems
            ).values_list("pk", flat=True)
        )
    open_by_key = {difference.key: difference for difference in candidates}
    for finding in report.findings:
        if finding.system not in report.systems or finding.key in keys:
            continue
        keys.add(finding.key)
        difference = open_by_key.get(finding.key)
        values = _values(finding)
        if difference is None:
            difference = Difference.objects.create(key=finding.key, **values)
            audit_record(
                actor=actor,
                action="drift.found",
                obj=difference,
                data={"kind": finding.kind, "system": finding.system, **_facts(finding)},
            )
        else:
            apply_changes(difference, values)
            difference.last_seen_at = now
            difference.save()
        found.append(difference)
    gone = [
        d
        for key, d in open_by_key.items()
        if key not in keys and (in_scope is None or d.pk in in_scope)
    ]
    for difference in gone:
        Difference.objects.filter(pk=difference.pk, resolved_at__isnull=True).update(
            resolved_at=now, resolution=Resolution.GONE
        )
        audit_record(
            actor=actor,
            action="drift.gone",
            obj=difference,
            data={"kind": difference.kind, "system": difference.system},
        )
    audit = audit or {"action": "drift.check"}
    audit_record(
        actor=actor,
        **audit,
        data={
            "checked": report.checked,
            "differences": len(found),
            "resolved": len(gone),
            "systems": report.systems,
            "unreachable": [system for system, _why in report.unreachable],
        },
    )
    return found


def _values(finding: Finding) -> dict:
    return {
        "kind": finding.kind,
        "system": finding.system,
        "object_label": finding.object_label[:300],
        "object_type": finding.object_type,
        "object_id": finding.object_id,
        "expected": finding.expected,
        "found": finding.found,
        "repairable": finding.repairable,
        "explanation": finding.explanation,
    }


def _facts(finding: Finding) -> dict:
    return {
        "object": finding.object_label,
        "expected": finding.expected[:500],
        "found": finding.found[:500],
    }


# Repairs ------------------------------------------------------------------------------------------


def difference_repair(*, actor: Actor, difference: Difference) -> Difference:
    """Repair one open, repairable difference and resolve it; raises RepairRefused or the
    remote system's error (the difference then stays open with the error)."""
    difference = Difference.objects.get(pk=difference.pk)
    if not difference.is_open:
        raise RepairRefused(_("This difference was resolved already."))
    if not difference.repairable:
        raise RepairRefused(difference.explanation or _("This difference needs a person."))
    repair = REPAIRS.get(difference.kind)
    if repair is None:
        raise RepairRefused(_("Hostwerk has no repair for this kind of difference."))
    try:
        done = repair(actor, difference)
    except HostwerkError as error:
        Difference.objects.filter(pk=difference.pk).update(last_error=str(error)[:2000])
        raise
    with transaction.atomic():
        now = timezone.now()
        Difference.objects.filter(pk=difference.pk, resolved_at__isnull=True).update(
            resolved_at=now,
            resolution=Resolution.REPAIRED,
            resolved_by=actor.user,
            last_error="",
        )
        difference.refresh_from_db()
        audit_record(
            actor=actor,
            action="drift.repair",
            obj=difference,
            data={
                "kind": difference.kind,
                "system": difference.system,
                "object": difference.object_label,
                "expected": difference.expected[:500],
                "found": difference.found[:500],
                "done": done,
            },
        )
    return difference


def _object(model, difference: Difference):
    found = model.objects.filter(pk=difference.object_id).first()
    if found is None:
        raise RepairRefused(
            _("%(object)s no longer exists in Hostwerk.") % {"object": difference.object_label}
        )
    return found


def _repair_subscription_status(actor: Actor, difference: Difference) -> str:
    from hostwerk.provisioning.models import Service, ServiceStatus
    from hostwerk.provisioning.modules import module_for

    service = _object(Service, difference)
    module = module_for(service.product.module)
    if module is None or service.server is None:
        raise RepairRefused(_("This service is not on a server Hostwerk manages."))
    if service.status == ServiceStatus.SUSPENDED:
        module.suspend(service)
        return "suspended on the server"
    if service.status == ServiceStatus.ACTIVE:
        module.unsuspend(service)
        return "activated on the server"
    raise RepairRefused(
        _("The service is %(status)s now; check again.") % {"status": service.get_status_display()}
    )


def _repair_mailbox_filter(actor: Actor, difference: Difference) -> str:
    from hostwerk.mail.actions import MailboxFailed, mailbox_spam_filter_fix
    from hostwerk.mail.models import Mailbox, SpamFilterState

    mailbox = mailbox_spam_filter_fix(actor=actor, mailbox=_object(Mailbox, difference))
    if mailbox.spam_filter != SpamFilterState.ON:
        raise MailboxFailed(mailbox.spam_filter_problem or _("The spam filter is still not on."))
    return "spam filter switched on"


def _repair_zone(actor: Actor, difference: Difference) -> str:
    from hostwerk.dns.actions import zone_publish_now
    from hostwerk.dns.models import Zone

    zone_publish_now(zone=_object(Zone, difference), actor=actor, force=True)
    return "zone published again"


def _repair_domain_expiry(actor: Actor, difference: Difference) -> str:
    from hostwerk.domains.models import Domain
    from hostwerk.domains.registrars import registrar_client

    domain = _object(Domain, difference)
    if domain.registrar is None:
        raise RepairRefused(_("The domain has no registrar to ask."))
    with registrar_client(domain.registrar, domain=domain) as session:
        state = session.info(name=domain.name)
    if state.expires is None:
        raise RepairRefused(_("The registry does not say when the domain expires."))
    with transaction.atomic():
        locked = Domain.objects.select_for_update().get(pk=domain.pk)
        changes = apply_changes(locked, {"expires_at": state.expires})
        if changes:
            locked.save(update_fields=["expires_at", "updated_at"])
        audit_record(
            actor=actor,
            action="domain.expiry_from_registry",
            obj=locked,
            client=locked.client,
            changes=changes,
        )
    return "expiry taken from the registry"


def _repair_domain_nameservers(actor: Actor, difference: Difference) -> str:
    from hostwerk.domains.actions import domain_nameservers_update
    from hostwerk.domains.common import DomainRefused
    from hostwerk.domains.models import Domain

    domain = _object(Domain, difference)
    try:
        domain_nameservers_update(actor=actor, domain=domain, nameservers=domain.nameservers)
    except DomainRefused as refused:
        raise RepairRefused(refused.message) from refused
    return "Hostwerk's name servers sent to the registry"


def _repair_filter_domain(actor: Actor, difference: Difference) -> str:
    from hostwerk.mail.filter_provider import mail_filter_send_request
    from hostwerk.mail.models import MailFilter

    mail_filter = _object(MailFilter, difference)
    mail_filter_send_request(provider=mail_filter.provider, domain=mail_filter.domain)
    return "domain added at the provider again"


REPAIRS: dict[str, Callable[[Actor, Difference], str]] = {
    DifferenceKind.SUBSCRIPTION_STATUS: _repair_subscription_status,
    DifferenceKind.MAILBOX_FILTER_OFF: _repair_mailbox_filter,
    DifferenceKind.ZONE_MISSING: _repair_zone,
    DifferenceKind.ZONE_RECORDS: _repair_zone,
    DifferenceKind.DOMAIN_EXPIRY: _repair_domain_expiry,
    DifferenceKind.DOMAIN_NAMESERVERS: _repair_domain_nameservers,
    DifferenceKind.FILTER_DOMAIN_MISSING: _repair_filter_domain,
}
