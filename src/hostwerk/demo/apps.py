from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "hostwerk.demo"
    label = "demo"
    verbose_name = "Demo"
