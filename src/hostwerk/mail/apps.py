from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "hostwerk.mail"
    label = "mail"
    verbose_name = _("Mail")

    def ready(self) -> None:
        checks.register(check_mail_filter_settings, checks.Tags.compatibility)


def check_mail_filter_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A wrong HOSTWERK_MAIL_FILTER_* value would only show when a filter switches; say it at start."""
    from django.conf import settings

    from hostwerk.mail.mx import MxSetInvalid, filter_hosts

    try:
        filter_hosts(
            mx_hosts=settings.HOSTWERK_MAIL_FILTER_MX,
            addresses=settings.HOSTWERK_MAIL_FILTER_ADDRESSES,
        )
    except MxSetInvalid as invalid:
        return [
            checks.Error(
                f"HOSTWERK_MAIL_FILTER_MX / HOSTWERK_MAIL_FILTER_ADDRESSES: {invalid}",
                id="hostwerk.mail.E001",
            )
        ]
    return []
