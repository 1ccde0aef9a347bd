"""Domain scheduled jobs: daily sync with the registries, their message queues, expiry reminders."""

from datetime import timedelta

from hostwerk.core.scheduling import scheduled


@scheduled(name="domains.sync_due", every=timedelta(days=1))
def enqueue_sync_due_domains():
    """Bring status and expiry of domains in line with their registrars."""
    from hostwerk.domains.tasks import sync_due_domains

    sync_due_domains.enqueue()


@scheduled(name="domains.poll_messages", every=timedelta(minutes=15))
def enqueue_process_poll_messages():
    """Read the registries' message queues (transfer results, pending registrations)."""
    from hostwerk.domains.tasks import process_poll_messages

    process_poll_messages.enqueue()


@scheduled(name="domains.expiry_reminders", every=timedelta(days=1))
def enqueue_send_expiry_reminders():
    """E-mail clients 30 and 7 days before a domain expires."""
    from hostwerk.domains.tasks import send_expiry_reminders

    send_expiry_reminders.enqueue()
