"""Reads of the drift check's differences, for the staff page."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from hostwerk.drift.models import Difference


def difference_search(*, state: str = "open", system: str = "") -> QuerySet[Difference]:
    """Open (default), resolved or all differences, newest first; optionally of one system."""
    differences = Difference.objects.select_related("resolved_by")
    if state == "open":
        differences = differences.filter(resolved_at__isnull=True)
    elif state == "resolved":
        differences = differences.filter(resolved_at__isnull=False)
    if system:
        differences = differences.filter(system=system)
    return differences.order_by("-found_at", "-id")


def difference_get(*, difference_id: int) -> Difference:
    return Difference.objects.get(pk=difference_id)


def difference_counts() -> dict[str, int]:
    return Difference.objects.aggregate(
        open=Count("id", filter=Q(resolved_at__isnull=True)),
        repairable=Count("id", filter=Q(resolved_at__isnull=True, repairable=True)),
    )


def difference_systems() -> list[str]:
    return list(
        Difference.objects.filter(resolved_at__isnull=True)
        .order_by("system")
        .values_list("system", flat=True)
        .distinct()
    )


def last_check():
    """The audit event of the latest drift check, or None."""
    from hostwerk.core.models import AuditEvent

    return AuditEvent.objects.filter(action="drift.check").order_by("-id").first()


def differences_of_service(*, service) -> QuerySet[Difference]:
    """The open differences a check against its server found for one service and its mailboxes."""
    from hostwerk.mail.models import Mailbox

    return Difference.objects.filter(
        Q(object_type="service", object_id=service.pk)
        | Q(
            object_type="mailbox",
            object_id__in=Mailbox.objects.filter(service=service).values("pk"),
        ),
        resolved_at__isnull=True,
    ).order_by("kind", "id")


def differences_of_domain(*, domain) -> QuerySet[Difference]:
    """The open differences a check against its registry found for one domain."""
    return Difference.objects.filter(
        object_type="domain", object_id=domain.pk, resolved_at__isnull=True
    ).order_by("kind", "id")
