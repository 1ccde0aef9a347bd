"""Django admin for billing: VAT rates are maintained here; invoices are read-only records."""

from django.contrib import admin

from hostwerk.billing.models import (
    BillingSetting,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    MolliePayment,
    VatRate,
)


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    raw_id_fields = ["order_item"]
    readonly_fields = [
        "position",
        "order_item",
        "description",
        "period_start",
        "period_end",
        "quantity",
        "unit_price",
        "amount",
        "vat_amount",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "client_name", "client_company", "status", "issued_on", "total"]
    list_filter = ["status", "vat_scheme", "year"]
    search_fields = ["number", "client_name", "client_company"]
    date_hierarchy = "issued_on"
    raw_id_fields = ["client", "order"]
    inlines = [InvoiceLineInline]

    # Issued invoices change only through actions (audited, gapless numbering), never here.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(InvoiceCounter)
class InvoiceCounterAdmin(admin.ModelAdmin):
    list_display = ["year", "last_number"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(VatRate)
class VatRateAdmin(admin.ModelAdmin):
    list_display = ["country", "rate", "valid_from"]
    list_filter = ["country"]
    ordering = ["country", "-valid_from"]


@admin.register(MolliePayment)
class MolliePaymentAdmin(admin.ModelAdmin):
    """Read-only: the status follows Mollie, the money is in the payment ledger."""

    list_display = ["mollie_id", "invoice", "status", "amount", "created_at"]
    list_filter = ["status"]
    search_fields = ["mollie_id", "invoice__number"]
    list_select_related = ["invoice"]
    raw_id_fields = ["invoice"]


@admin.register(BillingSetting)
class BillingSettingAdmin(admin.ModelAdmin):
    # Changed on the staff settings page, where every change is audited.
    list_display = ["name", "value", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
