"""Form widgets that more than one app uses."""

from __future__ import annotations

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker. Its value is always ISO (YYYY-MM-DD): a value in the page's
    language (Dutch "07-12-2026") is one the picker cannot read, and it showed an empty field."""

    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")
