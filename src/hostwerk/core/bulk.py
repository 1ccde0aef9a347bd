"""Bulk work from the staff lists: one per-object action applied to each selected object on its
own, with a BulkItem per object recording whether it succeeded and, if not, why.

The apps keep their own per-object actions; this module only starts a run, carries out one
item (in the request or in a job) and reads a run's progress. One failing object never stops
the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from hostwerk.core.audit import Actor, audit_record
from hostwerk.core.errors import HostwerkError
from hostwerk.core.models import BulkItem, BulkItemStatus, BulkRun

logger = logging.getLogger(__name__)

# At most this many objects in one bulk action (a list page shows 25).
BULK_LIMIT = 100


class BulkRefused(HostwerkError):
    """Nothing was selected, or too much."""


@dataclass(frozen=True)
class BulkTarget:
    object_id: int
    label: str
    url: str = ""


@dataclass(frozen=True)
class BulkProgress:
    total: int
    succeeded: int
    failed: int

    @property
    def finished(self) -> int:
        return self.succeeded + self.failed

    @property
    def done(self) -> bool:
        return self.finished >= self.total

    @property
    def percent(self) -> int:
        return round(100 * self.finished / self.total) if self.total else 100


def bulk_run_start(
    *, actor: Actor, action: str, targets: Iterable[BulkTarget], back_url: str = ""
) -> tuple[BulkRun, list[BulkItem]]:
    """A run with one queued item per target, audited; call inside the caller's transaction,
    which also enqueues the jobs (if any), so a run never waits for jobs that were not made."""
    targets = list(targets)
    if not targets:
        raise BulkRefused(_("Select at least one row first."))
    if len(targets) > BULK_LIMIT:
        raise BulkRefused(
            _("Select at most %(limit)s rows at once.") % {"limit": BULK_LIMIT},
        )
    run = BulkRun.objects.create(
        action=action, actor=actor.user, actor_label=actor.label[:200], back_url=back_url[:500]
    )
    items = BulkItem.objects.bulk_create(
        BulkItem(run=run, object_id=t.object_id, label=t.label[:255], url=t.url[:500])
        for t in targets
    )
    audit_record(
        actor=actor,
        action=f"bulk.{action}",
        obj=run,
        data={"count": len(items), "objects": [t.label for t in targets]},
    )
    return run, items


def _finish(item: BulkItem, status: str, message: str = "") -> None:
    BulkItem.objects.filter(pk=item.pk, status=BulkItemStatus.QUEUED).update(
        status=status, message=message, finished_at=timezone.now()
    )
    item.status, item.message = status, message


def bulk_item_carry_out(*, item: BulkItem, work: Callable[[], str]) -> BulkItem:
    """Run `work` for one item and record the outcome. `work` returns "" on success or a
    message saying why the object is not done; a HostwerkError is a failure with its message."""
    if item.status != BulkItemStatus.QUEUED:
        return item  # a retried job: the outcome is known already
    try:
        problem = work()
    except HostwerkError as error:
        problem = error.message
    except Exception as error:  # one broken object must not stop the others
        logger.exception("bulk %s of %s failed", item.run_id, item.label)
        problem = _("Unexpected error (%(error)s); the technical details are in the log.") % {
            "error": type(error).__name__
        }
    _finish(item, BulkItemStatus.FAILED if problem else BulkItemStatus.SUCCEEDED, problem)
    return item


def bulk_item_actor(item: BulkItem) -> Actor:
    """Who a job works as: the staff member who started the run (the system if they are gone)."""
    user = item.run.actor
    return Actor.for_user(user, via="worker") if user is not None else Actor.system()


def bulk_item_for_job(item_id: int) -> BulkItem | None:
    return BulkItem.objects.select_related("run__actor").filter(pk=item_id).first()


def bulk_run_items(*, run: BulkRun) -> list[BulkItem]:
    return list(run.items.order_by("id"))


def bulk_progress(items: list[BulkItem]) -> BulkProgress:
    statuses = [item.status for item in items]
    return BulkProgress(
        total=len(statuses),
        succeeded=statuses.count(BulkItemStatus.SUCCEEDED),
        failed=statuses.count(BulkItemStatus.FAILED),
    )


def bulk_run_get(*, run_id: int) -> BulkRun:
    return get_object_or_404(BulkRun, pk=run_id)
