from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from hostwerk.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "client", "language", "is_active"]
    list_filter = ["is_staff", "is_active", "language"]
    search_fields = ["email", "name"]
    raw_id_fields = ["client"]
    fieldsets = [
        (None, {"fields": ["email", "password", "name", "language", "client"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "password1", "password2", "is_staff", "client"],
            },
        )
    ]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "token_hash", "created_at", "last_used_at"]
    raw_id_fields = ["user"]
