"""Mail scheduled jobs: filter requests and MX switches that wait, and spam filter drift."""

from datetime import timedelta

from hostwerk.core.scheduling import scheduled


@scheduled(name="mail.progress_filters", every=timedelta(minutes=5))
def enqueue_progress_mail_filters():
    """Ask the provider about requested filters; retry MX switches and cancels that stopped."""
    from hostwerk.mail.tasks import progress_mail_filters

    progress_mail_filters.enqueue()


@scheduled(name="mail.check_spam_filters", every=timedelta(hours=6))
def enqueue_check_spam_filters():
    """Read every mailbox's spam filter from Plesk and report the ones that are not on."""
    from hostwerk.mail.tasks import check_spam_filters

    check_spam_filters.enqueue()
