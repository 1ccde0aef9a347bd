"""The WHMCS import of configuration, currencies, tax and products (tblproducts, tblpricing)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from hostwerk.billing.models import VatRate
from hostwerk.catalog.models import Product, ProductPrice, ProductType, ProvisioningModule
from hostwerk.core import clock
from hostwerk.imports.whmcs import mapping as m
from hostwerk.imports.whmcs.base import ImportBase


class CatalogueImport(ImportBase):
    # --- configuration, currencies, tax ----------------------------------------------------

    def import_configuration(self) -> None:
        self.config = self.reader.configuration()
        self.default_language = m.language(self.config.get("Language"), default="nl")
        currencies = self.reader.query("SELECT * FROM tblcurrencies ORDER BY id")
        self.currency_codes = {row["id"]: m.text(row["code"]).upper() for row in currencies}
        for row in currencies:
            if self.currency_codes[row["id"]] == settings.CURRENCY:
                self.house_currency_id = row["id"]
        if self.house_currency_id is None:
            default = next((row for row in currencies if row["default"]), None)
            self.house_currency_id = default["id"] if default else None
            self.report.warnings.append(
                f"WHMCS has no currency {settings.CURRENCY}; prices are taken from its default "
                f"currency {self.currency_codes.get(self.house_currency_id, '?')}"
            )
        for row in currencies:
            if row["id"] != self.house_currency_id:
                self.report.warnings.append(
                    f"currency {self.currency_codes[row['id']]}: its product prices are not "
                    f"imported (Hostwerk sells in {settings.CURRENCY}); its clients' invoices "
                    "keep their currency"
                )
        if self.reader.has_table("tbltax"):
            today = clock.today()
            rates = {}
            for rate in VatRate.objects.filter(valid_from__lte=today).order_by("valid_from"):
                rates[rate.country] = rate.rate
            for row in self.reader.query("SELECT * FROM tbltax ORDER BY id"):
                code = m.text(row["country"]).upper()
                rate = m.money(row["taxrate"])
                if row["level"] != 1:
                    self.report.warnings.append(
                        f"tbltax {row['id']}: a second tax level ({m.text(row['name'])} "
                        f"{rate} %) does not exist in Hostwerk; invoices keep their total tax"
                    )
                elif code and code in rates and rates[code] != rate:
                    self.report.warnings.append(
                        f"tbltax {row['id']}: WHMCS charges {rate} % in {code}, Hostwerk "
                        f"{rates[code]} %; new invoices use Hostwerk's VAT rates"
                    )
        orders = self.reader.count("tblorders")
        if orders:
            self.report.warnings.append(
                f"tblorders: {orders} orders are not imported; their services, domains and "
                "invoices are"
            )

    # --- products ----------------------------------------------------------------------------

    def import_products(self) -> None:
        groups = (
            {
                row["id"]: row
                for row in self.reader.query("SELECT id, name, `order` FROM tblproductgroups")
            }
            if self.reader.has_table("tblproductgroups")
            else {}
        )
        pricing = {
            row["relid"]: row
            for row in self.reader.query(
                "SELECT * FROM tblpricing WHERE type = 'product' AND currency = %s ORDER BY id",
                (self.house_currency_id or 0,),
            )
        }
        for batch in self.reader.batches("tblproducts"):
            rows = []
            prices_by_product: dict[int, list[m.Price]] = {}
            with transaction.atomic():
                for row in batch:
                    prices = m.product_prices(row["paytype"], pricing.get(row["id"]))
                    if not prices:
                        self.report.warnings.append(
                            f"tblproducts {row['id']} ({m.text(row['name'])}): no billing cycle "
                            "is switched on; imported without prices"
                        )
                    prices_by_product[row["id"]] = prices
                    rows.append((row["id"], self._product_values(row, groups, prices)))
                products = self.upsert(
                    table="tblproducts", entity="products", model=Product, rows=rows
                )
                product_ids = [product.pk for product in products.values()]
                ProductPrice.objects.filter(product_id__in=product_ids).delete()
                ProductPrice.objects.bulk_create(
                    [
                        ProductPrice(
                            product_id=products[source_id].pk,
                            billing_cycle=price.cycle,
                            amount=price.amount,
                            setup_fee=price.setup_fee,
                        )
                        for source_id, prices in prices_by_product.items()
                        for price in prices
                    ]
                )

    def _product_values(self, row, groups, prices) -> dict[str, Any]:
        servertype = m.text(row["servertype"]).lower()
        name = m.text(row["name"], limit=150) or f"WHMCS product {row['id']}"
        description = m.text(row["description"])
        module_settings: dict[str, Any] = {}
        if servertype == "plesk":
            kind, module = ProductType.HOSTING, ProvisioningModule.PLESK
            plan = m.text(row["configoption1"])
            if plan:
                module_settings["plan"] = plan
        else:
            kind, module = ProductType.OTHER, ProvisioningModule.NONE
            if servertype:
                self.report.grouped[
                    f"products of WHMCS module {servertype}: imported without a provisioning "
                    "module (staff do the work)"
                ] += 1
        group = groups.get(row["gid"])
        return {
            "name_nl": name,
            "name_en": name,
            "description_nl": description,
            "description_en": description,
            "type": kind,
            "module": module,
            "module_settings": module_settings,
            "default_billing_cycle": m.default_cycle(prices),
            "welcome_email": "welcome_hosting" if kind == ProductType.HOSTING else "",
            "active": not (row["retired"] or row["hidden"]),
            # Hostwerk has no product groups: the group's place orders the catalogue.
            "sort_order": (group["order"] if group else 0) * 1000 + (row["order"] or 0),
        }
