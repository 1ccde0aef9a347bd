from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DriftConfig(AppConfig):
    name = "hostwerk.drift"
    label = "drift"
    verbose_name = _("Drift")
