"""Checkpointed remote steps: a step that is done is never repeated; a failed one resumes here."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from hostwerk.core.errors import HostwerkError
from hostwerk.provisioning.models import ProvisioningStep, Service, StepStatus

if TYPE_CHECKING:
    from hostwerk.domains.models import Domain


class Checkpoints:
    """The steps of one service or one domain. Each result is written at once, outside any long
    transaction, so a crash after a remote call that succeeded loses at most that one checkpoint
    — and every step adopts what it finds remotely, so repeating it is harmless."""

    def __init__(self, owner: Service | Domain) -> None:
        self.owner = owner
        # The step's foreign key that points at the owner: "service" or "domain".
        self._owner_field = "service" if isinstance(owner, Service) else "domain"
        self._steps = {step.name: step for step in owner.steps.all()}

    def done(self, name: str) -> bool:
        step = self._steps.get(name)
        return step is not None and step.status == StepStatus.DONE

    def known(self, name: str) -> bool:
        """Has step `name` a row (done or failed), as read at the start?"""
        return name in self._steps

    def reference(self, name: str) -> str:
        step = self._steps.get(name)
        return step.remote_reference if step is not None else ""

    def run(self, name: str, function: Callable[[], str]) -> str:
        """Run `function` unless step `name` is done; it returns the remote reference to keep."""
        if self.done(name):
            return self.reference(name)
        previous = self._steps.get(name)
        attempts = (previous.attempts if previous else 0) + 1
        started = time.monotonic()
        try:
            reference = function() or ""
        except HostwerkError as exc:
            self._record(name, StepStatus.FAILED, attempts, "", str(exc), started)
            raise
        self._record(name, StepStatus.DONE, attempts, reference, "", started)
        return reference

    def _record(self, name, status, attempts, reference, error, started) -> None:
        owner: dict[str, Any] = {self._owner_field: self.owner}
        values = {
            "status": status,
            "attempts": attempts,
            "remote_reference": reference[:255],
            "error": error,
            "duration_ms": int((time.monotonic() - started) * 1000),
        }
        # The item's lease (ADR 0002) keeps other runs off these steps, so the steps read at
        # the start say whether the row exists: one INSERT or UPDATE instead of a locked
        # look-up and a write in a transaction of their own. A row that appeared or went
        # meanwhile (a lease taken over) falls back to update_or_create.
        known = self._steps.get(name)
        step: ProvisioningStep | None = None
        if known is None:
            # A savepoint only inside a caller's transaction, which a clash must not break.
            inside = transaction.get_connection().in_atomic_block
            try:
                with transaction.atomic() if inside else contextlib.nullcontext():
                    step = ProvisioningStep.objects.create(**owner, name=name, **values)
            except IntegrityError:
                step = None
        elif ProvisioningStep.objects.filter(pk=known.pk).update(
            **values, updated_at=timezone.now()
        ):
            step = known
            for field, value in values.items():
                setattr(step, field, value)
        if step is None:
            step, _ = ProvisioningStep.objects.update_or_create(**owner, name=name, defaults=values)
        self._steps[name] = step

    def forget(self, *names: str) -> None:
        """Drop checkpoints (after terminating, so a later re-create starts clean)."""
        ProvisioningStep.objects.filter(**{self._owner_field: self.owner}, name__in=names).delete()
        for name in names:
            self._steps.pop(name, None)
