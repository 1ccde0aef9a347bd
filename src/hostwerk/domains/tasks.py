"""Background work on domains: daily sync, the registries' message queues, expiry reminders.

Each task is idempotent: running one twice (overlapping cron runs, a retried worker) changes
nothing more than running it once.
"""

from __future__ import annotations

import logging

from django_tasks import task

from hostwerk.core.audit import Actor
from hostwerk.core.errors import HostwerkError
from hostwerk.domains.models import Domain, Registrar
from hostwerk.domains.renewal import domain_expiry_reminders_send
from hostwerk.domains.sync import domain_sync, domains_sync_due, registrar_poll

logger = logging.getLogger(__name__)


@task()
def sync_domain(domain_id: int) -> str:
    domain = Domain.objects.filter(pk=domain_id).first()
    if domain is None:
        return "gone"
    try:
        return domain_sync(actor=Actor.system(), domain=domain).status
    except HostwerkError as error:
        logger.warning("sync of %s failed: %s", domain.name, error)
        return f"failed: {error}"


@task()
def sync_due_domains() -> dict[str, int]:
    return domains_sync_due(actor=Actor.system())


@task()
def process_poll_messages() -> dict[str, int]:
    """Read every active registrar's queue: transfers completed or refused, pending creates."""
    handled = {}
    for registrar in Registrar.objects.filter(active=True, domains__isnull=False).distinct():
        try:
            handled[registrar.name] = registrar_poll(actor=Actor.system(), registrar=registrar)
        except HostwerkError as error:
            logger.warning("poll of %s failed: %s", registrar, error)
            handled[registrar.name] = -1
    return handled


@task()
def send_expiry_reminders() -> int:
    return domain_expiry_reminders_send(actor=Actor.system())


@task()
def sync_domain_of_bulk_run(item_id: int) -> str:
    """One domain of a bulk sync started by staff; the outcome is kept on the run's item."""
    from hostwerk.core.bulk import bulk_item_for_job
    from hostwerk.domains.bulk import domain_sync_bulk_item

    item = bulk_item_for_job(item_id)
    if item is None:
        return "gone"
    return domain_sync_bulk_item(item=item).status
