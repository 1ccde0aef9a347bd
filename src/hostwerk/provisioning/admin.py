from django.contrib import admin

from hostwerk.provisioning.models import Server, ServerGroup


@admin.register(ServerGroup)
class ServerGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "default_server"]


@admin.register(Server)
class ServerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "group", "hostname", "web_ip", "mail_ip", "capacity", "active"]
    list_filter = ["kind", "active", "group"]
