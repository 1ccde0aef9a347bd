from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DnsConfig(AppConfig):
    name = "hostwerk.dns"
    label = "dns"
    verbose_name = _("DNS")

    def ready(self) -> None:
        from hostwerk.core.workers import worker_stopped
        from hostwerk.dns.publishing import leases_of_stopped_worker_release

        worker_stopped.connect(
            leases_of_stopped_worker_release, dispatch_uid="dns.release_stopped_worker"
        )
