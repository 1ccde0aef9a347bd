"""R7 from the provisioning side: a domain's zone follows the server its hosting lives on."""

from __future__ import annotations

from hostwerk.core.audit import Actor
from hostwerk.provisioning.models import ServerKind, Service, ServiceStatus


def zone_after_service_change(*, actor: Actor, service: Service) -> None:
    """Point the zone of the service's domain at the server that now serves it.

    A live hosting service on a Plesk hosting server takes the web and mail records; when the
    last one is gone (terminated, cancelled, moved away) they return to the forwarding server.
    Zones that do not exist are left alone; records staff edited by hand are never touched.
    """
    from hostwerk.dns.actions import zone_follow_forwarding, zone_follow_hosting

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
    if hosting is not None:
        zone_follow_hosting(actor=actor, domain=service.domain, server=hosting.server)
    else:
        zone_follow_forwarding(actor=actor, domain=service.domain)
