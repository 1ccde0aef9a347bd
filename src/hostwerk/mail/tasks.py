"""Background work on mail: move filter requests on, and re-check every mailbox's spam filter.

Both are idempotent and safe to overlap: each filter is worked on under a lease, each mailbox
check only records what Plesk answers.
"""

from __future__ import annotations

from django_tasks import task

from hostwerk.core.audit import Actor


@task()
def progress_mail_filters() -> dict[str, int]:
    from hostwerk.mail.filtering import mail_filters_progress

    return mail_filters_progress(actor=Actor.system())


@task()
def check_spam_filters() -> dict[str, int]:
    from hostwerk.mail.actions import mailboxes_spam_filter_check_all

    return mailboxes_spam_filter_check_all(actor=Actor.system())


@task()
def fix_spam_filter_of_bulk_run(item_id: int) -> str:
    """One mailbox of a bulk "switch spam filter on"; the outcome is kept on the run's item."""
    from hostwerk.core.bulk import bulk_item_for_job
    from hostwerk.mail.bulk import mailbox_spam_filter_fix_bulk_item

    item = bulk_item_for_job(item_id)
    if item is None:
        return "gone"
    return mailbox_spam_filter_fix_bulk_item(item=item).status
