"""Prices from the catalogue: per product and billing cycle, per TLD, action and year count."""

from __future__ import annotations

from django.utils.translation import gettext as _

from hostwerk.catalog.models import BillingCycle, DomainAction, Product, ProductPrice, Tld, TldPrice


class PriceMissing(ValueError):
    """The catalogue has no price for what was asked; the message says what it does have.

    `str()` names cycles and actions by their labels (for the web pages); `api_message` says the
    same with the values the API takes ("annually")."""

    def __init__(self, message: str, *, api_message: str = "") -> None:
        super().__init__(message)
        self.api_message = api_message or message


def product_price(product: Product, billing_cycle: str) -> ProductPrice:
    prices = {price.billing_cycle: price for price in product.prices.all()}
    if billing_cycle in prices:
        return prices[billing_cycle]
    priced = [cycle for cycle in BillingCycle.values if cycle in prices]
    message = _("“%(product)s” has no price for %(cycle)s; choose one of: %(available)s.")
    none = _("none — the product has no prices yet")
    cycle_label = (
        BillingCycle(billing_cycle).label if billing_cycle in BillingCycle.values else billing_cycle
    )
    raise PriceMissing(
        message
        % {
            "product": product.name,
            "cycle": cycle_label,
            "available": ", ".join(str(BillingCycle(cycle).label) for cycle in priced) or none,
        },
        api_message=message
        % {"product": product.name, "cycle": billing_cycle, "available": ", ".join(priced) or none},
    )


def tld_price(tld: Tld, action: str, years: int) -> TldPrice:
    for price in tld.prices.all():
        if price.action == action and price.years == years:
            return price
    message = _("There is no %(action)s price for .%(tld)s for %(years)s year(s).")
    label = DomainAction(action).label if action in DomainAction.values else action
    raise PriceMissing(
        message % {"action": label, "tld": tld.name, "years": years},
        api_message=message % {"action": action, "tld": tld.name, "years": years},
    )


def tld_periods(tld: Tld, action: str = "register") -> list[int]:
    """The year counts `tld` can be ordered for (within its limits, with a price), shortest first.

    Without any price for the action the limits alone decide, so a form still offers a choice and
    the missing price is reported where it is missing.
    """
    allowed = range(tld.min_years, tld.max_years + 1)
    priced = sorted(
        {price.years for price in tld.prices.all() if price.action == action} & set(allowed)
    )
    return priced or list(allowed) or [1]


def tld_first_period(tld: Tld, action: str = "register") -> int:
    """The year count an order for `tld` starts with: its first allowed period."""
    return tld_periods(tld, action)[0]
