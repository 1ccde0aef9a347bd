"""Reads of the catalogue."""

from __future__ import annotations

from django.db.models import QuerySet

from hostwerk.catalog.models import Product, Tld


def products_for_sale() -> QuerySet[Product]:
    return (
        Product.objects.filter(active=True).prefetch_related("prices").order_by("sort_order", "id")
    )


def tlds_for_sale() -> QuerySet[Tld]:
    return Tld.objects.filter(active=True).prefetch_related("prices").order_by("name")
