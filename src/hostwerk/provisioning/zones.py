"""R6 and R7, in one place: where a domain's zone points.

A new zone points at the forwarding server (R6); while the domain has live hosting on a Plesk
server, its web and mail records follow that server, and they return to the forwarding server
when the hosting ends or moves away (R7). The dns app only writes records at the addresses it is
given; every decision about which server that is lives here.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from hostwerk.clients.models import Client
from hostwerk.core.audit import Actor
from hostwerk.core.domain_names import DomainName
from hostwerk.dns import actions as dns
from hostwerk.dns.models import Zone, ZoneChange, ZoneTemplate
from hostwerk.dns.reasons import Reason
from hostwerk.provisioning.models import Server, ServerKind, Service, ServiceStatus


class NoForwardingServer(dns.DnsRefused):
    """New zones point at the forwarding server (R6), and there is no active one."""


def forwarding_server() -> Server:
    """The active forwarding server whose addresses new zones get (R6)."""
    server = Server.objects.filter(kind=ServerKind.FORWARDING, active=True).order_by("pk").first()
    if server is None:
        raise NoForwardingServer(
            _(
                "There is no active forwarding server, so Hostwerk does not know where a new "
                "zone should point. Add one under Settings (server kind “forwarding server”)."
            ),
            code="no_forwarding_server",
        )
    return server


def server_target(server: Server) -> dns.ZoneTarget:
    return dns.ZoneTarget(web_ip=server.web_ip, mail_ip=server.mail_ip, label=server.name)


def zone_create(
    *,
    actor: Actor,
    domain: str | DomainName,
    client: Client | None = None,
    template: ZoneTemplate | None = None,
) -> Zone:
    """A new zone from the template, pointing at the forwarding server (R6). Raises ZoneExists,
    NoForwardingServer, RecordInvalid."""
    return dns.zone_create(
        actor=actor,
        domain=domain,
        target=server_target(forwarding_server()),
        client=client,
        template=template,
    )


def zone_ensure(*, actor: Actor, domain: str | DomainName, client: Client | None = None) -> Zone:
    """The zone of `domain`, created pointing at the forwarding server when there is none."""
    return dns.zone_ensure(
        actor=actor, domain=domain, target=server_target(forwarding_server()), client=client
    )


def _point(actor: Actor, domain: str | DomainName, server: Server, reason: Reason):
    zone = Zone.objects.filter(name=dns.zone_name_of(domain)).first()
    if zone is None:
        return None
    return dns.zone_point_to(
        actor=actor, zone=zone, web_ip=server.web_ip, mail_ip=server.mail_ip, reason=reason
    )


def zone_follow_hosting(
    *, actor: Actor, domain: str | DomainName, server: Server
) -> ZoneChange | None:
    """Point the zone of `domain`, if Hostwerk has one, at the hosting server's addresses."""
    name = dns.zone_name_of(domain)
    return _point(
        actor, domain, server, Reason("hosting_on", {"zone": name, "server": server.name})
    )


def zone_follow_forwarding(*, actor: Actor, domain: str | DomainName) -> ZoneChange | None:
    """Point the zone of `domain`, if there is one, back at the forwarding server (its hosting
    moved away or ended)."""
    if not Zone.objects.filter(name=dns.zone_name_of(domain)).exists():
        return None
    server = forwarding_server()
    name = dns.zone_name_of(domain)
    return _point(
        actor,
        domain,
        server,
        Reason("hosting_gone", {"zone": name, "server": server.name}),
    )


def zone_after_service_change(*, actor: Actor, service: Service) -> None:
    """Point the zone of the service's domain at the server that now serves it.

    A live hosting service on a Plesk hosting server takes the web and mail records; when the
    last one is gone (terminated, cancelled, moved away) they return to the forwarding server.
    Zones that do not exist are left alone; records staff edited by hand are never touched.
    """
    if not service.domain:
        return
    hosting = (
        Service.objects.filter(
            domain=service.domain,
            status__in=(ServiceStatus.ACTIVE, ServiceStatus.SUSPENDED),
            server__kind=ServerKind.PLESK,
        )
        .select_related("server")
        .order_by("-activated_at", "-id")
        .first()
    )
    if hosting is not None and hosting.server is not None:
        zone_follow_hosting(actor=actor, domain=service.domain, server=hosting.server)
    else:
        zone_follow_forwarding(actor=actor, domain=service.domain)
