"""The direction of imports (docs/architecture.md): apps in layers, each importing only its own
layer's foundations below it; no import cycles; integrations and simulators free of the apps."""

from __future__ import annotations

from tests.architecture.imports import Import, imports, module_cycles

# Lower layers first. An app may import apps of lower layers only; apps of one layer do not
# import each other. Orders drives acceptance and invoicing, so it sits above the apps it uses.
LAYERS: list[set[str]] = [
    {"core"},
    {"clients", "catalog"},
    {"notifications"},
    {"accounts"},  # logins e-mail their invitation and reset links
    {"dns"},
    {"provisioning"},  # owns R6/R7: where zones point (provisioning/zones.py)
    {"domains", "mail"},
    {"billing", "drift"},  # drift compares the servers with what domains, mail and dns hold
    {"orders", "imports"},  # imports reads a WHMCS database into every app below
    {"api", "staff", "portal"},
    {"demo"},
]
LAYER_OF = {app: number for number, apps in enumerate(LAYERS) for app in apps}
# Modules of core that a protocol client may use: no Django, no models.
INTEGRATION_FOUNDATIONS = ("hostwerk.core.errors", "hostwerk.core.http", "hostwerk.core.xml")
NOT_AN_APP = {"__version__", "settings", "urls", "wsgi", "cli"}


def _runtime() -> list[Import]:
    return [item for item in imports() if not item.type_checking]


def test_there_are_no_import_cycles():
    assert module_cycles(imports()) == []


def test_every_app_has_a_layer():
    apps = {item.source_app for item in imports()} - NOT_AN_APP - {"integrations", "sandbox"}
    assert apps <= set(LAYER_OF), f"give these apps a layer: {sorted(apps - set(LAYER_OF))}"


def test_apps_import_only_downwards():
    wrong = [
        f"{item.source}:{item.line} imports {item.target}"
        for item in _runtime()
        if item.source_app in LAYER_OF
        and item.target_app in LAYER_OF
        and item.source_app != item.target_app
        and LAYER_OF[item.target_app] >= LAYER_OF[item.source_app]
    ]
    assert wrong == []


def test_domain_apps_never_import_orders_or_billing():
    domain_apps = {"provisioning", "domains", "mail", "dns", "catalog", "clients"}
    wrong = [
        f"{item.source}:{item.line} imports {item.target}"
        for item in _runtime()
        if item.source_app in domain_apps and item.target_app in {"orders", "billing"}
    ]
    assert wrong == []


def test_integrations_import_no_django_app():
    wrong = [
        f"{item.source}:{item.line} imports {item.target}"
        for item in imports()
        if item.source_app == "integrations"
        and item.target_app != "integrations"
        and not item.target.startswith(INTEGRATION_FOUNDATIONS)
    ]
    assert wrong == []


def test_simulators_import_nothing_of_hostwerks_apps():
    # The simulators speak the protocols; they share only the wire helpers of the integrations.
    wrong = [
        f"{item.source}:{item.line} imports {item.target}"
        for item in imports()
        if item.source_app == "sandbox"
        and item.target_app not in {"sandbox", "integrations"}
        and not item.target.startswith(INTEGRATION_FOUNDATIONS)
    ]
    assert wrong == []
