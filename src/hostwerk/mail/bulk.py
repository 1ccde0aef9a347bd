"""Bulk work on mailboxes from the staff mailbox list: switch the spam filter on for many, one
job per mailbox (each one is a Plesk call and a read-back)."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from hostwerk.core.audit import Actor
from hostwerk.core.bulk import BulkTarget, bulk_item_actor, bulk_item_carry_out, bulk_run_start
from hostwerk.core.models import BulkAction, BulkItem, BulkRun
from hostwerk.mail.actions import mailbox_spam_filter_fix
from hostwerk.mail.models import Mailbox, SpamFilterState


@transaction.atomic
def mailboxes_spam_filter_fix_later(
    *, actor: Actor, mailboxes: list[Mailbox], back_url: str = ""
) -> BulkRun:
    from hostwerk.mail.tasks import fix_spam_filter_of_bulk_run

    run, items = bulk_run_start(
        actor=actor,
        action=BulkAction.MAILBOX_SPAM_FILTER_ON,
        targets=[
            BulkTarget(
                object_id=mailbox.pk,
                label=mailbox.address_display,
                url=reverse("staff:mail_mailbox_detail", args=[mailbox.pk]),
            )
            for mailbox in mailboxes
        ],
        back_url=back_url,
    )
    for item in items:
        fix_spam_filter_of_bulk_run.enqueue(item.pk)
    return run


def mailbox_spam_filter_fix_bulk_item(*, item: BulkItem) -> BulkItem:
    def work() -> str:
        mailbox = Mailbox.objects.select_related("service__client", "service__server").get(
            pk=item.object_id
        )
        mailbox = mailbox_spam_filter_fix(actor=bulk_item_actor(item), mailbox=mailbox)
        if mailbox.spam_filter != SpamFilterState.ON:
            return mailbox.spam_filter_problem or _("The spam filter is still not on.")
        return ""

    return bulk_item_carry_out(item=item, work=work)
