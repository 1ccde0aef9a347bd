"""Bulk "switch spam filter on" from the staff mailbox list: one job per mailbox, each through
the one-click fix against the Plesk simulator, with what Plesk refused reported per mailbox."""

import pytest
from django.urls import reverse

from hostwerk.core.models import AuditEvent, BulkItem
from hostwerk.mail.actions import mailbox_create
from hostwerk.mail.models import Mailbox, SpamFilterState
from tests.mail.factories import MailboxFactory
from tests.support.tasks import queued_task_paths, run_queued_tasks

BULK_MAILBOXES = reverse("staff:bulk_start", args=["mailboxes"])
PASSWORD = "Zeer-geheim-42!"


@pytest.mark.django_db
def test_bulk_switch_on_fixes_each_mailbox_and_reports_what_plesk_refused(
    staff_web, staff_user, client_a_actor, hosting_service, plesk_servers, plesk1
):
    plesk_servers.fail_next(
        "plesk1", "spamfilter.set", code=1006, text="Permission denied.", count=3
    )
    mailboxes = [
        mailbox_create(
            actor=client_a_actor, service=hosting_service, local_part=name, password=PASSWORD
        )
        for name in ("info", "sales", "jan")
    ]
    assert {m.spam_filter for m in mailboxes} == {SpamFilterState.OFF}
    listed = staff_web.get(reverse("staff:mail_mailbox_list")).content.decode()
    assert listed.count('name="selected"') == 3  # only mailboxes whose filter is not on
    plesk_servers.fail_next("plesk1", "spamfilter.set", code=1006, text="Permission denied.")

    response = staff_web.post(
        BULK_MAILBOXES, {"action": "spam_filter_on", "selected": [m.pk for m in mailboxes]}
    )
    assert queued_task_paths().count("hostwerk.mail.tasks.fix_spam_filter_of_bulk_run") == 3
    run_queued_tasks()

    page = staff_web.get(response["Location"]).content.decode()
    assert "Finished: 2 done, 1 failed." in page
    failed = BulkItem.objects.get(status="failed")
    assert "Permission denied" in failed.message
    states = dict(Mailbox.objects.values_list("local_part", "spam_filter"))
    assert sorted(states.values()) == ["off", "on", "on"]
    assert plesk1.spamfilter_get(mailbox="sales@anna.nl") is (states["sales"] == "on")
    fixes = AuditEvent.objects.filter(action="mailbox.spam_filter_fix")
    assert {event.actor_id for event in fixes} == {staff_user.pk}


@pytest.mark.parametrize("rows", [2, 12])
@pytest.mark.django_db
def test_mailbox_list_with_its_action_bar_keeps_its_query_count(
    staff_web, rows, django_assert_num_queries
):
    for _ in range(rows):
        MailboxFactory(spam_filter=SpamFilterState.OFF)
    staff_web.get(reverse("staff:mail_mailbox_list"))
    with django_assert_num_queries(7):
        html = staff_web.get(reverse("staff:mail_mailbox_list")).content.decode()
    assert html.count('name="selected"') == rows
