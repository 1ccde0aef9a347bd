"""Comparing Hostwerk with each remote system: Plesk servers, registrars, PowerDNS, SpamExperts.

Each check reads only, through the integration clients, and returns findings; it never changes
Hostwerk's objects or the remote side (that is `actions.difference_repair`). A system that cannot
be asked is reported as unreachable, and its earlier differences stay as they were.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from hostwerk.catalog.models import ProductType
from hostwerk.core.errors import HostwerkError
from hostwerk.dns.models import PublishStatus, Zone
from hostwerk.dns.publishers import powerdns_client, publishes_remotely, rrset_changes
from hostwerk.dns.publishing import zone_contents
from hostwerk.domains.models import Domain, DomainStatus, Registrar
from hostwerk.domains.registrars import registrar_client
from hostwerk.domains.registrars.base import ObjectMissing
from hostwerk.drift.models import DifferenceKind
from hostwerk.integrations.plesk import PleskClient
from hostwerk.integrations.powerdns import RRSet
from hostwerk.mail.filter_provider import provider_client
from hostwerk.mail.models import Mailbox, MailboxStatus, MailFilter, MailFilterStatus, ProviderMode
from hostwerk.provisioning.models import Server, Service, ServiceStatus
from hostwerk.provisioning.modules.plesk import plesk_client_for

POWERDNS = "PowerDNS"


@dataclass(frozen=True)
class Finding:
    kind: str  # DifferenceKind
    system: str
    object_label: str
    expected: str
    found: str
    repairable: bool
    explanation: str = ""
    object_type: str = ""
    object_id: int | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}|{self.system}|{self.object_label}"[:500]


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    checked: int = 0  # objects compared
    systems: list[str] = field(default_factory=list)  # compared completely
    unreachable: list[tuple[str, str]] = field(default_factory=list)  # (system, why)


def drift_collect(*, server_name: str = "") -> CheckReport:
    """Compare everything (or, with `server_name`, that one Plesk server only)."""
    report = CheckReport()
    servers = Server.objects.filter(active=True).exclude(api_url="").order_by("name")
    if server_name:
        servers = servers.filter(name=server_name)
    for server in servers:
        _guarded(report, server.name, lambda server=server: _check_plesk(report, server))
    if server_name:
        return report
    _check_registries(report)
    if publishes_remotely():
        _guarded(report, POWERDNS, lambda: _check_powerdns(report))
    _check_mail_filters(report)
    return report


def _guarded(report: CheckReport, system: str, check) -> None:
    """Run one system's check; its findings count only if it ran to the end."""
    before = len(report.findings)
    try:
        check()
    except HostwerkError as error:
        del report.findings[before:]
        report.unreachable.append((system, str(error)))
        return
    report.systems.append(system)


# Plesk --------------------------------------------------------------------------------------------


def _status_word(status: str) -> str:
    return _("suspended") if status == "suspended" else _("active")


def _services_to_check():
    """Services that should be on their server, with the mailboxes that should be there too."""
    return (
        Service.objects.filter(status__in=(ServiceStatus.ACTIVE, ServiceStatus.SUSPENDED))
        .exclude(domain="")
        .select_related("product", "server")
        .prefetch_related(
            Prefetch(
                "mailboxes",
                queryset=Mailbox.objects.filter(
                    status__in=(MailboxStatus.ACTIVE, MailboxStatus.MISSING)
                ),
            )
        )
    )


def _check_plesk(report: CheckReport, server: Server) -> None:
    services = list(_services_to_check().filter(server=server).order_by("domain"))
    with plesk_client_for(server) as plesk:
        customers = {customer.id for customer in plesk.customer_list()}
        webspaces = {webspace.name.lower(): webspace for webspace in plesk.webspace_list()}
        known: set[str] = set()
        for service in services:
            report.checked += 1
            known.add(service.domain.lower())
            _check_service(report, plesk, server, service, customers, webspaces)
    for name in sorted(set(webspaces) - known):
        report.checked += 1
        report.findings.append(
            Finding(
                kind=DifferenceKind.SUBSCRIPTION_UNKNOWN,
                system=server.name,
                object_label=name,
                expected=_("no subscription"),
                found=_("subscription %(name)s (%(status)s)")
                % {
                    "name": name,
                    "status": _status_word("active" if webspaces[name].is_active else "suspended"),
                },
                repairable=False,
                explanation=_(
                    "Hostwerk has no active or suspended service for this subscription, so it "
                    "cannot know whom it belongs to or what to bill. If it is a client's, add the "
                    "service to that client in Hostwerk (order it with “create on server” off); "
                    "if nobody needs it, remove it in Plesk."
                ),
            )
        )


def drift_collect_service(*, service_id: int) -> CheckReport:
    """Compare one service with its Plesk server: customer, subscription, status, plan and
    mailboxes. Raises Service.DoesNotExist for a service that should not be on a server (any
    more) or whose server Hostwerk does not manage."""
    service = (
        _services_to_check()
        .filter(server__active=True)
        .exclude(server__api_url="")
        .get(pk=service_id)
    )
    server = service.server
    report = CheckReport()

    def check() -> None:
        with plesk_client_for(server) as plesk:
            # One customer and one subscription, not the server's whole lists.
            customers: set[int] = set()
            if service.remote_customer_id.isdigit():
                customer = plesk.customer_get(id=int(service.remote_customer_id))
                if customer is not None:
                    customers.add(customer.id)
            webspace = plesk.webspace_get(name=service.domain.lower())
            webspaces = {webspace.name.lower(): webspace} if webspace is not None else {}
            report.checked += 1
            _check_service(report, plesk, server, service, customers, webspaces)

    _guarded(report, server.name, check)
    return report


def _check_service(
    report: CheckReport,
    plesk: PleskClient,
    server: Server,
    service: Service,
    customers: set[int],
    webspaces: dict,
) -> None:
    label = service.domain.lower()
    if service.remote_customer_id.isdigit() and int(service.remote_customer_id) not in customers:
        report.findings.append(
            Finding(
                kind=DifferenceKind.CUSTOMER_MISSING,
                system=server.name,
                object_label=service.username or service.remote_customer_id,
                expected=_("Plesk customer %(id)s") % {"id": service.remote_customer_id},
                found=_("no such customer"),
                repairable=False,
                explanation=_(
                    "The client's Plesk customer was removed on the server, and with it their "
                    "subscriptions and mail. Restore it from a Plesk backup, or terminate the "
                    "services in Hostwerk."
                ),
                object_type="service",
                object_id=service.pk,
            )
        )
    webspace = webspaces.get(label)
    if webspace is None:
        report.findings.append(
            Finding(
                kind=DifferenceKind.SUBSCRIPTION_MISSING,
                system=server.name,
                object_label=label,
                expected=_("subscription %(name)s (%(status)s)")
                % {"name": label, "status": _status_word(service.status)},
                found=_("no subscription"),
                repairable=False,
                explanation=_(
                    "The subscription was removed on the server; its website and mail are gone "
                    "with it. Restore it from a Plesk backup, or terminate the service in Hostwerk."
                ),
                object_type="service",
                object_id=service.pk,
            )
        )
        return
    expected_status = "suspended" if service.status == ServiceStatus.SUSPENDED else "active"
    found_status = "active" if webspace.is_active else "suspended"
    if expected_status != found_status:
        report.findings.append(
            Finding(
                kind=DifferenceKind.SUBSCRIPTION_STATUS,
                system=server.name,
                object_label=label,
                expected=_status_word(expected_status),
                found=_status_word(found_status),
                repairable=True,
                explanation=(
                    _("Repairing suspends the subscription again in Plesk, as Hostwerk has it.")
                    if expected_status == "suspended"
                    else _(
                        "Repairing activates the subscription in Plesk again, as Hostwerk has it. "
                        "If it should stay off, suspend the service in Hostwerk instead."
                    )
                ),
                object_type="service",
                object_id=service.pk,
            )
        )
    plan = (service.product.module_settings or {}).get("plan", "")
    if plan and webspace.plan_name and webspace.plan_name != plan:
        report.findings.append(
            Finding(
                kind=DifferenceKind.SUBSCRIPTION_PLAN,
                system=server.name,
                object_label=label,
                expected=plan,
                found=webspace.plan_name,
                repairable=False,
                explanation=_(
                    "The subscription was switched to another service plan in Plesk. If the "
                    "client should have it, change the service's product in Hostwerk (so the "
                    "invoices follow); otherwise switch the plan back on the service page."
                ),
                object_type="service",
                object_id=service.pk,
            )
        )
    if service.product.type == ProductType.HOSTING:
        _check_mailboxes(report, plesk, server, service, webspace.id)


def _check_mailboxes(
    report: CheckReport, plesk: PleskClient, server: Server, service: Service, site_id: int
) -> None:
    remote = {mailbox.name.lower() for mailbox in plesk.mail_list(site_id=site_id)}
    local = {mailbox.local_part: mailbox for mailbox in service.mailboxes.all()}
    for local_part, mailbox in sorted(local.items()):
        report.checked += 1
        if local_part not in remote:
            report.findings.append(
                Finding(
                    kind=DifferenceKind.MAILBOX_MISSING,
                    system=server.name,
                    object_label=mailbox.address,
                    expected=_("mailbox"),
                    found=_("no mailbox"),
                    repairable=False,
                    explanation=_(
                        "The mailbox was removed on the server, with its mail. Hostwerk does not "
                        "keep mailbox passwords, so it cannot make it again by itself: create it "
                        "again on the mailbox page, or delete it there."
                    ),
                    object_type="mailbox",
                    object_id=mailbox.pk,
                )
            )
        elif not plesk.spamfilter_get(mailbox=mailbox.address):
            report.findings.append(
                Finding(
                    kind=DifferenceKind.MAILBOX_FILTER_OFF,
                    system=server.name,
                    object_label=mailbox.address,
                    expected=_("spam filter on"),
                    found=_("spam filter off"),
                    repairable=True,
                    explanation=_("Repairing switches the spam filter on and reads it back."),
                    object_type="mailbox",
                    object_id=mailbox.pk,
                )
            )
    domain = service.domain.lower()
    for local_part in sorted(remote - set(local)):
        report.findings.append(
            Finding(
                kind=DifferenceKind.MAILBOX_UNKNOWN,
                system=server.name,
                object_label=f"{local_part}@{domain}",
                expected=_("no mailbox"),
                found=_("mailbox"),
                repairable=False,
                explanation=_(
                    "Someone made this mailbox in Plesk directly, so Hostwerk does not check its "
                    "spam filter. Remove it in Plesk and create it in Hostwerk, or leave it."
                ),
                object_type="service",
                object_id=service.pk,
            )
        )


# Registrars ---------------------------------------------------------------------------------------


def _registry_system(registrar: Registrar) -> str:
    return _("registrar %(name)s") % {"name": registrar.name}


def _check_registries(report: CheckReport) -> None:
    by_registrar: dict[Registrar, list[Domain]] = defaultdict(list)
    domains = (
        Domain.objects.filter(status=DomainStatus.ACTIVE, registrar__active=True)
        .select_related("registrar")
        .order_by("registrar_id", "name")
    )
    for domain in domains:
        if domain.registrar is not None:  # always: the query asks for an active registrar
            by_registrar[domain.registrar].append(domain)
    for registrar, group in by_registrar.items():
        system = _registry_system(registrar)
        _guarded(
            report,
            system,
            lambda registrar=registrar, group=group, system=system: _check_domains(
                report, system, registrar, group
            ),
        )


def drift_collect_domain(*, domain_id: int) -> CheckReport:
    """Compare one active domain with its registry: registered for us, expiry, name servers,
    owner. Raises Domain.DoesNotExist for a domain the registry check would not look at."""
    domain = (
        Domain.objects.filter(status=DomainStatus.ACTIVE, registrar__active=True)
        .select_related("registrar")
        .get(pk=domain_id)
    )
    registrar = domain.registrar
    if registrar is None:  # ruled out by the filter; says so to the type checker
        raise Domain.DoesNotExist
    report = CheckReport()
    system = _registry_system(registrar)
    _guarded(report, system, lambda: _check_domains(report, system, registrar, [domain]))
    return report


def _names(values: Iterable[str]) -> list[str]:
    return sorted({value.strip().rstrip(".").lower() for value in values if value.strip()})


def _check_domains(
    report: CheckReport, system: str, registrar: Registrar, domains: list[Domain]
) -> None:
    with registrar_client(registrar) as session:
        for domain in domains:
            report.checked += 1
            try:
                state = session.info(name=domain.name)
            except ObjectMissing:
                state = None
            if state is None or not state.ours:
                report.findings.append(
                    Finding(
                        kind=DifferenceKind.DOMAIN_MISSING,
                        system=system,
                        object_label=domain.name,
                        expected=_("registered for our account"),
                        found=_("not registered")
                        if state is None
                        else _("held by %(account)s") % {"account": state.sponsor},
                        repairable=False,
                        explanation=_(
                            "The registry does not hold this domain for us (any more): it may "
                            "have expired, been cancelled or transferred away. Look it up on the "
                            "domain page (“synchronise”) and decide with the client."
                        ),
                        object_type="domain",
                        object_id=domain.pk,
                    )
                )
                continue
            if state.expires and (
                domain.expires_at is None or domain.expires_at.date() != state.expires.date()
            ):
                report.findings.append(
                    Finding(
                        kind=DifferenceKind.DOMAIN_EXPIRY,
                        system=system,
                        object_label=domain.name,
                        expected=domain.expires_at.date().isoformat() if domain.expires_at else "",
                        found=state.expires.date().isoformat(),
                        repairable=True,
                        explanation=_(
                            "The registry's date is the one that counts: repairing takes it over "
                            "(renewal invoices follow it)."
                        ),
                        object_type="domain",
                        object_id=domain.pk,
                    )
                )
            expected_ns, found_ns = _names(domain.nameservers), _names(state.nameservers)
            if expected_ns and expected_ns != found_ns:
                report.findings.append(
                    Finding(
                        kind=DifferenceKind.DOMAIN_NAMESERVERS,
                        system=system,
                        object_label=domain.name,
                        expected=", ".join(expected_ns),
                        found=", ".join(found_ns) or _("none"),
                        repairable=True,
                        explanation=_(
                            "Repairing sends Hostwerk's name servers to the registry. If the "
                            "client moved the domain's DNS on purpose, change the name servers in "
                            "Hostwerk instead."
                        ),
                        object_type="domain",
                        object_id=domain.pk,
                    )
                )
            if (
                domain.registrant_handle
                and state.registrant
                and state.registrant != domain.registrant_handle
            ):
                report.findings.append(
                    Finding(
                        kind=DifferenceKind.DOMAIN_OWNER,
                        system=system,
                        object_label=domain.name,
                        expected=domain.registrant_handle,
                        found=state.registrant,
                        repairable=False,
                        explanation=_(
                            "The domain has another owner contact at the registry. An owner "
                            "change needs the owner's consent: check with the client, then "
                            "synchronise the domain or change the owner at the registry."
                        ),
                        object_type="domain",
                        object_id=domain.pk,
                    )
                )


# PowerDNS -----------------------------------------------------------------------------------------


def _rrset_text(rrsets: Iterable[RRSet]) -> str:
    return "\n".join(
        f"{rrset.name} {rrset.ttl} {rrset.type} {content}"
        for rrset in sorted(rrsets, key=lambda r: (r.name, r.type))
        for content in sorted(rrset.contents)
    )


def _check_powerdns(report: CheckReport) -> None:
    zones = (
        Zone.objects.filter(status=PublishStatus.PUBLISHED)
        .prefetch_related("records")
        .order_by("name")
    )
    with powerdns_client() as client:
        for zone in zones:
            report.checked += 1
            contents = zone_contents(zone)
            served = client.zone_get(contents.origin)
            if served is None:
                report.findings.append(
                    Finding(
                        kind=DifferenceKind.ZONE_MISSING,
                        system=POWERDNS,
                        object_label=zone.name,
                        expected=_("zone, version %(version)s") % {"version": zone.version},
                        found=_("no zone"),
                        repairable=True,
                        explanation=_("Repairing publishes the zone again."),
                        object_type="zone",
                        object_id=zone.pk,
                    )
                )
                continue
            replace, delete = rrset_changes(contents, served.rrsets)
            if not replace and not delete:
                continue
            served_by_key = {(r.name.lower(), r.type): r for r in served.rrsets}
            changed_keys = {(r.name, r.type) for r in replace} | set(delete)
            report.findings.append(
                Finding(
                    kind=DifferenceKind.ZONE_RECORDS,
                    system=POWERDNS,
                    object_label=zone.name,
                    expected=_rrset_text(replace),
                    found=_rrset_text(
                        served_by_key[key] for key in sorted(changed_keys) if key in served_by_key
                    ),
                    repairable=True,
                    explanation=_(
                        "Someone changed the zone on the DNS server directly. Repairing publishes "
                        "Hostwerk's records again; to keep a change, make it in Hostwerk's DNS "
                        "editor."
                    ),
                    object_type="zone",
                    object_id=zone.pk,
                )
            )


# Mail filtering -----------------------------------------------------------------------------------


def _check_mail_filters(report: CheckReport) -> None:
    by_provider: dict[int, list[MailFilter]] = defaultdict(list)
    filters = (
        MailFilter.objects.filter(
            status__in=(MailFilterStatus.CONFIRMED, MailFilterStatus.ACTIVE),
            provider__mode=ProviderMode.API,
            provider__active=True,
        )
        .select_related("provider")
        .order_by("provider_id", "domain")
    )
    for mail_filter in filters:
        by_provider[mail_filter.provider_id].append(mail_filter)
    for group in by_provider.values():
        provider = group[0].provider
        _guarded(
            report,
            provider.name,
            lambda group=group, provider=provider: _check_filtered_domains(report, provider, group),
        )


def _check_filtered_domains(report: CheckReport, provider, filters: list[MailFilter]) -> None:
    with provider_client(provider) as client:
        for mail_filter in filters:
            report.checked += 1
            if not client.domain_exists(domain=mail_filter.domain):
                report.findings.append(
                    Finding(
                        kind=DifferenceKind.FILTER_DOMAIN_MISSING,
                        system=provider.name,
                        object_label=mail_filter.domain,
                        expected=_("domain filtered"),
                        found=_("no such domain"),
                        repairable=True,
                        explanation=_(
                            "The MX records point at the filter, which would refuse the domain's "
                            "mail. Repairing adds the domain at the provider again."
                        ),
                        object_type="mail_filter",
                        object_id=mail_filter.pk,
                    )
                )
