"""R8, safe confirmation: with the SpamExperts API configured, "confirm" asks the provider first
and switches the MX records only when it reports the domain present; otherwise staff see what it
said and may "mark confirmed anyway" behind a dialog that needs a reason, which is audited."""

from __future__ import annotations

import pytest

from hostwerk.core.audit import Actor
from hostwerk.core.models import AuditEvent
from hostwerk.dns.models import Record
from hostwerk.mail.filtering import (
    ConfirmReasonMissing,
    mail_filter_confirm_anyway,
    mail_filter_confirm_checked,
)
from hostwerk.mail.models import MailFilterStatus, RequestChannel
from hostwerk.provisioning.zones import zone_create
from tests.dns.factories import ForwardingServerFactory
from tests.mail.factories import MailFilterFactory
from tests.support.spamexperts import arm_fault

pytestmark = pytest.mark.django_db

ABSENT = (
    "SpamExperts does not report klant.nl present (domain/exists): it has not set the domain up, "
    "or not yet."
)


@pytest.fixture
def requested(api_provider, spamexperts_sandbox, staff_user, client_a):
    """klant.nl: requested at the SpamExperts simulator, which has not set it up yet; its zone
    (database only) still has MX 10 mn-mx1."""
    ForwardingServerFactory()
    zone_create(actor=Actor.for_user(staff_user), domain="klant.nl", client=client_a)
    spamexperts_sandbox.state.seed(
        domain="klant.nl", destinations=[("mn-mx1.klant.nl", 25)], confirmed=False
    )
    return MailFilterFactory(
        domain="klant.nl",
        client=client_a,
        provider=api_provider,
        request_channel=RequestChannel.API,
    )


def apex_mx():
    return sorted(
        (r.priority, r.content) for r in Record.objects.filter(zone__name="klant.nl", type="MX")
    )


def test_r8_confirm_with_the_api_reporting_absent_does_not_switch_the_mx(requested, staff_user):
    outcome = mail_filter_confirm_checked(actor=Actor.for_user(staff_user), mail_filter=requested)
    assert (outcome.confirmed, outcome.provider_said) == (False, ABSENT)
    requested.refresh_from_db()
    assert requested.status == MailFilterStatus.REQUESTED
    assert (requested.confirmed_at, requested.provider_answer) == (None, ABSENT)
    assert requested.last_checked_at is not None
    assert apex_mx() == [(10, "mn-mx1.klant.nl.")]
    refused = AuditEvent.objects.get(action="mail_filter.confirm_refused")
    assert refused.data == {"provider_said": ABSENT}
    assert not AuditEvent.objects.filter(action="mail_filter.confirm").exists()


def test_r8_confirm_with_the_api_reporting_present_confirms_and_switches(
    requested, staff_user, spamexperts_sandbox
):
    spamexperts_sandbox.state.confirm("klant.nl")
    outcome = mail_filter_confirm_checked(actor=Actor.for_user(staff_user), mail_filter=requested)
    assert outcome.confirmed
    assert outcome.mail_filter.status == MailFilterStatus.ACTIVE
    assert outcome.mail_filter.confirmation == "The provider's API reports the domain present."
    assert apex_mx() == [(10, "spamx.klant.nl."), (20, "spamx-fallback.klant.nl.")]


def test_r8_a_provider_that_cannot_be_asked_confirms_nothing_and_says_why(
    requested, staff_user, spamexperts_sandbox
):
    arm_fault(spamexperts_sandbox, operation="domain/exists", mode="error", code=500, count=3)
    outcome = mail_filter_confirm_checked(actor=Actor.for_user(staff_user), mail_filter=requested)
    assert not outcome.confirmed
    assert outcome.provider_said.startswith("SpamExperts could not be asked about klant.nl: ")
    assert apex_mx() == [(10, "mn-mx1.klant.nl.")]


def test_r8_confirming_anyway_needs_a_reason_and_changes_nothing_without_one(requested, staff_user):
    actor = Actor.for_user(staff_user)
    mail_filter_confirm_checked(actor=actor, mail_filter=requested)
    for reason in ("", "   ", "ok"):
        with pytest.raises(ConfirmReasonMissing):
            mail_filter_confirm_anyway(actor=actor, mail_filter=requested, reason=reason)
    requested.refresh_from_db()
    assert requested.status == MailFilterStatus.REQUESTED
    assert apex_mx() == [(10, "mn-mx1.klant.nl.")]
    assert not AuditEvent.objects.filter(action="mail_filter.confirm_override").exists()


def test_r8_confirming_anyway_with_a_reason_is_audited_and_switches(requested, staff_user):
    actor = Actor.for_user(staff_user)
    mail_filter_confirm_checked(actor=actor, mail_filter=requested)
    done = mail_filter_confirm_anyway(
        actor=actor, mail_filter=requested, reason="  SpamExperts confirmed by phone  "
    )
    assert done.status == MailFilterStatus.ACTIVE
    assert done.confirmation == (
        "Marked confirmed anyway by sanne@provider.test: SpamExperts confirmed by phone"
    )
    event = AuditEvent.objects.get(action="mail_filter.confirm_override")
    assert (event.actor, event.object_id) == (staff_user, str(requested.pk))
    assert event.data["reason"] == "SpamExperts confirmed by phone"
    assert event.data["provider_said"] == ABSENT
    assert apex_mx() == [(10, "spamx.klant.nl."), (20, "spamx-fallback.klant.nl.")]


# The staff page ----------------------------------------------------------------------------------


def test_r8_the_confirm_button_asks_first_and_shows_what_the_provider_said(requested, staff_web):
    page = staff_web.get(f"/staff/mail/filters/{requested.pk}/").content.decode()
    assert "Mark confirmed anyway" not in page  # only once the provider has been asked

    response = staff_web.post(f"/staff/mail/filters/{requested.pk}/confirm/", follow=True)
    html = response.content.decode()
    assert "Not confirmed; the MX records stay as they are." in html
    assert "SpamExperts does not report klant.nl present" in html
    assert 'data-bs-target="#confirm-anyway-dialog"' in html
    assert 'id="provider-answer"' in html
    requested.refresh_from_db()
    assert requested.status == MailFilterStatus.REQUESTED
    assert apex_mx() == [(10, "mn-mx1.klant.nl.")]


def test_r8_confirm_anyway_without_a_reason_reopens_the_dialog_with_the_error(requested, staff_web):
    staff_web.post(f"/staff/mail/filters/{requested.pk}/confirm/")
    response = staff_web.post(
        f"/staff/mail/filters/{requested.pk}/confirm/", {"anyway": "1", "reason": "ok"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Say why the filter is confirmed although the provider does not report" in html
    assert ">\nok</textarea>" in html  # what was typed stays
    assert 'getElementById("confirm-anyway-dialog")).show()' in html
    requested.refresh_from_db()
    assert requested.status == MailFilterStatus.REQUESTED

    done = staff_web.post(
        f"/staff/mail/filters/{requested.pk}/confirm/",
        {"anyway": "1", "reason": "Denit confirmed by phone"},
        follow=True,
    )
    assert "its MX records now point at the filter" in done.content.decode()
    assert AuditEvent.objects.get(action="mail_filter.confirm_override").data["reason"] == (
        "Denit confirmed by phone"
    )


# The API -----------------------------------------------------------------------------------------


def test_r8_api_confirm_is_a_conflict_while_the_provider_reports_absent(requested, staff_api):
    response = staff_api.post("/mail-filters/klant.nl/confirm")
    assert response.status_code == 409
    assert ABSENT in response.json()["detail"]
    assert apex_mx() == [(10, "mn-mx1.klant.nl.")]

    missing = staff_api.post("/mail-filters/klant.nl/confirm", {"anyway": True})
    assert missing.status_code == 422
    [detail] = missing.json()["detail"]
    assert detail["loc"] == ["body", "reason"]

    done = staff_api.post(
        "/mail-filters/klant.nl/confirm", {"anyway": True, "reason": "confirmed by phone"}
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == MailFilterStatus.ACTIVE
    assert AuditEvent.objects.filter(action="mail_filter.confirm_override").count() == 1
