"""Form widgets that more than one app uses."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    """The browser's date picker. Its value is always ISO (YYYY-MM-DD): a value in the page's
    language (Dutch "07-12-2026") is one the picker cannot read, and it showed an empty field."""

    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def amount_text(value: str) -> str:
    """An amount as typed ("7,50", "€ 1.234,50", "1,234.50", "7.50") as Python reads decimals
    ("7.50", "1234.50"): the last comma or dot is the one before the cents."""
    text = value.strip().removeprefix("€").replace("\u00a0", "").replace(" ", "")
    comma, dot = text.rfind(","), text.rfind(".")
    if comma > dot:
        return text.replace(".", "").replace(",", ".")
    if comma != -1:
        return text.replace(",", "")
    return text


class AmountField(forms.DecimalField):
    """An amount of money, typed as people write it in either language, and shown in the
    reader's ("7,50" on a Dutch page, "7.50" on an English one); two decimals at most."""

    default_error_messages = {"invalid": _("Enter an amount, for example 7,50 or 7.50.")}

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)
        self.widget.is_localized = True

    def to_python(self, value):
        if isinstance(value, str):
            value = amount_text(value)
        return super().to_python(value)
