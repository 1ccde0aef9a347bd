"""The lifecycle every provisioning module offers."""

from __future__ import annotations

from hostwerk.provisioning.models import Service


class ProvisioningModule:
    """Remote side of a service. Every method is idempotent: calling it again after a failure
    (or after a success whose answer was lost) converges on the same remote state."""

    name = ""

    def create(self, service: Service) -> None:
        raise NotImplementedError

    def suspend(self, service: Service) -> None:
        raise NotImplementedError

    def unsuspend(self, service: Service) -> None:
        raise NotImplementedError

    def terminate(self, service: Service) -> None:
        raise NotImplementedError

    def change_package(self, service: Service, *, plan: str) -> None:
        raise NotImplementedError

    def change_password(self, service: Service, *, password: str) -> None:
        raise NotImplementedError
