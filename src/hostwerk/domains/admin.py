from django.contrib import admin

from hostwerk.domains.models import Domain, EppLogEntry, Registrar, RegistrarContact


@admin.register(Registrar)
class RegistrarAdmin(admin.ModelAdmin):
    list_display = ["name", "adapter", "host", "port", "active"]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["name", "client", "registrar", "status", "expires_at"]
    list_filter = ["status", "registrar"]
    search_fields = ["name", "client__company", "client__last_name"]
    raw_id_fields = ["client", "order_item"]
    # Status and registry data change through the domain actions (audited), not by hand here.
    readonly_fields = [
        "status",
        "roid",
        "registered_at",
        "expires_at",
        "last_synced_at",
        "expiry_reminders",
        "created_at",
        "updated_at",
    ]
    exclude = ["auth_code"]


@admin.register(RegistrarContact)
class RegistrarContactAdmin(admin.ModelAdmin):
    list_display = ["handle", "client", "registrar", "updated_at"]
    raw_id_fields = ["client"]
    readonly_fields = ["fingerprint", "created_at", "updated_at"]


@admin.register(EppLogEntry)
class EppLogEntryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "registrar",
        "command",
        "object_name",
        "result_code",
        "duration_ms",
    ]
    list_filter = ["registrar", "command"]
    search_fields = ["object_name", "client_transaction_id", "server_transaction_id"]
    raw_id_fields = ["domain"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a log is not edited
