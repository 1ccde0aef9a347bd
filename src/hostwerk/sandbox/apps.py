from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "hostwerk.sandbox"
    label = "sandbox"
    verbose_name = "Simulators"
