"""Dates in English read day-first for a European provider; Dutch keeps Django's Dutch."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import translation
from django.utils.formats import date_format, time_format

JULY_12 = datetime.date(2026, 7, 12)


def test_english_dates_put_the_day_first_and_name_the_month():
    with translation.override("en"):
        assert date_format(JULY_12, "SHORT_DATE_FORMAT") == "12 Jul 2026"  # not 07/12/2026
        assert date_format(JULY_12) == "12 July 2026"
        assert time_format(datetime.time(14, 30)) == "14:30"


def test_dutch_dates_are_unchanged():
    with translation.override("nl"):
        assert date_format(JULY_12, "SHORT_DATE_FORMAT") == "12-7-2026"
        assert date_format(JULY_12) == "12 juli 2026"


def test_a_typed_english_date_is_read_day_first():
    class DayForm(forms.Form):
        day = forms.DateField()

    with translation.override("en"):
        form = DayForm(data={"day": "12/07/2026"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == JULY_12
        assert DayForm(data={"day": "2026-07-12"}).is_valid()
