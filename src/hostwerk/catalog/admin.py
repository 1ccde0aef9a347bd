from django.contrib import admin

from hostwerk.catalog.models import Product, ProductGroup, ProductPrice, Tld, TldPrice


class ProductPriceInline(admin.TabularInline):
    model = ProductPrice
    extra = 0


@admin.register(ProductGroup)
class ProductGroupAdmin(admin.ModelAdmin):
    list_display = ["name_nl", "name_en", "sort_order", "hidden"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "name_nl",
        "group",
        "type",
        "module",
        "default_billing_cycle",
        "hidden",
        "active",
    ]
    list_filter = ["type", "module", "hidden", "active"]
    inlines = [ProductPriceInline]


class TldPriceInline(admin.TabularInline):
    model = TldPrice
    extra = 0


@admin.register(Tld)
class TldAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "registrar",
        "dns_before_registration",
        "min_years",
        "max_years",
        "active",
    ]
    inlines = [TldPriceInline]
