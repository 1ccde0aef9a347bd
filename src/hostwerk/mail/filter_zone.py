"""The MX switch of a filtered domain in its zone (R8), and back when filtering is cancelled.

The MX switch never leaves the zone without MX at any published moment:

1. add the filter's address records and MX records (MX 10 spamx.<domain>., MX 20 ...),
2. publish, and wait until the DNS server holds that version,
3. only then remove the old MX records (MX 10 mn-mx1.<domain>.),
4. publish again.

Each step is an entry in the zone history, listing the records it added or removed. A failed publish stops the switch before
step 3; the filter stays `confirmed` with the error, and the cron job runs the switch again,
which carries on from what the zone holds (each step checks before it changes). Cancelling is
the same dance the other way round, then the domain is removed at the provider.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from hostwerk.core.audit import Actor
from hostwerk.core.errors import HostwerkError
from hostwerk.dns.models import Record, RecordType, Zone
from hostwerk.dns.reasons import Reason
from hostwerk.mail.models import MailFilter
from hostwerk.mail.mx import MAIL_HOST_PRIORITY, FilterHost, mail_host_target


class MailFilterRefused(HostwerkError):
    """The filter cannot do this now; `message` says why, for staff."""


def filter_hosts_for(mail_filter: MailFilter) -> list[FilterHost]:
    """The filter's hosts: as applied to the zone before, else the provider's current set."""
    if mail_filter.applied_mx:
        return [FilterHost.from_json(entry) for entry in mail_filter.applied_mx]
    return mail_filter.provider.filter_hosts()


def filter_zone_for(actor: Actor, mail_filter: MailFilter) -> Zone:
    from hostwerk.provisioning.zones import zone_ensure

    # With its client: the publishes of the switch are audited with it.
    zone = Zone.objects.select_related("client").filter(name=mail_filter.domain).first()
    if zone is not None:
        return zone
    if mail_filter.new_registration:
        # The registration makes this zone too; making it now lets the filter's MX be there
        # from the first moment the domain resolves.
        return zone_ensure(actor=actor, domain=mail_filter.domain, client=mail_filter.client)
    raise MailFilterRefused(
        _(
            "There is no DNS zone for %(domain)s in Hostwerk, so its MX records cannot be switched "
            "here. Create the zone (DNS → New zone), or change the MX records where the domain's "
            "DNS is; the switch is retried automatically."
        )
        % {"domain": mail_filter.domain_display},
        code="no_zone",
    )


def _apex_mx(zone: Zone) -> list[Record]:
    return list(Record.objects.filter(zone=zone, name="@", type=RecordType.MX))


def zone_switch_to_filter(
    *, actor: Actor, zone: Zone, mail_filter: MailFilter, hosts: list[FilterHost]
) -> None:
    from hostwerk.dns.actions import RecordRequest, record_delete, records_create, zone_publish_now

    domain = zone.name
    targets = {host.target(domain) for host in hosts}
    # The zone history tells staff why each record changed, in their language (dns.reasons).
    adding = Reason("filter_on_add", {"provider": mail_filter.provider.name})
    # Step 1: the filter's address records, then its MX records, as one change of the zone.
    records = list(Record.objects.filter(zone=zone))
    in_zone = {host.name for host in hosts if host.in_zone}
    names_with_address = {
        record.name
        for record in records
        if record.name in in_zone
        and record.type in (RecordType.A, RecordType.AAAA, RecordType.CNAME)
    }
    present = {
        record.content for record in records if record.name == "@" and record.type == RecordType.MX
    }
    adds = [
        RecordRequest(name=host.name, type=host.address_type, content=host.address or "")
        for host in hosts
        if host.in_zone and host.name not in names_with_address
    ] + [
        RecordRequest(
            name="@", type=RecordType.MX, content=host.target(domain), priority=host.priority
        )
        for host in hosts
        if host.target(domain) not in present
    ]
    records_create(actor=actor, zone=zone, records=adds, reason=adding)
    # Step 2: the zone with both the old and the new MX records goes live.
    zone_publish_now(zone=zone, actor=actor)

    # Step 3: only now the old MX records go; they are remembered first, for a cancel.
    current = _apex_mx(zone)
    if not any(record.content in targets for record in current):
        raise MailFilterRefused(
            _("The filter's MX records disappeared from the zone during the switch; try again."),
        )
    old = [record for record in current if record.content not in targets]
    if old:
        remembered = list(mail_filter.original_mx)
        for record in old:
            entry = {"priority": record.priority, "content": record.content}
            if entry not in remembered:
                remembered.append(entry)
        MailFilter.objects.filter(pk=mail_filter.pk).update(original_mx=remembered)
        mail_filter.original_mx = remembered
        removing = Reason("filter_on_remove")
        for record in old:
            record_delete(actor=actor, record=record, reason=removing)
    # Step 4: publish the zone without the old MX (or make sure an earlier attempt's is live).
    zone_publish_now(zone=zone, actor=actor)


def zone_restore_original(
    *, actor: Actor, zone: Zone, mail_filter: MailFilter, hosts: list[FilterHost]
) -> None:
    from hostwerk.dns.actions import record_create, record_delete, zone_publish_now

    domain = zone.name
    targets = {host.target(domain) for host in hosts}
    originals = mail_filter.original_mx or [
        {"priority": MAIL_HOST_PRIORITY, "content": mail_host_target(domain)}
    ]
    adding = Reason("filter_off_add")
    present = {record.content for record in _apex_mx(zone)}
    for entry in originals:
        if entry["content"] not in present:
            record_create(
                actor=actor,
                zone=zone,
                name="@",
                type=RecordType.MX,
                content=entry["content"],
                priority=entry["priority"],
                reason=adding,
            )
    zone_publish_now(zone=zone, actor=actor)

    current = _apex_mx(zone)
    if not any(record.content not in targets for record in current):
        raise MailFilterRefused(
            _("The original MX records disappeared from the zone during the cancel; try again.")
        )
    removing = Reason("filter_off_remove")
    for record in current:
        if record.content in targets:
            record_delete(actor=actor, record=record, reason=removing)
    for host in hosts:
        if not host.in_zone:
            continue
        for record in Record.objects.filter(
            zone=zone, name=host.name, type=host.address_type, content=host.address
        ):
            record_delete(actor=actor, record=record, reason=removing)
    zone_publish_now(zone=zone, actor=actor)
