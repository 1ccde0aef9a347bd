"""Suspension for non-payment, read back from the Plesk simulator; and payment lifting it."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings

from hostwerk.billing.models import Invoice
from hostwerk.core import clock
from hostwerk.core.audit import Actor
from hostwerk.integrations.plesk import PleskClient
from hostwerk.notifications.models import OutgoingEmail
from hostwerk.orders.acceptance import order_accept
from hostwerk.orders.actions import order_place
from hostwerk.orders.items import ItemRequest
from hostwerk.provisioning.actions import service_suspend
from hostwerk.provisioning.models import Service
from tests.billing.test_lifecycle import pay, renewal_invoice, run
from tests.support.tasks import run_queued_tasks

D = datetime.date


@pytest.fixture
def hosted(staff_user, client_a, catalogue, plesk_servers) -> Service:
    """anna.nl on plesk1, monthly, next due on 10 March 2027."""
    order = order_place(
        actor=Actor.for_user(staff_user),
        client=client_a,
        channel="staff",
        items=[
            ItemRequest(
                product_id=catalogue["hosting"].pk,
                domain="anna.nl",
                domain_choice="external",
                billing_cycle="monthly",
            )
        ],
        generate_invoice=False,
        send_confirmation=False,
        send_invoice_email=False,
    )
    order_accept(actor=Actor.for_user(staff_user), order=order)
    service = Service.objects.get(order_item__order=order)
    Service.objects.filter(pk=service.pk).update(
        next_due_date=D(2027, 3, 10), billing_anchor_day=10
    )
    run_queued_tasks()
    service.refresh_from_db()
    return service


def active_on_plesk(plesk_servers, domain="anna.nl") -> bool | None:
    with PleskClient(
        plesk_servers.sandboxes["plesk1"].url, login="admin", password="sandbox"
    ) as plesk:
        webspace = plesk.webspace_get(name=domain)
    return None if webspace is None else webspace.is_active


@pytest.mark.django_db
def test_overdue_service_is_suspended_on_plesk_and_payment_unsuspends_it(hosted, plesk_servers):
    """Bug class: a service stayed suspended after its invoice was paid."""
    run(D(2027, 3, 1))
    invoice = renewal_invoice(hosted)
    assert run(D(2027, 3, 23))["suspended"] == 0  # 13 days overdue
    assert active_on_plesk(plesk_servers) is True
    summary = run(D(2027, 3, 24))  # 14 days overdue
    assert summary["suspended"] == 1, summary
    hosted.refresh_from_db()
    assert (hosted.status, hosted.suspend_reason) == ("suspended", "overdue")
    assert active_on_plesk(plesk_servers) is False
    assert OutgoingEmail.objects.filter(template="service_suspended").count() == 1
    assert run(D(2027, 3, 25))["suspended"] == 0  # suspended once

    pay(invoice, D(2027, 3, 26))
    with clock.frozen_at(D(2027, 3, 26)):
        run_queued_tasks()
    hosted.refresh_from_db()
    assert (hosted.status, hosted.suspend_reason) == ("active", "")
    assert active_on_plesk(plesk_servers) is True
    assert hosted.next_due_date == D(2027, 4, 10)


@pytest.mark.django_db
def test_paid_service_is_never_suspended(hosted, plesk_servers):
    """Bug class: a paid service was suspended because its due date was never moved."""
    run(D(2027, 3, 1))
    pay(renewal_invoice(hosted), D(2027, 3, 2))
    for day in (D(2027, 3, 24), D(2027, 4, 1), D(2027, 4, 9)):
        assert run(day)["suspended"] == 0
    hosted.refresh_from_db()
    assert hosted.status == "active"
    assert active_on_plesk(plesk_servers) is True


@pytest.mark.django_db
def test_a_service_without_an_invoice_is_never_suspended(hosted, plesk_servers):
    """Bug class: a service was suspended for a due date although no invoice was ever made."""
    Service.objects.filter(pk=hosted.pk).update(next_due_date=D(2027, 1, 1))
    # Long past its due date, but never invoiced: the run invoices it, due today; no suspension.
    summary = run(D(2027, 3, 1))
    assert (summary["invoices_created"], summary["suspended"]) == (1, 0)
    assert Invoice.objects.get().due_on == D(2027, 3, 1)
    assert active_on_plesk(plesk_servers) is True
    assert run(D(2027, 3, 15))["suspended"] == 1


@pytest.mark.django_db
def test_payment_does_not_lift_a_suspension_staff_made(hosted, plesk_servers, staff_user):
    run(D(2027, 3, 1))
    service_suspend(actor=Actor.for_user(staff_user), service=hosted)
    pay(renewal_invoice(hosted), D(2027, 3, 5))
    with clock.frozen_at(D(2027, 3, 5)):
        run_queued_tasks()
    run(D(2027, 3, 6))
    hosted.refresh_from_db()
    assert (hosted.status, hosted.suspend_reason) == ("suspended", "staff")
    assert active_on_plesk(plesk_servers) is False


@pytest.mark.django_db
def test_do_not_suspend_until_holds_the_suspension_back(hosted, plesk_servers):
    Service.objects.filter(pk=hosted.pk).update(no_suspend_until=D(2027, 4, 1))
    run(D(2027, 3, 1))
    assert run(D(2027, 3, 30))["suspended"] == 0
    assert run(D(2027, 4, 1))["suspended"] == 0
    assert run(D(2027, 4, 2))["suspended"] == 1
    assert active_on_plesk(plesk_servers) is False


@pytest.mark.django_db
def test_termination_is_off_by_default(hosted, plesk_servers):
    run(D(2027, 3, 1))
    assert run(D(2027, 9, 1))["terminated"] == 0
    assert active_on_plesk(plesk_servers) is False  # suspended, not removed


@override_settings(HOSTWERK_TERMINATE_DAYS_OVERDUE=60)
@pytest.mark.django_db
def test_long_overdue_service_is_terminated_on_plesk(hosted, plesk_servers):
    run(D(2027, 3, 1))
    run(D(2027, 3, 24))
    assert run(D(2027, 5, 8))["terminated"] == 0  # 59 days
    assert run(D(2027, 5, 9))["terminated"] == 1
    hosted.refresh_from_db()
    assert hosted.status == "terminated"
    assert active_on_plesk(plesk_servers) is None
    assert OutgoingEmail.objects.filter(template="service_terminated").count() == 1
