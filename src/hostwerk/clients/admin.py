from django.contrib import admin

from hostwerk.clients.models import Client


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["number", "company", "first_name", "last_name", "email", "country", "status"]
    list_filter = ["status", "country", "language"]
    search_fields = ["number", "company", "first_name", "last_name", "email"]
    readonly_fields = ["number", "created_at", "updated_at"]
