from django.contrib import admin

from hostwerk.catalog.models import Product, ProductPrice, Tld, TldPrice


class ProductPriceInline(admin.TabularInline):
    model = ProductPrice
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name_nl", "type", "module", "default_billing_cycle", "active"]
    list_filter = ["type", "module", "active"]
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
