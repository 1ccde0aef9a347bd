from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "hostwerk.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from hostwerk.billing.signals import invoice_paid
        from hostwerk.orders.auto_accept import on_invoice_paid

        invoice_paid.connect(on_invoice_paid, dispatch_uid="orders.accept_when_paid")

        from hostwerk.core.workers import worker_stopped
        from hostwerk.orders.handlers import leases_of_stopped_worker_release

        worker_stopped.connect(
            leases_of_stopped_worker_release, dispatch_uid="orders.release_stopped_worker"
        )
