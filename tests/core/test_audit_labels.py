"""Audit actions read as words in the reader's language; changes show labels, not stored codes."""

import ast
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from hostwerk.accounts.models import LoginLinkPurpose
from hostwerk.billing.models import PaymentKind
from hostwerk.clients.actions import client_update
from hostwerk.core.audit import Actor
from hostwerk.core.audit_labels import ACTION_LABELS, audit_action_label, audit_value_label
from hostwerk.dns.models import ZoneChangeAction
from hostwerk.orders.models import OrderItem

SOURCE = Path(__file__).resolve().parents[2] / "src" / "hostwerk"


def _literal_actions():
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name not in ("audit_record", "audit_build"):
                continue
            for keyword in node.keywords:
                if keyword.arg != "action":
                    continue
                # Plain codes and both sides of `a if x else b`; f-strings are covered below.
                values = (
                    [keyword.value.body, keyword.value.orelse]
                    if isinstance(keyword.value, ast.IfExp)
                    else [keyword.value]
                )
                for value in values:
                    if isinstance(value, ast.Constant) and "." in str(value.value):
                        yield value.value


# Codes built at run time: f"dns.{ZoneChangeAction}", f"invoice.{PaymentKind}",
# f"user.{LoginLinkPurpose}_send", f"mail_filter.{step}_failed".
BUILT = (
    [f"dns.{action}" for action in ZoneChangeAction.values]
    + [f"invoice.{kind}" for kind in PaymentKind.values]
    + [f"user.{purpose}_send" for purpose in LoginLinkPurpose.values]
    + [f"mail_filter.{step}_failed" for step in ("switch", "check", "cancel")]
)


def test_every_action_code_in_the_source_has_a_label():
    missing = sorted({*_literal_actions(), *BUILT} - set(ACTION_LABELS))
    assert not missing, f"audit actions without a label in core/audit_labels.py: {missing}"


def test_labels_follow_the_language_with_fallbacks():
    with translation.override("nl"):
        assert audit_action_label("invoice.create") == _("Invoice created")
        assert audit_action_label("domain.renew_failed") == _("%(action)s: failed") % {
            "action": _("Domain renewed")
        }
        assert (
            audit_action_label("invoice.something_new") == f"{_('Invoice')}: invoice.something_new"
        )
    with translation.override("en"):
        assert audit_action_label("order.place") == "Order placed"
        assert audit_action_label("service.suspend_failed") == "Service suspended: failed"


@pytest.mark.django_db
def test_the_trail_shows_labels_and_choice_labels(staff_web, client_a, staff_user):
    staff_user.language = "nl"
    staff_user.save()
    client_update(actor=Actor.for_user(staff_user), client=client_a, values={"status": "inactive"})
    page = staff_web.get(reverse("staff:client_detail", args=[client_a.pk])).content.decode()
    with translation.override("nl"):
        assert _("Client details changed") in page
        assert f'<del class="text-danger">{_("active")}</del>' in page
        assert _("inactive") in page
    assert "client.update" not in page.replace('title="client.update"', "")


def test_a_failed_action_reads_failed_in_the_staff_members_language():
    from hostwerk.core.audit_labels import audit_action_label

    with translation.override("nl"):
        assert audit_action_label("domain.register_failed") == "Domein geregistreerd: mislukt"
    with translation.override("en"):
        assert audit_action_label("domain.register_failed") == "Domain registered: failed"


def test_a_changed_moment_is_shown_on_the_local_clock():
    """Changes store moments in UTC ("...T08:37:57+00:00"); the trail shows them as every other
    time on the page is shown, in HOSTWERK_TIME_ZONE (Amsterdam: 09:37 in winter, 10:37 in
    summer), not as the UTC hour."""
    with translation.override("en"):
        assert audit_value_label("2026-12-07T08:37:57.600000+00:00") == "7 Dec 2026 09:37"
        assert audit_value_label("2026-07-07T08:37:57+00:00") == "7 Jul 2026 10:37"
        assert audit_value_label("2026-12-07") == "7 Dec 2026"


def test_a_changed_amount_is_shown_as_money_in_the_readers_language():
    """A staff price change stores "7.50"; a Dutch reader sees "€\u00a07,50", as elsewhere on the page."""
    price = OrderItem._meta.get_field("price")
    with translation.override("nl"):
        assert audit_value_label("7.50", price) == "€\u00a07,50"
        assert audit_value_label("1234.5", price) == "€\u00a01.234,50"
    with translation.override("en"):
        assert audit_value_label("7.50", price) == "€\u00a07.50"
    # Not a number after all (a hand-written value): shown as it is stored.
    assert audit_value_label("n/a", price) == "n/a"


def test_an_online_payment_status_on_the_invoice_reads_as_the_payments_status():
    """The invoice's trail records the Mollie payment's status; it showed as the raw key
    "Online_payment_status" with Mollie's English codes ("open → paid")."""
    from types import SimpleNamespace

    from hostwerk.core.audit_labels import audit_changes

    event = SimpleNamespace(
        object_type="billing.invoice", changes={"online_payment_status": ["open", "paid"]}
    )
    with translation.override("nl"):
        assert audit_changes(event) == [("status", "wacht op de klant", "betaald")]


def test_who_acted_reads_in_the_readers_language():
    """Stored actor labels ("system (command)", "… as client 10042") showed in English in the
    zone history, the billing runs and payments."""
    from hostwerk.core.audit_labels import actor_text

    with translation.override("nl"):
        assert actor_text("system (command)", "system") == "Hostwerk (automatisch)"
        assert actor_text("system (cron)") == "Hostwerk (automatisch)"
        assert (
            actor_text("piet@provider.test as client 10042", "staff_as_client")
            == "piet@provider.test als klant 10042"
        )
        assert actor_text("anna@aalbers.nl", "client") == "anna@aalbers.nl"


def test_a_change_that_reads_the_same_is_left_out():
    """An expiry stored a few seconds later read "7-12-2027 12:47 → 7-12-2027 12:47"."""
    from types import SimpleNamespace

    from hostwerk.core.audit_labels import audit_changes

    event = SimpleNamespace(
        object_type="domains.domain",
        changes={
            "expires_at": ["2027-12-07T11:47:02+00:00", "2027-12-07T11:47:07+00:00"],
            "status": ["pending", "active"],
        },
    )
    with translation.override("en"):
        assert [row[0] for row in audit_changes(event)] == ["status"]
