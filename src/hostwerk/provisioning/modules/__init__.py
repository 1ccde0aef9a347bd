"""Provisioning modules: how a service is created and managed on its kind of server.

The registry maps Product.module to a module; products with module "none" have no remote side,
so their services are created and changed in Hostwerk only.
"""

from __future__ import annotations

from hostwerk.provisioning.modules.base import ProvisioningModule
from hostwerk.provisioning.modules.plesk import PleskModule

MODULES: dict[str, type[ProvisioningModule]] = {
    "plesk": PleskModule,
}


def module_for(name: str) -> ProvisioningModule | None:
    """The module for Product.module, or None for products without a remote side."""
    module = MODULES.get(name)
    return module() if module is not None else None
