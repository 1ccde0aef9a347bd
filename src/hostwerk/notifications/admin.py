from django.contrib import admin

from hostwerk.notifications.models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "template", "to", "subject", "status", "attempts"]
    list_filter = ["status", "template"]
    search_fields = ["to", "subject"]
    raw_id_fields = ["client"]
