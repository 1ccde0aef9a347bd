"""Turning form and action errors into the API's 422 shape: {"detail": [{"loc": [...], "msg": ...}]}."""

from __future__ import annotations

from django import forms
from ninja.errors import ValidationError


def form_errors(form: forms.BaseForm, *, prefix: tuple[str, ...] = ("body",)) -> ValidationError:
    details = []
    for field, errors in form.errors.get_json_data().items():
        location = [*prefix] if field == "__all__" else [*prefix, field]
        for error in errors:
            details.append(
                {"loc": location, "msg": error["message"], "type": error["code"] or "invalid"}
            )
    return ValidationError(details)


def field_error(
    field: str, message: str, *, prefix: tuple[str | int, ...] = ("body",)
) -> ValidationError:
    return ValidationError([{"loc": [*prefix, field], "msg": message, "type": "invalid"}])
