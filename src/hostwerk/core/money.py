"""Money: Decimal amounts in the house currency, rounded half-up to cents, formatted per language."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.utils.formats import number_format

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def round_money(amount: Decimal | int | str) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal | None) -> str:
    if amount is None:
        return ""
    symbol = {"EUR": "€"}.get(settings.CURRENCY, settings.CURRENCY)
    # A no-break space: "€ 7,50" never breaks between the sign and the amount.
    return f"{symbol}\u00a0{number_format(round_money(amount), decimal_pos=2, force_grouping=True)}"


class MoneyField(models.DecimalField):
    """Amounts up to 9,999,999,999.99 with two decimals."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)
