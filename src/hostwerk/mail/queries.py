"""Reads of mailboxes, mail filters and providers, scoped: staff see all, a client only its own."""

from __future__ import annotations

import contextlib

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from hostwerk.catalog.models import Product, ProductType
from hostwerk.clients.models import Client
from hostwerk.clients.queries import clients_named
from hostwerk.core.domain_names import DomainNameError, parse_domain_name
from hostwerk.core.models import AuditEvent
from hostwerk.core.text_search import any_of, contains
from hostwerk.mail.models import (
    Mailbox,
    MailboxStatus,
    MailFilter,
    MailFilterProvider,
    MailFilterStatus,
    SpamFilterState,
)
from hostwerk.provisioning.models import ServerKind, Service, ServiceStatus

# Mailboxes -------------------------------------------------------------------------------------


def _mailboxes() -> QuerySet[Mailbox]:
    return Mailbox.objects.select_related("service", "service__client", "service__server")


def mailbox_search(
    *, query: str = "", spam_filter: str = "", status: str = ""
) -> QuerySet[Mailbox]:
    """Staff: every mailbox; by (part of) the address or the client, and by filter state."""
    mailboxes = _mailboxes()
    query = query.strip()
    if query:
        mailboxes = mailboxes.filter(
            any_of(
                Mailbox,
                contains("address", query),
                Q(service__client__in=clients_named(query=query)),
            )
        )
    if spam_filter == "attention":
        mailboxes = mailboxes.filter(status=MailboxStatus.ACTIVE).exclude(
            spam_filter=SpamFilterState.ON
        )
    elif spam_filter:
        mailboxes = mailboxes.filter(spam_filter=spam_filter)
    if status:
        mailboxes = mailboxes.filter(status=status)
    return mailboxes.order_by("address")


def mailbox_get(*, mailbox_id: int) -> Mailbox:
    return get_object_or_404(_mailboxes(), pk=mailbox_id)


def mailboxes_for_client(*, client: Client) -> QuerySet[Mailbox]:
    return _mailboxes().filter(service__client=client).order_by("address")


def mailbox_get_for_client(*, client: Client, mailbox_id: int) -> Mailbox:
    """The client's own mailbox; another client's is a 404."""
    return get_object_or_404(mailboxes_for_client(client=client), pk=mailbox_id)


def mailboxes_visible(*, client: Client | None, is_staff: bool) -> QuerySet[Mailbox]:
    """What an API token may see: every mailbox for staff, its own client's otherwise."""
    if is_staff:
        return _mailboxes().order_by("address")
    if client is None:
        return Mailbox.objects.none()
    return mailboxes_for_client(client=client)


def mailbox_counts() -> dict[str, int]:
    """For the staff tabs: how many mailboxes there are, and how many need attention."""
    return Mailbox.objects.aggregate(
        total=Count("pk"),
        attention=Count(
            "pk", filter=Q(status=MailboxStatus.ACTIVE) & ~Q(spam_filter=SpamFilterState.ON)
        ),
    )


def mail_services_for_client(*, client: Client | None) -> QuerySet[Service]:
    """Hosting services mailboxes can be made on: active, created on a Plesk hosting server.

    `client` None: every client's (staff)."""
    services = Service.objects.filter(
        status=ServiceStatus.ACTIVE,
        product__type=ProductType.HOSTING,
        server__kind=ServerKind.PLESK,
    ).exclude(remote_service_id="")
    if client is not None:
        services = services.filter(client=client)
    return services.select_related("client", "server").order_by("domain", "id")


def mailbox_audit_trail(*, mailbox: Mailbox) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        object_type="mail.mailbox", object_id=str(mailbox.pk)
    ).select_related("actor")


# Mail filters ----------------------------------------------------------------------------------


def _mail_filters() -> QuerySet[MailFilter]:
    return MailFilter.objects.select_related(
        "client", "provider", "confirmed_by", "order_item__order"
    )


def mail_filter_search(*, status: str = "", query: str = "") -> QuerySet[MailFilter]:
    filters = _mail_filters()
    if status == "attention":
        filters = filters.exclude(status=MailFilterStatus.REMOVED).exclude(last_error="")
    elif status:
        filters = filters.filter(status=status)
    query = query.strip().rstrip(".")
    if query:
        conditions = [contains("domain", query), Q(client__in=clients_named(query=query))]
        with contextlib.suppress(DomainNameError):
            conditions.append(Q(domain=parse_domain_name(query).ascii))
        filters = filters.filter(any_of(MailFilter, *conditions))
    return filters.order_by("-created_at", "-id")


def mail_filter_counts() -> dict[str, int]:
    """Filters per status, for the staff tabs."""
    counts = dict(MailFilter.objects.values_list("status").annotate(count=Count("pk")).order_by())
    counts["attention"] = (
        MailFilter.objects.exclude(status=MailFilterStatus.REMOVED).exclude(last_error="").count()
    )
    return counts


def mail_filter_get(*, mail_filter_id: int) -> MailFilter:
    return get_object_or_404(_mail_filters(), pk=mail_filter_id)


def mail_filters_for_client(*, client: Client) -> QuerySet[MailFilter]:
    return _mail_filters().filter(client=client).order_by("-created_at", "-id")


def mail_filters_visible(*, client: Client | None, is_staff: bool) -> QuerySet[MailFilter]:
    if is_staff:
        return _mail_filters().order_by("-created_at", "-id")
    if client is None:
        return MailFilter.objects.none()
    return mail_filters_for_client(client=client)


def mail_filter_for_domain(*, filters: QuerySet[MailFilter], domain: str) -> MailFilter | None:
    """The domain's filter among `filters`: the live one, else the most recent removed one."""
    try:
        name = parse_domain_name(domain.strip().rstrip(".")).ascii
    except DomainNameError:
        return None
    matching = filters.filter(domain=name)
    live = matching.exclude(status=MailFilterStatus.REMOVED).first()
    return live or matching.order_by("-created_at", "-id").first()


def live_mail_filter(*, domain: str) -> MailFilter | None:
    """The domain's filter that is not removed (at most one, by constraint)."""
    return MailFilter.objects.filter(domain=domain).exclude(status=MailFilterStatus.REMOVED).first()


def mail_filter_audit_trail(*, mail_filter: MailFilter) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        object_type="mail.mailfilter", object_id=str(mail_filter.pk)
    ).select_related("actor")


# Providers -------------------------------------------------------------------------------------


def providers_list() -> QuerySet[MailFilterProvider]:
    return (
        MailFilterProvider.objects.annotate(
            filter_count=Count(
                "mail_filters", filter=~Q(mail_filters__status=MailFilterStatus.REMOVED)
            )
        )
        .prefetch_related("products")
        .order_by("name")
    )


def provider_get(*, provider_id: int) -> MailFilterProvider:
    return get_object_or_404(
        MailFilterProvider.objects.prefetch_related("products"), pk=provider_id
    )


def provider_for_product(*, product: Product | None) -> MailFilterProvider | None:
    """The active provider that serves `product`: one that lists it, else one that lists no
    products at all (a general provider); the oldest wins a tie."""
    providers = MailFilterProvider.objects.filter(active=True).order_by("pk")
    if product is not None:
        listed = providers.filter(products=product).first()
        if listed is not None:
            return listed
    return providers.filter(products__isnull=True).first()
