from django.contrib import admin

from hostwerk.domains.models import Registrar


@admin.register(Registrar)
class RegistrarAdmin(admin.ModelAdmin):
    list_display = ["name", "adapter", "host", "port", "active"]
