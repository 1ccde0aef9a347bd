"""Which server a new service goes on (R3): the client's own Plesk server first, else the default."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q
from django.utils.translation import gettext as _

from hostwerk.catalog.models import Product
from hostwerk.clients.models import Client
from hostwerk.provisioning.models import Server, ServiceStatus

# Services that occupy a place on a server.
LIVE_STATUSES = (ServiceStatus.PENDING, ServiceStatus.ACTIVE, ServiceStatus.SUSPENDED)


@dataclass
class ServerProposal:
    server: Server | None
    reason: str
    skipped: list[str] = field(default_factory=list)  # why other servers were passed over


def _load(servers: list[Server]) -> dict[int, int]:
    counts = Server.objects.filter(pk__in=[s.pk for s in servers]).annotate(
        live=Count("services", filter=Q(services__status__in=LIVE_STATUSES))
    )
    return {server.pk: server.live for server in counts}


def _unusable(server: Server, load: dict[int, int]) -> str | None:
    if not server.active:
        return _("%(server)s is inactive") % {"server": server.name}
    if server.capacity and load.get(server.pk, 0) >= server.capacity:
        return _("%(server)s is full (%(used)s of %(capacity)s services)") % {
            "server": server.name,
            "used": load.get(server.pk, 0),
            "capacity": server.capacity,
        }
    return None


def server_proposal(
    *,
    client: Client,
    product: Product,
    extra_load: Counter | None = None,
    servers: list[Server] | None = None,
) -> ServerProposal:
    """Propose a server for `product` for `client`.

    The server that holds most of the client's live services in the product's group (ties: the
    one with the oldest service) keeps the client together; a new client gets the group's
    default server. Full or inactive servers are skipped with the reason. `extra_load` counts
    services planned in the same order but not created yet; `servers` are the group's servers
    when the caller read them already.
    """
    group = product.server_group
    if group is None:
        return ServerProposal(None, _("The product has no server group; choose a server."))
    if servers is None:
        servers = list(group.servers.all())
    load = _load(servers)
    for server_id, planned in (extra_load or Counter()).items():
        load[server_id] = load.get(server_id, 0) + planned
    skipped: list[str] = []

    held = (
        client.services.filter(
            server__in=servers, status__in=(ServiceStatus.ACTIVE, ServiceStatus.SUSPENDED)
        )
        .values("server")
        .annotate(count=Count("id"), oldest=Min("created_at"))
        .order_by("-count", "oldest")
    )
    by_id = {server.pk: server for server in servers}
    for row in held:
        server = by_id[row["server"]]
        problem = _unusable(server, load)
        if problem is None:
            return ServerProposal(
                server,
                _("The client's other services are on %(server)s.") % {"server": server.name},
                skipped,
            )
        skipped.append(problem)

    default = group.default_server
    if default is not None and default.pk in by_id:
        problem = _unusable(default, load)
        if problem is None:
            return ServerProposal(
                default, _("Default server of group %(group)s.") % {"group": group.name}, skipped
            )
        skipped.append(problem)
    for server in sorted(servers, key=lambda s: (load.get(s.pk, 0), s.name)):
        if server.pk in {default.pk if default else None}:
            continue
        problem = _unusable(server, load)
        if problem is None:
            return ServerProposal(
                server,
                _("Least used server of group %(group)s.") % {"group": group.name},
                skipped,
            )
        if problem not in skipped:
            skipped.append(problem)
    return ServerProposal(
        None,
        _("No server of group %(group)s has room; add capacity or a server.")
        % {"group": group.name},
        skipped,
    )
