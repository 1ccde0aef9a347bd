"""Reads of domains, scoped to who asks: staff see all, a client only its own (others: 404)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from hostwerk.clients.models import Client
from hostwerk.clients.queries import clients_named
from hostwerk.core import clock
from hostwerk.core.domain_names import DomainNameError, parse_domain_name
from hostwerk.core.models import AuditEvent
from hostwerk.core.text_search import any_of, contains
from hostwerk.domains.models import Domain, DomainStatus, EppLogEntry

# The list filter "expiring": active domains whose expiry is within this many days.
EXPIRING_WITHIN_DAYS = 30


def domain_search(
    *,
    query: str = "",
    status: str = "",
    expiring: bool = False,
    registrar_id: int | None = None,
    client: Client | None = None,
    with_list_columns: bool = True,
) -> QuerySet[Domain]:
    """Domains matching, by name, with their registrar and TLD. `with_list_columns`: with the
    client too, as the staff list shows it; the API lists give its id only."""
    domains = Domain.objects.select_related("registrar", "tld")
    if with_list_columns:
        domains = domains.select_related("client")
    if client is not None:
        domains = domains.filter(client=client)
    text = query.strip()
    if text:
        try:
            # "bücher.nl" finds the stored A-label "xn--bcher-kva.nl".
            name = parse_domain_name(text, min_labels=1).ascii
        except DomainNameError:
            name = text.lower()
        domains = domains.filter(
            any_of(Domain, contains("name", name), Q(client__in=clients_named(query=text)))
        )
    if status:
        domains = domains.filter(status=status)
    if expiring:
        now = clock.now()
        domains = domains.filter(
            status=DomainStatus.ACTIVE,
            expires_at__gte=now,
            expires_at__lte=now + timedelta(days=EXPIRING_WITHIN_DAYS),
        )
        return domains.order_by("expires_at", "name")
    if registrar_id:
        domains = domains.filter(registrar_id=registrar_id)
    return domains.order_by("name")


def domain_get(*, domain_id: int) -> Domain:
    return get_object_or_404(
        Domain.objects.select_related(
            "client", "registrar", "tld", "order_item__order"
        ).prefetch_related("steps"),
        pk=domain_id,
    )


def domains_for_client(*, client: Client) -> QuerySet[Domain]:
    return Domain.objects.filter(client=client).select_related("registrar", "tld").order_by("name")


def domain_get_for_client(*, client: Client, domain_id: int) -> Domain:
    """The client's own domain; another client's is a 404."""
    return get_object_or_404(domains_for_client(client=client), pk=domain_id)


def domain_epp_log(*, domain: Domain, limit: int = 50) -> list[EppLogEntry]:
    return list(EppLogEntry.objects.filter(domain=domain).order_by("-created_at", "-id")[:limit])


def domain_audit_trail(*, domain: Domain) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        object_type="domains.domain", object_id=str(domain.pk)
    ).select_related("actor")


def domain_zone(*, domain: Domain, client: Client | None = None):
    """The DNS zone of the domain (the client's own only, when `client` is given), or None."""
    from hostwerk.dns.models import Zone

    zones = Zone.objects.filter(name=domain.name)
    if client is not None:
        zones = zones.filter(client=client)
    return zones.only("pk", "name").first()


def registrar_list():
    from django.db.models import Count

    from hostwerk.domains.models import Registrar

    return Registrar.objects.annotate(tld_count=Count("tlds", distinct=True)).order_by("name")
