"""The OpenAPI schema documents every operation and field, and status fields are enums."""

import pytest

from tests.support.api import ApiClient

# Parts of the schema that django-ninja itself contributes (pagination wrappers, its own error shape).
NINJA_SCHEMAS = {"Input", "PagedInput"}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return ApiClient(None).web.get("/api/v1/openapi.json").json()


def _operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def _properties(schema):
    for name, component in schema["components"]["schemas"].items():
        if name in NINJA_SCHEMAS:
            continue
        for field, definition in component.get("properties", {}).items():
            yield name, field, definition


def test_every_operation_has_a_summary_and_a_description(schema):
    missing = [
        name
        for name, operation in _operations(schema)
        if not operation.get("description") or not operation.get("summary")
    ]
    assert not missing, f"operations without a description: {missing}"


def test_every_parameter_has_a_description(schema):
    missing = [
        f"{name} {parameter['name']}"
        for name, operation in _operations(schema)
        for parameter in operation.get("parameters", [])
        if not parameter.get("description")
    ]
    assert not missing, f"parameters without a description: {missing}"


def test_every_property_of_our_schemas_has_a_description(schema):
    missing = [
        f"{name}.{field}"
        for name, field, definition in _properties(schema)
        if not definition.get("description")
    ]
    assert not missing, f"properties without a description: {missing}"


def _is_enum(schema, definition):
    if "enum" in definition or "const" in definition:
        return True
    if "$ref" in definition:
        target = schema["components"]["schemas"][definition["$ref"].rsplit("/", 1)[-1]]
        return _is_enum(schema, target)
    options = definition.get("anyOf") or definition.get("allOf") or definition.get("oneOf")
    if options:
        return all(_is_enum(schema, option) or option.get("type") == "null" for option in options)
    return False


ENUM_FIELDS = {
    "status",
    "kind",
    "type",
    "channel",
    "billing_cycle",
    "default_billing_cycle",
    "payment_method",
    "action",
    "domain_choice",
    "module",
    "legal_form",
    "spam_filter",
    "mode",
}


def test_status_kind_and_cycle_fields_are_enums(schema):
    loose = [
        f"{name}.{field}"
        for name, field, definition in _properties(schema)
        if field in ENUM_FIELDS and not _is_enum(schema, definition)
    ]
    assert not loose, f"fields that should list their values: {loose}"


def test_status_query_parameters_are_enums(schema):
    loose = [
        f"{name} {parameter['name']}"
        for name, operation in _operations(schema)
        for parameter in operation.get("parameters", [])
        if parameter["name"] in ENUM_FIELDS and not _is_enum(schema, parameter["schema"])
    ]
    assert not loose, f"query parameters that should list their values: {loose}"
