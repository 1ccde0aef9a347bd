"""Data that migrations seed (VAT rates, the default zone template) put back after a flush.

A transactional test (transaction=True, live_server) empties every table when it ends, taking
the rows of data migrations with it; the tests that run after it need them again.
"""

from __future__ import annotations

import importlib

from django.apps import apps

# (migration module, forward function, model whose rows it creates)
SEEDS = [
    ("hostwerk.billing.migrations.0002_eu_vat_rates", "seed_rates", "billing.VatRate"),
    (
        "hostwerk.dns.migrations.0002_default_template",
        "create_default_template",
        "dns.ZoneTemplate",
    ),
]


def reference_data_ensure() -> None:
    for module_name, function_name, model_label in SEEDS:
        if not apps.get_model(model_label).objects.exists():
            getattr(importlib.import_module(module_name), function_name)(apps, None)
