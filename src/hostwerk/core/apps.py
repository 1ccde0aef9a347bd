from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hostwerk.core"
    label = "core"
    verbose_name = "Hostwerk"
