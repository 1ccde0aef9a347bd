"""R8 against the SpamExperts simulator and the real PowerDNS (behind a proxy that asks PowerDNS
for the zone's MX records after every change it receives): the MX records stay until the
provider confirms, then switch without a published moment without MX; new registrations switch
at once; cancelling goes back the same safe way; faults leave everything retryable."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from hostwerk.core.audit import Actor
from hostwerk.core.models import AuditEvent
from hostwerk.core.scheduling import scheduled_jobs
from hostwerk.dns.actions import zone_publish_now
from hostwerk.dns.history import snapshot_diff
from hostwerk.dns.models import Record, Zone, ZoneChange
from hostwerk.domains.models import DomainStatus
from hostwerk.mail.filtering import mail_filter_cancel, mail_filter_confirm
from hostwerk.mail.models import MailFilter, MailFilterStatus
from hostwerk.orders.acceptance import order_accept
from hostwerk.orders.actions import order_place
from hostwerk.orders.items import ItemRequest
from hostwerk.orders.models import ItemKind, ItemStatus
from hostwerk.provisioning.zones import zone_create
from tests.dns.factories import ForwardingServerFactory
from tests.domains.factories import DomainFactory
from tests.support.powerdns import dns_answer
from tests.support.spamexperts import arm_fault
from tests.support.tasks import run_queued_tasks

pytestmark = [pytest.mark.django_db, pytest.mark.pdns]

MN_MX1 = ["10 mn-mx1.klant.nl."]
FILTERED = ["10 spamx.klant.nl.", "20 spamx-fallback.klant.nl."]
BOTH = ["10 mn-mx1.klant.nl.", "10 spamx.klant.nl.", "20 spamx-fallback.klant.nl."]


def run_cron_job(name: str) -> None:
    """What `hostwerk cron` does for one job, then the worker."""
    [job] = [job for job in scheduled_jobs() if job.name == name]
    job.enqueue()
    run_queued_tasks()


def progress() -> None:
    run_cron_job("mail.progress_filters")


def mx(powerdns_server, name: str = "klant.nl.") -> list[str]:
    return dns_answer(powerdns_server, name, "MX")[1]


def place(staff_user, client, product, domain="klant.nl", choice="external"):
    return order_place(
        actor=Actor.for_user(staff_user),
        client=client,
        channel="staff",
        items=[ItemRequest(product_id=product.pk, domain=domain, domain_choice=choice)],
        generate_invoice=False,
        send_confirmation=False,
        send_invoice_email=False,
    )


def accept(staff_user, order, overrides=None):
    return order_accept(actor=Actor.for_user(staff_user), order=order, overrides=overrides)


def assert_never_without_mx(watch, zone="klant.nl."):
    states = watch.mx_states(zone)
    assert states, "PowerDNS received no change for the zone"
    assert all(states), f"a published state without MX: {states}"
    return states


@pytest.fixture
def klant_zone(powerdns_watch, staff_user, client_a):
    """klant.nl: client A's active domain, its zone from the default template, live in PowerDNS."""
    ForwardingServerFactory()
    DomainFactory(name="klant.nl", client=client_a)
    zone = zone_create(actor=Actor.for_user(staff_user), domain="klant.nl", client=client_a)
    zone_publish_now(zone=zone)
    return zone


def test_r8_api_mode_keeps_the_mx_until_the_provider_confirms_then_switches_safely(
    staff_user,
    client_a,
    mail_filter,
    api_provider,
    spamexperts_sandbox,
    klant_zone,
    powerdns_server,
    powerdns_watch,
):
    spamexperts_sandbox.state.set_confirm_mode("manual")
    assert mx(powerdns_server) == MN_MX1

    outcome = accept(staff_user, place(staff_user, client_a, mail_filter))

    [item] = outcome.items
    assert item.status == ItemStatus.ACCEPTED
    mail_filter_row = MailFilter.objects.get()
    assert mail_filter_row.status == MailFilterStatus.REQUESTED
    assert mail_filter_row.request_channel == "api"
    assert "/api/domain/add/domain/klant.nl/" in mail_filter_row.request_text
    assert '["mn-mx1.klant.nl:25"]' in mail_filter_row.request_text
    held = spamexperts_sandbox.state.domains["klant.nl"]
    assert held.destinations == [("mn-mx1.klant.nl", 25)]
    assert mx(powerdns_server) == MN_MX1

    # The provider has not finished: the cron check asks, and nothing changes.
    progress()
    mail_filter_row.refresh_from_db()
    assert mail_filter_row.status == MailFilterStatus.REQUESTED
    assert mail_filter_row.last_checked_at is not None
    assert mx(powerdns_server) == MN_MX1
    assert Record.objects.filter(zone=klant_zone, type="MX").count() == 1

    # The provider sets it up; the next check finds it present and switches.
    assert httpx.post(f"{spamexperts_sandbox.url}/_sandbox/confirm/klant.nl").status_code == 200
    progress()

    mail_filter_row.refresh_from_db()
    assert mail_filter_row.status == MailFilterStatus.ACTIVE
    assert mail_filter_row.confirmation == "The provider's API reports the domain present."
    assert mail_filter_row.original_mx == [{"priority": 10, "content": "mn-mx1.klant.nl."}]
    assert mx(powerdns_server) == FILTERED
    assert dns_answer(powerdns_server, "spamx.klant.nl.", "A")[1] == ["192.0.2.53"]
    assert dns_answer(powerdns_server, "spamx-fallback.klant.nl.", "A")[1] == ["192.0.2.54"]
    states = assert_never_without_mx(powerdns_watch)
    # The filter's MX went live next to the old one before the old one went.
    assert states.index(BOTH) < states.index(FILTERED)
    assert all("10 spamx.klant.nl." in state for state in states[states.index(BOTH) :])

    # Each step is in the zone history, with why; the filter's records went in as one change.
    changes = list(ZoneChange.objects.filter(zone=klant_zone).order_by("id"))[1:]
    assert [change.summary for change in changes] == [
        "added spamx 3600 A 192.0.2.53; added spamx-fallback 3600 A 192.0.2.54; "
        "added @ 3600 MX 10 spamx.klant.nl.; added @ 3600 MX 20 spamx-fallback.klant.nl.",
        "removed @ 3600 MX 10 mn-mx1.klant.nl.",
    ]
    assert [line.after_line for line in snapshot_diff(changes[0].before, changes[0].after)] == [
        "@ 3600 MX 10 spamx.klant.nl.",
        "@ 3600 MX 20 spamx-fallback.klant.nl.",
        "spamx 3600 A 192.0.2.53",
        "spamx-fallback 3600 A 192.0.2.54",
    ]
    assert changes[1].version == changes[0].version + 1
    assert changes[0].reason.startswith("mail filtering at SpamExperts confirmed, step 1 of 2")
    assert changes[-1].reason == (
        "mail filtering, step 2 of 2: the filter's MX records are published, so the old MX goes"
    )
    assert {change.actor_kind for change in changes} == {"system"}


def test_r8_email_mode_mails_the_partner_and_waits_for_staff(
    staff_user,
    staff_web,
    client_a,
    mail_filter,
    email_provider,
    klant_zone,
    powerdns_server,
    powerdns_watch,
    smtp_inbox,
):
    accept(staff_user, place(staff_user, client_a, mail_filter))
    mail_filter_row = MailFilter.objects.get()
    assert mail_filter_row.status == MailFilterStatus.REQUESTED
    assert mail_filter_row.request_channel == "email"
    assert mail_filter_row.request_text.startswith("To: spamx@denit.test\nSubject: ")

    run_queued_tasks()  # the worker sends it, and the client's "order ready" e-mail
    partner = [m for m in smtp_inbox.messages if m[0] != [client_a.email]]
    [ready] = [m[1]["Subject"] for m in smtp_inbox.messages if m[0] == [client_a.email]]
    assert ready.startswith(("Your order ", "Uw bestelling ")) and ready.endswith(
        (" is ready", " is klaar")
    )
    [(recipients, message)] = partner
    assert recipients == ["spamx@denit.test"]
    assert message["Subject"] == f"Please add klant.nl to spam filtering (MF-{mail_filter_row.pk})"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "deliver its filtered mail to mn-mx1.klant.nl, port 25" in body
    assert "MX 10 spamx.klant.nl." in body and "MX 20 spamx-fallback.klant.nl." in body
    assert body.replace("\r\n", "\n").strip() in mail_filter_row.request_text

    # Nobody can ask an e-mail partner: the MX records wait for staff.
    progress()
    mail_filter_row.refresh_from_db()
    assert mail_filter_row.status == MailFilterStatus.REQUESTED
    assert mx(powerdns_server) == MN_MX1

    response = staff_web.post(f"/staff/mail/filters/{mail_filter_row.pk}/confirm/")
    assert response.status_code == 302

    mail_filter_row.refresh_from_db()
    assert mail_filter_row.status == MailFilterStatus.ACTIVE
    assert mail_filter_row.confirmed_by == staff_user
    assert mx(powerdns_server) == FILTERED
    assert_never_without_mx(powerdns_watch)
    confirm = AuditEvent.objects.get(action="mail_filter.confirm")
    assert confirm.actor_label == "sanne@provider.test"


def test_r8_a_domain_registered_in_the_same_order_switches_at_once(
    staff_user,
    client_a,
    mail_filter,
    api_provider,
    spamexperts_sandbox,
    tlds,
    powerdns_server,
    powerdns_watch,
):
    ForwardingServerFactory()
    spamexperts_sandbox.state.set_confirm_mode("manual")
    order = place(staff_user, client_a, mail_filter, domain="nieuw.nl", choice="register")
    domain_item = order.items.get(kind=ItemKind.DOMAIN_REGISTER)
    # Registered by hand here, so the test needs no registry; it is still new in this order.
    outcome = accept(staff_user, order, {domain_item.pk: {"register": False}})

    assert {item.status for item in outcome.items} == {ItemStatus.ACCEPTED}
    mail_filter_row = MailFilter.objects.get()
    assert mail_filter_row.new_registration is True
    assert mail_filter_row.status == MailFilterStatus.ACTIVE
    assert mail_filter_row.confirmation.startswith("New registration")
    assert "nieuw.nl" in spamexperts_sandbox.state.domains  # requested all the same
    assert mx(powerdns_server, "nieuw.nl.") == [
        "10 spamx.nieuw.nl.",
        "20 spamx-fallback.nieuw.nl.",
    ]
    assert_never_without_mx(powerdns_watch, "nieuw.nl.")


def test_r8_a_domain_whose_registration_is_not_active_yet_switches_at_once(
    staff_user, client_a, mail_filter, email_provider, powerdns_server, powerdns_watch
):
    ForwardingServerFactory()
    DomainFactory(name="klant.nl", client=client_a, status=DomainStatus.PENDING_REGISTRATION)
    accept(staff_user, place(staff_user, client_a, mail_filter))
    mail_filter_row = MailFilter.objects.get()
    assert mail_filter_row.status == MailFilterStatus.ACTIVE
    assert mx(powerdns_server) == FILTERED
    assert_never_without_mx(powerdns_watch)
    # The client's "order ready" mail says the filter is on, not that it is only requested.
    from hostwerk.notifications.models import OutgoingEmail

    ready = OutgoingEmail.objects.get(template="order_ready")
    assert "Spamfiltering voor klant.nl staat aan: uw e-mail gaat door het filter" in (
        ready.body_text
    )
    assert "aangevraagd" not in ready.body_text


def test_r8_cancelling_restores_mn_mx1_safely_and_removes_the_domain_at_the_provider(
    staff_user,
    client_a,
    mail_filter,
    api_provider,
    spamexperts_sandbox,
    klant_zone,
    powerdns_server,
    powerdns_watch,
):
    accept(staff_user, place(staff_user, client_a, mail_filter))
    progress()  # the simulator confirms at once in its automatic mode
    mail_filter_row = MailFilter.objects.get()
    assert mail_filter_row.status == MailFilterStatus.ACTIVE
    assert mx(powerdns_server) == FILTERED

    removed = mail_filter_cancel(actor=Actor.for_user(staff_user), mail_filter=mail_filter_row)

    assert removed.status == MailFilterStatus.REMOVED
    assert removed.removed_at is not None
    assert mx(powerdns_server) == MN_MX1
    assert dns_answer(powerdns_server, "spamx.klant.nl.", "A") == ("NXDOMAIN", [])
    assert "klant.nl" not in spamexperts_sandbox.state.domains
    states = assert_never_without_mx(powerdns_watch)
    last_filtered = len(states) - 1 - states[::-1].index(FILTERED)
    assert BOTH in states[last_filtered:]
    assert states[-1] == MN_MX1
    reasons = list(
        ZoneChange.objects.filter(zone=klant_zone).order_by("-id").values_list("reason", flat=True)
    )[:4]
    assert all(reason.startswith("mail filtering cancelled, step") for reason in reasons)
    assert AuditEvent.objects.filter(action="mail_filter.remove").exists()


def test_r8_cancelling_by_email_mails_the_partner(
    staff_user,
    client_a,
    mail_filter,
    email_provider,
    klant_zone,
    powerdns_server,
    powerdns_watch,
    smtp_inbox,
):
    accept(staff_user, place(staff_user, client_a, mail_filter))
    mail_filter_row = MailFilter.objects.get()
    mail_filter_confirm(actor=Actor.for_user(staff_user), mail_filter=mail_filter_row)
    mail_filter_cancel(actor=Actor.for_user(staff_user), mail_filter=mail_filter_row)
    run_queued_tasks()
    subjects = [message["Subject"] for _to, message in smtp_inbox.messages]
    assert subjects[-1] == f"Please remove klant.nl from spam filtering (MF-{mail_filter_row.pk})"
    mail_filter_row.refresh_from_db()
    assert "Please remove the domain klant.nl" in mail_filter_row.removal_text
    assert mx(powerdns_server) == MN_MX1
    assert_never_without_mx(powerdns_watch)


def test_r8_a_failed_publish_never_removes_the_old_mx_and_cron_finishes_the_switch(
    staff_user,
    client_a,
    mail_filter,
    api_provider,
    spamexperts_sandbox,
    klant_zone,
    powerdns_server,
    powerdns_watch,
):
    spamexperts_sandbox.state.set_confirm_mode("manual")
    accept(staff_user, place(staff_user, client_a, mail_filter))
    httpx.post(f"{spamexperts_sandbox.url}/_sandbox/confirm/klant.nl")

    powerdns_watch.down = True
    progress()

    mail_filter_row = MailFilter.objects.get()
    assert mail_filter_row.status == MailFilterStatus.CONFIRMED
    assert "PowerDNS" in mail_filter_row.last_error and mail_filter_row.attempts == 1
    # The old MX is still in the zone and still what PowerDNS serves.
    contents = sorted(
        Record.objects.filter(zone=klant_zone, type="MX").values_list("content", flat=True)
    )
    assert contents == ["mn-mx1.klant.nl.", "spamx-fallback.klant.nl.", "spamx.klant.nl."]
    assert mx(powerdns_server) == MN_MX1
    assert AuditEvent.objects.filter(action="mail_filter.switch_failed").count() == 1

    # PowerDNS is back; a later cron run (after the back-off) finishes the switch.
    powerdns_watch.down = False
    progress()
    assert MailFilter.objects.get().status == MailFilterStatus.CONFIRMED  # not due yet
    MailFilter.objects.update(last_error_at=timezone.now() - timedelta(hours=1))
    progress()

    mail_filter_row.refresh_from_db()
    assert mail_filter_row.status == MailFilterStatus.ACTIVE
    assert mail_filter_row.last_error == "" and mail_filter_row.attempts == 0
    assert mx(powerdns_server) == FILTERED
    assert_never_without_mx(powerdns_watch)


def test_r4_the_provider_not_answering_leaves_the_item_to_accept_again(
    staff_user, client_a, mail_filter, api_provider, spamexperts_sandbox, klant_zone
):
    arm_fault(spamexperts_sandbox, operation="domain/add", mode="error", code=503)
    order = place(staff_user, client_a, mail_filter)
    [item] = accept(staff_user, order).items
    assert item.status == ItemStatus.FAILED
    assert "Nothing is lost" in item.error
    assert item.error_field == f"/staff/mail/providers/{api_provider.pk}/"
    assert not MailFilter.objects.exists()
    assert spamexperts_sandbox.state.domains == {}

    [item] = accept(staff_user, order).items
    assert item.status == ItemStatus.ACCEPTED
    assert MailFilter.objects.get().status == MailFilterStatus.REQUESTED


def test_r4_a_request_that_got_through_before_the_answer_was_lost_is_adopted(
    staff_user, client_a, mail_filter, api_provider, spamexperts_sandbox, klant_zone
):
    spamexperts_sandbox.state.set_confirm_mode("manual")
    arm_fault(spamexperts_sandbox, operation="domain/add", mode="drop_after_commit")
    order = place(staff_user, client_a, mail_filter)
    assert accept(staff_user, order).items[0].status == ItemStatus.FAILED
    assert "klant.nl" in spamexperts_sandbox.state.domains

    [item] = accept(staff_user, order).items
    assert item.status == ItemStatus.ACCEPTED
    mail_filter_row = MailFilter.objects.get()
    assert "already had the domain; it was taken over" in mail_filter_row.request_text
    assert len(spamexperts_sandbox.state.domains) == 1


def test_r4_wrong_provider_credentials_say_what_to_fix(
    staff_user, client_a, mail_filter, api_provider, klant_zone
):
    api_provider.password = "wrong"
    api_provider.save()
    [item] = accept(staff_user, place(staff_user, client_a, mail_filter)).items
    assert item.status == ItemStatus.FAILED
    assert "Check the API login and password of provider SpamExperts" in item.error


def test_r8_a_failed_presence_check_is_retried(
    staff_user,
    client_a,
    mail_filter,
    api_provider,
    spamexperts_sandbox,
    klant_zone,
    powerdns_server,
):
    accept(staff_user, place(staff_user, client_a, mail_filter))
    arm_fault(spamexperts_sandbox, operation="domain/exists", mode="error", code=500)
    progress()
    mail_filter_row = MailFilter.objects.get()
    assert mail_filter_row.status == MailFilterStatus.REQUESTED
    assert mail_filter_row.last_error
    assert mx(powerdns_server) == MN_MX1

    MailFilter.objects.update(last_error_at=timezone.now() - timedelta(hours=1))
    progress()
    assert MailFilter.objects.get().status == MailFilterStatus.ACTIVE
    assert mx(powerdns_server) == FILTERED


@pytest.mark.django_db
def test_r8_without_a_zone_here_the_switch_waits_for_one(
    staff_user, client_a, mail_filter, email_provider
):
    ForwardingServerFactory()
    accept(staff_user, place(staff_user, client_a, mail_filter))
    mail_filter_row = mail_filter_confirm(
        actor=Actor.for_user(staff_user), mail_filter=MailFilter.objects.get()
    )
    assert mail_filter_row.status == MailFilterStatus.CONFIRMED
    assert "There is no DNS zone for klant.nl in Hostwerk" in mail_filter_row.last_error

    zone = zone_create(actor=Actor.for_user(staff_user), domain="klant.nl", client=client_a)
    MailFilter.objects.update(last_error_at=timezone.now() - timedelta(hours=1))
    progress()
    assert MailFilter.objects.get().status == MailFilterStatus.ACTIVE
    assert sorted(
        Record.objects.filter(zone=zone, type="MX").values_list("content", flat=True)
    ) == [
        "spamx-fallback.klant.nl.",
        "spamx.klant.nl.",
    ]
    assert Zone.objects.count() == 1


def test_r3_the_plan_requests_filtering_by_default_and_says_what_happens(
    staff_user, client_a, mail_filter, api_provider
):
    from hostwerk.orders.acceptance import order_plan

    [plan] = order_plan(order=place(staff_user, client_a, mail_filter))
    assert plan.request_filtering is True
    assert plan.blocked == ""
    assert "Requested through the API of SpamExperts." in plan.notes
    assert "The MX records switch only after the provider confirms the domain." in plan.notes


def test_a_domain_that_is_already_filtered_blocks_a_second_request(
    staff_user, client_a, mail_filter, email_provider
):
    first = place(staff_user, client_a, mail_filter)
    accept(staff_user, first)
    from hostwerk.orders.acceptance import order_plan

    [plan] = order_plan(order=place(staff_user, client_a, mail_filter))
    assert "already has mail filtering" in plan.blocked


def test_a_refused_provider_call_shows_hostwerks_explanation_beside_the_remote_text(
    staff_user, staff_web, client_a, mail_filter, api_provider, klant_zone, settings
):
    accept(staff_user, place(staff_user, client_a, mail_filter))
    api_provider.password = "wrong"
    api_provider.save()
    progress()
    mail_filter_row = MailFilter.objects.get()
    assert mail_filter_row.last_remote_error["system"] == "spamexperts"
    assert mail_filter_row.last_remote_error["code"] == "INVALID_API_CREDENTIALS"

    settings.LANGUAGE_CODE = "nl"
    staff_user.language = "nl"
    staff_user.save()
    page = staff_web.get(f"/staff/mail/filters/{mail_filter_row.pk}/").content.decode()
    assert "SpamExperts weigerde de API-login of het wachtwoord." in page
    assert "(code INVALID_API_CREDENTIALS)" in page
    assert mail_filter_row.last_remote_error["text"] in page

    api_provider.password = "sandbox"
    api_provider.save()
    MailFilter.objects.update(last_error_at=timezone.now() - timedelta(hours=1))
    progress()
    assert MailFilter.objects.get().last_remote_error == {}
