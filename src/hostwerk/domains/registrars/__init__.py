"""Registrar adapters behind one interface: `registrar_client(registrar)` picks the adapter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from hostwerk.domains.registrars.base import (
    FIX_REGISTRAR_SETTINGS,
    RegistrarClient,
    RegistrarRefused,
)

if TYPE_CHECKING:
    from hostwerk.domains.models import Domain, Registrar


def registrar_client(
    registrar: Registrar, *, domain: Domain | None = None, timeout: float | None = None
) -> RegistrarClient:
    """A session with `registrar`; its exchanges are logged against `domain` when given."""
    from hostwerk.domains.models import RegistrarAdapter

    if not registrar.active:
        raise RegistrarRefused(
            _("Registrar %(registrar)s is switched off: switch it on or choose another one.")
            % {"registrar": registrar.name},
            fix=FIX_REGISTRAR_SETTINGS,
        )
    if registrar.adapter == RegistrarAdapter.EPP:
        from hostwerk.domains.registrars.epp import EppRegistrar

        return EppRegistrar(registrar, domain=domain, timeout=timeout)
    raise RegistrarRefused(
        _("Registrar %(registrar)s uses adapter %(adapter)s, which this version does not have.")
        % {"registrar": registrar.name, "adapter": registrar.adapter},
        fix=FIX_REGISTRAR_SETTINGS,
    )
