from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "hostwerk.api"
    label = "api"
    verbose_name = "API"
