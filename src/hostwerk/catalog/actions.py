"""Writes on the catalogue: products with their prices, product groups, TLDs with their prices.

Each action checks the catalogue's own rules (a default cycle needs a price, a Plesk product
needs a server group and a plan ...) and raises CatalogueInvalid naming the field; it writes
nothing then. Every change is audited with before and after.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hostwerk.catalog.models import (
    BillingCycle,
    DomainAction,
    Product,
    ProductGroup,
    ProductPrice,
    ProductType,
    ProvisioningModule,
    Tld,
    TldPrice,
    module_provisions_automatically,
)
from hostwerk.core.audit import Actor, apply_changes, audit_record

# Plesk hosting types per product type: a web hosting subscription, or a forwarding one.
PLESK_HOSTING_TYPES = {
    ProductType.HOSTING: ("vrt_hst",),
    ProductType.FORWARDING: ("std_fwd", "frm_fwd"),
}

# A product's prices as {billing cycle: (price, setup fee)}; a TLD's as {(action, years): price}.
ProductPrices = dict[str, tuple[Decimal, Decimal]]
TldPrices = dict[tuple[str, int], Decimal]


class CatalogueInvalid(Exception):
    """The change breaks a catalogue rule; `errors` maps each field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


# -- products --------------------------------------------------------------------------------


def price_field(cycle: str) -> str:
    return f"price_{cycle}"


def _product_check(values: dict[str, Any], prices: ProductPrices) -> None:
    errors: dict[str, str] = {}
    module, product_type = values["module"], values["type"]
    cycle = values["default_billing_cycle"]
    if cycle not in prices:
        errors["default_billing_cycle"] = _(
            "The default billing cycle (%(cycle)s) needs a price: enter one below or choose "
            "a cycle that has a price."
        ) % {"cycle": BillingCycle(cycle).label}
    settings = values.get("module_settings") or {}
    if module == ProvisioningModule.PLESK:
        if product_type not in PLESK_HOSTING_TYPES:
            errors["module"] = _("Plesk creates hosting and forwarding packages only.")
        else:
            if values.get("server_group") is None:
                errors["server_group"] = _(
                    "Choose the server group the Plesk subscriptions are created in."
                )
            if not str(settings.get("plan", "")).strip():
                errors["plesk_plan"] = _("Enter the Plesk service plan's name exactly as in Plesk.")
            allowed = PLESK_HOSTING_TYPES[product_type]
            if settings.get("hosting_type", allowed[0]) not in allowed:
                errors["plesk_hosting_type"] = _("A %(type)s needs hosting type %(allowed)s.") % {
                    "type": ProductType(product_type).label,
                    "allowed": " / ".join(allowed),
                }
    if module == ProvisioningModule.SPAMEXPERTS and product_type != ProductType.MAIL_FILTER:
        errors["module"] = _("SpamExperts is for mail filtering products only.")
    if product_type == ProductType.MAIL_FILTER and module == ProvisioningModule.PLESK:
        errors["module"] = _("Mail filtering is requested through SpamExperts, not Plesk.")
    for cycle, (amount, setup_fee) in prices.items():
        if amount < 0 or setup_fee < 0:
            errors[price_field(cycle)] = _("Prices cannot be negative.")
    if errors:
        raise CatalogueInvalid(errors)


def _price_changes(product: Product, prices: ProductPrices) -> dict[str, list[Any]]:
    """Store `prices` as the product's complete price list; return what changed."""
    changes: dict[str, list[Any]] = {}
    existing = {price.billing_cycle: price for price in product.prices.all()}
    for cycle, removed in existing.items():
        if cycle not in prices:
            changes[f"price.{cycle}"] = [str(removed.amount), None]
            if removed.setup_fee:
                changes[f"setup_fee.{cycle}"] = [str(removed.setup_fee), None]
            removed.delete()
    for cycle, (amount, setup_fee) in prices.items():
        price = existing.get(cycle)
        if price is None:
            ProductPrice.objects.create(
                product=product, billing_cycle=cycle, amount=amount, setup_fee=setup_fee
            )
            changes[f"price.{cycle}"] = [None, str(amount)]
            if setup_fee:
                changes[f"setup_fee.{cycle}"] = [None, str(setup_fee)]
            continue
        field_changes = apply_changes(price, {"amount": amount, "setup_fee": setup_fee})
        if field_changes:
            price.save(update_fields=list(field_changes))
            for name, change in field_changes.items():
                label = "price" if name == "amount" else name
                changes[f"{label}.{cycle}"] = change
    return changes


@transaction.atomic
def product_create(*, actor: Actor, values: dict[str, Any], prices: ProductPrices) -> Product:
    """A new product; "accept when paid" follows its module unless `values` says otherwise."""
    _product_check(values, prices)
    values = {"accept_when_paid": module_provisions_automatically(values["module"]), **values}
    product = Product.objects.create(**values)
    changes = _price_changes(product, prices)
    audit_record(
        actor=actor,
        action="product.create",
        obj=product,
        changes={
            **{name: [None, value] for name, value in values.items()},
            **changes,
        },
    )
    return product


@transaction.atomic
def product_update(
    *, actor: Actor, product: Product, values: dict[str, Any], prices: ProductPrices
) -> Product:
    product = Product.objects.select_for_update().get(pk=product.pk)
    _product_check(values, prices)
    changes = apply_changes(product, values)
    if changes:
        product.save()
    changes.update(_price_changes(product, prices))
    if changes:
        audit_record(actor=actor, action="product.update", obj=product, changes=changes)
    return product


@transaction.atomic
def product_group_create(*, actor: Actor, values: dict[str, Any]) -> ProductGroup:
    group = ProductGroup.objects.create(**values)
    audit_record(
        actor=actor,
        action="product_group.create",
        obj=group,
        changes={name: [None, value] for name, value in values.items()},
    )
    return group


@transaction.atomic
def product_group_update(
    *, actor: Actor, group: ProductGroup, values: dict[str, Any]
) -> ProductGroup:
    group = ProductGroup.objects.select_for_update().get(pk=group.pk)
    changes = apply_changes(group, values)
    if changes:
        group.save()
        audit_record(actor=actor, action="product_group.update", obj=group, changes=changes)
    return group


# -- TLDs ------------------------------------------------------------------------------------


def tld_price_field(action: str, years: int) -> str:
    return f"{action}_{years}"


def _tld_check(values: dict[str, Any], prices: TldPrices) -> None:
    errors: dict[str, str] = {}
    low, high = values["min_years"], values["max_years"]
    if low < 1:
        errors["min_years"] = _("A domain is registered for at least one year.")
    if high < low:
        errors["max_years"] = _("The maximum cannot be below the minimum (%(min)s).") % {"min": low}
    for (action, years), amount in prices.items():
        if not low <= years <= high:
            errors[tld_price_field(action, years)] = _(
                "%(years)s years is outside %(min)s to %(max)s years: remove this price or widen "
                "the range."
            ) % {"years": years, "min": low, "max": high}
        elif amount < 0:
            errors[tld_price_field(action, years)] = _("Prices cannot be negative.")
    if values.get("active") and (DomainAction.REGISTER, low) not in prices and not errors:
        errors[tld_price_field(DomainAction.REGISTER, low)] = _(
            "A TLD for sale needs a registration price for %(years)s year(s)."
        ) % {"years": low}
    if errors:
        raise CatalogueInvalid(errors)


def _tld_price_changes(tld: Tld, prices: TldPrices) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    existing = {(price.action, price.years): price for price in tld.prices.all()}
    for key, removed in existing.items():
        if key not in prices:
            changes[f"price.{key[0]}.{key[1]}"] = [str(removed.amount), None]
            removed.delete()
    for key, amount in prices.items():
        price = existing.get(key)
        if price is None:
            TldPrice.objects.create(tld=tld, action=key[0], years=key[1], amount=amount)
            changes[f"price.{key[0]}.{key[1]}"] = [None, str(amount)]
        elif price.amount != amount:
            changes[f"price.{key[0]}.{key[1]}"] = [str(price.amount), str(amount)]
            price.amount = amount
            price.save(update_fields=["amount"])
    return changes


@transaction.atomic
def tld_create(*, actor: Actor, values: dict[str, Any], prices: TldPrices) -> Tld:
    _tld_check(values, prices)
    if Tld.objects.filter(name=values["name"]).exists():
        raise CatalogueInvalid({"name": _("There is a TLD .%(name)s already.") % values})
    tld = Tld.objects.create(**values)
    changes = _tld_price_changes(tld, prices)
    audit_record(
        actor=actor,
        action="tld.create",
        obj=tld,
        changes={**{name: [None, value] for name, value in values.items()}, **changes},
    )
    return tld


@transaction.atomic
def tld_update(*, actor: Actor, tld: Tld, values: dict[str, Any], prices: TldPrices) -> Tld:
    tld = Tld.objects.select_for_update().get(pk=tld.pk)
    _tld_check(values, prices)
    if "name" in values and Tld.objects.filter(name=values["name"]).exclude(pk=tld.pk).exists():
        raise CatalogueInvalid({"name": _("There is a TLD .%(name)s already.") % values})
    changes = apply_changes(tld, values)
    if changes:
        tld.save()
    changes.update(_tld_price_changes(tld, prices))
    if changes:
        audit_record(actor=actor, action="tld.update", obj=tld, changes=changes)
    return tld
