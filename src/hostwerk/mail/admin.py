"""Django admin for mail: reading and emergency fixes; staff work on the staff mail page."""

from django.contrib import admin

from hostwerk.mail.models import Mailbox, MailFilter, MailFilterProvider


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    list_display = ["address", "service", "status", "spam_filter", "spam_filter_checked_at"]
    list_filter = ["status", "spam_filter"]
    search_fields = ["address"]
    raw_id_fields = ["service"]
    readonly_fields = ["remote_id", "created_at", "updated_at"]


@admin.register(MailFilterProvider)
class MailFilterProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "mode", "api_url", "request_email", "active"]
    list_filter = ["mode", "active"]
    filter_horizontal = ["products"]
    exclude = ["password"]  # edited on the staff mail page, which never shows it


@admin.register(MailFilter)
class MailFilterAdmin(admin.ModelAdmin):
    list_display = ["domain", "client", "provider", "status", "requested_at", "activated_at"]
    list_filter = ["status", "provider", "request_channel"]
    search_fields = ["domain"]
    raw_id_fields = ["client", "order_item", "confirmed_by"]
    readonly_fields = [
        "request_text",
        "removal_text",
        "applied_mx",
        "original_mx",
        "working_since",
        "created_at",
        "updated_at",
    ]
