from django.contrib import admin

from hostwerk.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_label", "action", "object_type", "object_label"]
    list_filter = ["actor_kind", "action"]
    search_fields = ["actor_label", "object_label", "action"]
    raw_id_fields = ["actor", "as_client", "client"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
