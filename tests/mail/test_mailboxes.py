"""R9 against the Plesk simulator, read back through its own XML API: every mailbox Hostwerk
creates has spam filtering on; one whose filter Plesk refused or silently dropped is marked
"filter off" and fixed with one click; the periodic check reports drift."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from hostwerk.core.models import AuditEvent
from hostwerk.core.scheduling import cron_run
from hostwerk.mail.actions import (
    MailboxFailed,
    MailboxInvalid,
    mailbox_create,
    mailbox_delete,
    mailbox_password_change,
    mailbox_quota_set,
    mailbox_spam_filter_fix,
)
from hostwerk.mail.models import Mailbox, MailboxStatus, SpamFilterState
from tests.mail.conftest import make_hosting_service
from tests.support.tasks import run_queued_tasks

PASSWORD = "Zomer-Fiets-2025!"

pytestmark = pytest.mark.django_db


def create(actor, service, local_part="info", password=PASSWORD, **extra) -> Mailbox:
    return mailbox_create(
        actor=actor, service=service, local_part=local_part, password=password, **extra
    )


def site_id(service) -> int:
    return int(service.remote_service_id)


def test_r9_a_new_mailbox_has_its_spam_filter_on_as_plesk_reports_it(
    client_a_actor, hosting_service, plesk1
):
    mailbox = create(client_a_actor, hosting_service, quota_mb=2048)

    assert mailbox.address == "info@anna.nl"
    assert mailbox.status == MailboxStatus.ACTIVE
    assert mailbox.spam_filter == SpamFilterState.ON
    assert mailbox.spam_filter_checked_at is not None
    # Read back through the simulator's XML API, the way staff would check in Plesk.
    remote = plesk1.mail_get(site_id=site_id(hosting_service), name="info")
    assert remote is not None and str(remote.id) == mailbox.remote_id
    assert remote.quota_bytes == 2048 * 1024 * 1024
    assert plesk1.spamfilter_get(mailbox="info@anna.nl") is True


def test_r9_every_mailbox_created_through_hostwerk_is_filtered(
    client_a_actor, staff_actor, hosting_service, plesk1
):
    for name in ("info", "jan", "facturen", "support"):
        create(client_a_actor if name != "support" else staff_actor, hosting_service, name)
    names = [box.name for box in plesk1.mail_list(site_id=site_id(hosting_service))]
    assert sorted(names) == ["facturen", "info", "jan", "support"]
    assert all(plesk1.spamfilter_get(mailbox=f"{name}@anna.nl") for name in names)
    assert set(Mailbox.objects.values_list("spam_filter", flat=True)) == {SpamFilterState.ON}


def test_the_password_goes_to_plesk_and_nowhere_else(
    client_a_actor, hosting_service, plesk_servers
):
    mailbox = create(client_a_actor, hosting_service)
    assert plesk_servers.state("plesk1").find_mailbox("info@anna.nl").password == PASSWORD
    assert "password" not in {field.name for field in Mailbox._meta.fields}
    events = AuditEvent.objects.filter(object_type="mail.mailbox", object_id=str(mailbox.pk))
    assert [event.action for event in events.order_by("id")] == [
        "mailbox.create",
        "mailbox.spam_filter",
    ]
    assert PASSWORD not in json.dumps([event.data for event in events])


def test_r9_a_filter_plesk_refuses_is_marked_off_and_one_click_fixes_it(
    client_a_actor, staff_actor, hosting_service, plesk_servers, plesk1
):
    plesk_servers.fail_next("plesk1", "spamfilter.set", code=1006, text="Permission denied.")

    mailbox = create(client_a_actor, hosting_service)

    assert mailbox.status == MailboxStatus.ACTIVE  # the mailbox itself exists
    assert mailbox.spam_filter == SpamFilterState.OFF
    assert "Permission denied" in mailbox.spam_filter_problem
    assert plesk1.spamfilter_get(mailbox="info@anna.nl") is False
    event = AuditEvent.objects.get(action="mailbox.spam_filter", object_id=str(mailbox.pk))
    assert event.data["spam_filter"] == "off"

    fixed = mailbox_spam_filter_fix(actor=staff_actor, mailbox=mailbox)

    assert fixed.spam_filter == SpamFilterState.ON
    assert fixed.spam_filter_problem == ""
    assert plesk1.spamfilter_get(mailbox="info@anna.nl") is True
    fix = AuditEvent.objects.get(action="mailbox.spam_filter_fix")
    assert fix.changes == {"spam_filter": ["off", "on"]}
    assert fix.actor_label == "sanne@provider.test"


def test_r9_a_filter_plesk_accepts_but_silently_drops_is_caught_by_the_read_back(
    client_a_actor, staff_actor, hosting_service, plesk_servers, plesk1
):
    plesk_servers.fail_next("plesk1", "spamfilter.set", mode="ignore")

    mailbox = create(client_a_actor, hosting_service)

    assert mailbox.spam_filter == SpamFilterState.OFF
    assert "reading it back shows it off" in mailbox.spam_filter_problem
    assert plesk1.spamfilter_get(mailbox="info@anna.nl") is False

    assert mailbox_spam_filter_fix(actor=staff_actor, mailbox=mailbox).spam_filter == "on"
    assert plesk1.spamfilter_get(mailbox="info@anna.nl") is True


def test_r9_an_unreadable_filter_is_unknown_not_on(client_a_actor, hosting_service, plesk_servers):
    plesk_servers.fail_next(
        "plesk1", "spamfilter.get", code=1026, text="SpamAssassin is not installed."
    )
    mailbox = create(client_a_actor, hosting_service)
    assert mailbox.spam_filter == SpamFilterState.UNKNOWN
    assert "SpamAssassin is not installed" in mailbox.spam_filter_problem
    assert mailbox.filter_needs_attention


def test_r9_the_check_reports_a_filter_switched_off_in_plesk(
    client_a_actor, hosting_service, plesk1, staff_web
):
    on = create(client_a_actor, hosting_service, "info")
    create(client_a_actor, hosting_service, "jan")
    # Someone switches it off in Plesk itself.
    plesk1.spamfilter_set(mailbox="info@anna.nl", enabled=False)

    assert "mail.check_spam_filters" in cron_run(force=True)
    run_queued_tasks()

    on.refresh_from_db()
    assert on.spam_filter == SpamFilterState.OFF
    assert "Found switched off on the server" in on.spam_filter_problem
    drift = AuditEvent.objects.get(action="mailbox.spam_filter_drift")
    assert drift.changes == {"spam_filter": ["on", "off"]}
    assert drift.actor_kind == "system"
    assert Mailbox.objects.get(local_part="jan").spam_filter == SpamFilterState.ON
    # Staff see it on the mail page, with the fix button.
    page = staff_web.get("/staff/mail/mailboxes/", {"spam_filter": "attention"}).content.decode()
    assert "info@anna.nl" in page and "jan@anna.nl" not in page
    assert f"/staff/mail/mailboxes/{on.pk}/fix/" in page

    # A second check with nothing new adds no audit noise.
    cron_run(force=True)
    run_queued_tasks()
    assert AuditEvent.objects.filter(action="mailbox.spam_filter_drift").count() == 1


def test_the_check_marks_a_mailbox_gone_from_plesk_as_missing(
    client_a_actor, hosting_service, plesk1
):
    mailbox = create(client_a_actor, hosting_service)
    plesk1.mail_remove(site_id=site_id(hosting_service), name="info")
    cron_run(force=True)
    run_queued_tasks()
    mailbox.refresh_from_db()
    assert mailbox.status == MailboxStatus.MISSING
    assert mailbox.spam_filter == SpamFilterState.UNKNOWN


def test_a_weak_password_is_refused_and_nothing_is_created(client_a_actor, hosting_service, plesk1):
    with pytest.raises(MailboxInvalid) as refused:
        create(client_a_actor, hosting_service, "info", password="info1234")
    messages = refused.value.errors["password"]
    assert any("too short" in message for message in messages)
    assert any("must not contain the mailbox address" in message for message in messages)
    with translation.override("nl"), pytest.raises(MailboxInvalid) as refused:
        create(client_a_actor, hosting_service, "info", password="info1234")
    # Every reason in the reader's language (the length one was Django's English).
    assert any("te kort" in message for message in refused.value.errors["password"])
    assert not any("password" in message for message in refused.value.errors["password"])
    assert Mailbox.objects.count() == 0
    assert plesk1.mail_list(site_id=site_id(hosting_service)) == []

    with pytest.raises(MailboxInvalid) as common:
        create(client_a_actor, hosting_service, "jan", password="password123")
    assert any("too common" in message for message in common.value.errors["password"])


def test_a_bad_name_and_a_taken_name_are_refused_beside_their_field(
    client_a_actor, hosting_service
):
    with pytest.raises(MailboxInvalid) as bad:
        create(client_a_actor, hosting_service, "-info")
    assert list(bad.value.errors) == ["local_part"]
    create(client_a_actor, hosting_service, "info")
    with pytest.raises(MailboxInvalid) as taken:
        create(client_a_actor, hosting_service, "INFO")
    assert "already exists" in taken.value.errors["local_part"][0]


def test_a_mailbox_made_in_plesk_directly_is_not_taken_over(
    client_a_actor, hosting_service, plesk1
):
    plesk1.mail_create(site_id=site_id(hosting_service), name="info", password="Somebody-Else-1")
    with pytest.raises(MailboxInvalid) as refused:
        create(client_a_actor, hosting_service, "info")
    assert "already exists on the mail server" in refused.value.errors["local_part"][0]
    assert Mailbox.objects.count() == 0


def test_a_lost_answer_leaves_the_mailbox_being_created_and_creating_again_finishes_it(
    client_a_actor, hosting_service, plesk_servers, plesk1
):
    plesk_servers.fail_next("plesk1", "mail.create", mode="drop_after_commit")
    with pytest.raises(MailboxFailed) as failed:
        create(client_a_actor, hosting_service, "info")
    assert "Nothing is lost" in failed.value.message
    mailbox = Mailbox.objects.get()
    assert mailbox.status == MailboxStatus.CREATING
    assert plesk1.mail_get(site_id=site_id(hosting_service), name="info") is not None

    finished = create(client_a_actor, hosting_service, "info", password="Nieuw-Wachtwoord-9")

    assert finished.pk == mailbox.pk
    assert finished.status == MailboxStatus.ACTIVE
    assert finished.spam_filter == SpamFilterState.ON
    assert plesk_servers.state("plesk1").find_mailbox("info@anna.nl").password == (
        "Nieuw-Wachtwoord-9"
    )
    assert len(plesk1.mail_list(site_id=site_id(hosting_service))) == 1


def test_password_quota_and_delete_reach_plesk(
    client_a_actor, hosting_service, plesk_servers, plesk1
):
    mailbox = create(client_a_actor, hosting_service)
    mailbox_password_change(actor=client_a_actor, mailbox=mailbox, password="Ander-Wachtwoord-7")
    assert plesk_servers.state("plesk1").find_mailbox("info@anna.nl").password == (
        "Ander-Wachtwoord-7"
    )
    mailbox_quota_set(actor=client_a_actor, mailbox=mailbox, quota_mb=500)
    assert plesk1.mail_get(site_id=site_id(hosting_service), name="info").quota_bytes == (
        500 * 1024 * 1024
    )
    assert Mailbox.objects.get().quota_mb == 500
    mailbox_quota_set(actor=client_a_actor, mailbox=mailbox, quota_mb=None)
    assert plesk1.mail_get(site_id=site_id(hosting_service), name="info").quota_bytes is None

    mailbox_delete(actor=client_a_actor, mailbox=mailbox)
    assert plesk1.mail_get(site_id=site_id(hosting_service), name="info") is None
    assert Mailbox.objects.count() == 0
    assert AuditEvent.objects.filter(
        action="mailbox.delete", client=hosting_service.client
    ).exists()


def test_a_server_that_does_not_answer_changes_nothing(
    client_a_actor, hosting_service, plesk_servers
):
    mailbox = create(client_a_actor, hosting_service)
    plesk_servers.fail_next("plesk1", "mail.update", mode="drop_before")
    with pytest.raises(MailboxFailed):
        mailbox_quota_set(actor=client_a_actor, mailbox=mailbox, quota_mb=100)
    assert Mailbox.objects.get().quota_mb is None
    assert not AuditEvent.objects.filter(action="mailbox.set_quota").exists()


def test_mailboxes_need_an_active_hosting_service_on_plesk(
    client_a_actor, plesk_servers, catalogue, client_a, forwarding
):
    service = make_hosting_service(plesk_servers, catalogue["hosting"], client_a, "anna.nl")
    service.status = "suspended"
    service.save()
    with pytest.raises(MailboxInvalid) as refused:
        create(client_a_actor, service)
    assert "mailboxes need an active one" in refused.value.errors["service"][0]
