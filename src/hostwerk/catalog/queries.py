"""Reads of the catalogue."""

from __future__ import annotations

from django.db.models import Count, F, QuerySet

from hostwerk.catalog.models import Product, ProductGroup, Tld
from hostwerk.core.models import AuditEvent


def products_for_sale(*, listed_only: bool = False) -> QuerySet[Product]:
    """Products that can be ordered; `listed_only` leaves out hidden ones and hidden groups
    (the client area's catalogue), in catalogue order."""
    products = Product.objects.filter(active=True)
    if listed_only:
        products = products.filter(hidden=False).exclude(group__hidden=True)
    return products.prefetch_related("prices").order_by(
        F("group__sort_order").asc(nulls_last=True), "group_id", "sort_order", "id"
    )


def tlds_for_sale() -> QuerySet[Tld]:
    return Tld.objects.filter(active=True).prefetch_related("prices").order_by("name")


def product_list() -> QuerySet[Product]:
    """Every product, in catalogue order (its group's place, then its own), for staff."""
    return (
        Product.objects.select_related("group", "server_group")
        .prefetch_related("prices")
        .order_by(F("group__sort_order").asc(nulls_last=True), "group_id", "sort_order", "id")
    )


def product_group_list() -> QuerySet[ProductGroup]:
    return ProductGroup.objects.annotate(product_count=Count("products")).order_by(
        "sort_order", "id"
    )


def tld_list() -> QuerySet[Tld]:
    return Tld.objects.select_related("registrar").prefetch_related("prices").order_by("name")


def catalogue_audit_trail(*, obj) -> QuerySet[AuditEvent]:
    """The changes of one catalogue object (product, group, TLD, registrar, server ...)."""
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("-created_at", "-id")
