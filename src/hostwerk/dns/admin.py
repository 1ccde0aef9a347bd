"""Django admin for DNS: reading and emergency fixes; the staff area is where zones are managed."""

from django.contrib import admin

from hostwerk.dns.models import Record, Zone, ZoneChange, ZoneTemplate, ZoneTemplateRecord


class RecordInline(admin.TabularInline):
    model = Record
    extra = 0
    fields = ["name", "type", "ttl", "priority", "content", "template_key", "template_managed"]


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["name", "client", "status", "version", "published_version", "changed_at"]
    list_filter = ["status"]
    search_fields = ["name", "client__company", "client__last_name"]
    raw_id_fields = ["client"]
    readonly_fields = [
        "version",
        "published_version",
        "published_at",
        "last_error",
        "last_error_at",
        "publish_attempts",
        "publishing_since",
        "changed_at",
        "created_at",
    ]
    inlines = [RecordInline]


class ZoneTemplateRecordInline(admin.TabularInline):
    model = ZoneTemplateRecord
    extra = 0
    fields = ["name", "type", "ttl", "priority", "content", "template_key"]


@admin.register(ZoneTemplate)
class ZoneTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "is_default"]
    inlines = [ZoneTemplateRecordInline]


@admin.register(ZoneChange)
class ZoneChangeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "zone_name", "action", "actor_label", "summary"]
    list_filter = ["action", "actor_kind"]
    search_fields = ["zone_name", "summary", "actor_label"]
    readonly_fields = [field.name for field in ZoneChange._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
