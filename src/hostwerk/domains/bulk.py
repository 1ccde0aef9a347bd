"""Bulk work on domains from the staff domain list: synchronise many with their registry, one
job per domain."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from hostwerk.core.audit import Actor
from hostwerk.core.bulk import BulkTarget, bulk_item_actor, bulk_item_carry_out, bulk_run_start
from hostwerk.core.models import BulkAction, BulkItem, BulkRun
from hostwerk.domains.models import Domain
from hostwerk.domains.sync import domain_sync


@transaction.atomic
def domains_sync_later(*, actor: Actor, domains: list[Domain], back_url: str = "") -> BulkRun:
    from hostwerk.domains.tasks import sync_domain_of_bulk_run

    run, items = bulk_run_start(
        actor=actor,
        action=BulkAction.DOMAIN_SYNC,
        targets=[
            BulkTarget(
                object_id=domain.pk,
                label=domain.name_unicode,
                url=reverse("staff:domain_detail", args=[domain.pk]),
            )
            for domain in domains
        ],
        back_url=back_url,
    )
    for item in items:
        sync_domain_of_bulk_run.enqueue(item.pk)
    return run


def domain_sync_bulk_item(*, item: BulkItem) -> BulkItem:
    def work() -> str:
        domain = Domain.objects.get(pk=item.object_id)
        domain_sync(actor=bulk_item_actor(item), domain=domain)
        return ""

    return bulk_item_carry_out(item=item, work=work)
