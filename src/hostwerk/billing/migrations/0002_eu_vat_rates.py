"""Seed the EU member states' standard VAT rates; later changes are added as new VatRate rows."""

import datetime
from decimal import Decimal

from django.db import migrations

# The standard rates in force since 1 March 2021 (the end of the pandemic reductions) ...
STANDARD_RATES_2021 = {
    "AT": "20",
    "BE": "21",
    "BG": "20",
    "CY": "19",
    "CZ": "21",
    "DE": "19",
    "DK": "25",
    "EE": "20",
    "ES": "21",
    "FI": "24",
    "FR": "20",
    "GR": "24",
    "HR": "25",
    "HU": "27",
    "IE": "23",
    "IT": "22",
    "LT": "21",
    "LU": "17",
    "LV": "21",
    "MT": "18",
    "NL": "21",
    "PL": "23",
    "PT": "23",
    "RO": "19",
    "SE": "25",
    "SI": "22",
    "SK": "20",
}

# ... and the changes since then, each from the day it took effect.
CHANGES = [
    ("LU", "16", datetime.date(2023, 1, 1)),
    ("EE", "22", datetime.date(2024, 1, 1)),
    ("LU", "17", datetime.date(2024, 1, 1)),
    ("FI", "25.5", datetime.date(2024, 9, 1)),
    ("SK", "23", datetime.date(2025, 1, 1)),
    ("EE", "24", datetime.date(2025, 7, 1)),
    ("RO", "21", datetime.date(2025, 8, 1)),
]


def seed_rates(apps, schema_editor):
    VatRate = apps.get_model("billing", "VatRate")
    start = datetime.date(2021, 3, 1)
    rows = [
        VatRate(country=country, rate=Decimal(rate), valid_from=start)
        for country, rate in STANDARD_RATES_2021.items()
    ]
    rows += [
        VatRate(country=country, rate=Decimal(rate), valid_from=valid_from)
        for country, rate, valid_from in CHANGES
    ]
    VatRate.objects.bulk_create(rows, ignore_conflicts=True)


def remove_rates(apps, schema_editor):
    apps.get_model("billing", "VatRate").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(seed_rates, remove_rates)]
