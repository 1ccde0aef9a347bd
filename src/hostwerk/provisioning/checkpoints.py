"""Checkpointed remote steps: a step that is done is never repeated; a failed one resumes here."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

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
        step, _ = ProvisioningStep.objects.update_or_create(
            **owner,
            name=name,
            defaults={
                "status": status,
                "attempts": attempts,
                "remote_reference": reference[:255],
                "error": error,
                "duration_ms": int((time.monotonic() - started) * 1000),
            },
        )
        self._steps[name] = step

    def forget(self, *names: str) -> None:
        """Drop checkpoints (after terminating, so a later re-create starts clean)."""
        ProvisioningStep.objects.filter(**{self._owner_field: self.owner}, name__in=names).delete()
        for name in names:
            self._steps.pop(name, None)
