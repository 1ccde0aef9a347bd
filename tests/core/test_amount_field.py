"""Amounts as people type them: a Dutch staff member writes "7,50", an English one "7.50"; both
are 7.50, and the field shows a stored amount back in the reader's language."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from hostwerk.core.widgets import AmountField, amount_text


class PriceForm(forms.Form):
    price = AmountField(label="Price", min_value=Decimal("0"))


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("7,50", "7.50"),
        ("7.50", "7.50"),
        ("€ 7,50", "7.50"),
        ("€\u00a01.234,50", "1234.50"),
        ("1,234.50", "1234.50"),
        (" 75 ", "75"),
        ("-3,00", "-3.00"),
    ],
)
def test_both_ways_of_writing_an_amount_are_read(typed, read):
    assert amount_text(typed) == read


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_dutch_comma_is_accepted_in_either_language(language):
    with translation.override(language):
        form = PriceForm({"price": "7,50"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["price"] == Decimal("7.50")


def test_a_stored_amount_is_shown_in_the_readers_language():
    form = PriceForm(initial={"price": Decimal("7.50")})
    with translation.override("nl"):
        assert 'value="7,50"' in str(form["price"])
    with translation.override("en"):
        assert 'value="7.50"' in str(form["price"])


def test_what_is_no_amount_says_how_to_write_one():
    with translation.override("nl"):
        form = PriceForm({"price": "zeven"})
        assert not form.is_valid()
        assert form.errors["price"] == ["Voer een bedrag in, bijvoorbeeld 7,50 of 7.50."]
    form = PriceForm({"price": "7,555"})
    assert not form.is_valid()  # three decimals: not a typo we guess at
