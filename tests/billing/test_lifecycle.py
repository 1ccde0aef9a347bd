"""The billing lifecycle: renewal invoices, payment, reminders, suspension and cancellation.

The tests named after a bug class guard against a mistake other billing platforms made (see the
billing reference): each runs the real billing run on the one clock, for chosen days.
"""

from __future__ import annotations

import datetime
import json
import threading
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import override_settings

from hostwerk.billing.actions import invoice_cancel, invoice_mark_paid
from hostwerk.billing.dunning import reminders_due, reminders_due_count
from hostwerk.billing.lifecycle import cancellation_request
from hostwerk.billing.models import (
    BillingRun,
    DueDateMove,
    Invoice,
    InvoiceLine,
    InvoiceReminder,
    InvoiceStatus,
)
from hostwerk.billing.run import SUMMARY_KEYS, billing_preview, billing_run
from hostwerk.billing.settlement import invoice_settle
from hostwerk.catalog.models import ProvisioningModule
from hostwerk.core import clock
from hostwerk.core.scheduling import scheduled_jobs
from hostwerk.notifications.models import OutgoingEmail
from hostwerk.provisioning.models import Service
from tests.billing.factories import SYSTEM, ensure_vat_rates
from tests.factories import ClientFactory, ProductFactory
from tests.provisioning.factories import ServiceFactory
from tests.support.processes import database_url

D = datetime.date


def run(day: datetime.date) -> dict:
    return billing_run(actor=SYSTEM, day=day)


def pay(invoice: Invoice, day: datetime.date) -> Invoice:
    with clock.frozen_at(day):
        return invoice_mark_paid(actor=SYSTEM, invoice=invoice, paid_on=day)


def due_service(**fields) -> Service:
    values = {
        "next_due_date": D(2027, 3, 1),
        "billing_cycle": "monthly",
        "recurring_amount": "10.00",
    }
    values.update(fields)
    if "product" not in values:
        # A product staff look after by hand: no server to reach in these tests.
        values["product"] = ProductFactory(module=ProvisioningModule.NONE)
    service = ServiceFactory(**values)
    if service.billing_anchor_day is None:
        Service.objects.filter(pk=service.pk).update(billing_anchor_day=service.next_due_date.day)
    service.refresh_from_db()
    return service


def renewal_invoice(service: Service) -> Invoice:
    return Invoice.objects.get(lines__service=service, lines__void=False, status="unpaid")


@pytest.mark.django_db
def test_a_service_is_invoiced_fourteen_days_before_it_is_due_for_its_next_period():
    service = due_service(next_due_date=D(2027, 3, 15))
    assert run(D(2027, 2, 28))["invoices_created"] == 0
    summary = run(D(2027, 3, 1))
    assert summary["invoices_created"] == 1
    line = InvoiceLine.objects.get(service=service)
    assert (line.period_start, line.period_end) == (D(2027, 3, 15), D(2027, 4, 15))
    invoice = line.invoice
    assert (invoice.issued_on, invoice.due_on, invoice.total) == (
        D(2027, 3, 1),
        D(2027, 3, 15),
        Decimal("12.10"),  # 10.00 + 21 % Dutch VAT
    )


@pytest.mark.django_db
def test_one_invoice_per_client_groups_its_services_and_domains():
    client = ClientFactory()
    first = due_service(client=client, next_due_date=D(2027, 3, 10))
    second = due_service(client=client, next_due_date=D(2027, 3, 12), billing_cycle="annually")
    other = due_service(next_due_date=D(2027, 3, 12))
    assert run(D(2027, 3, 1))["invoices_created"] == 2
    invoice = renewal_invoice(first)
    assert set(invoice.lines.values_list("service_id", flat=True)) == {first.pk, second.pk}
    assert invoice.due_on == D(2027, 3, 10)
    assert renewal_invoice(other).client_id == other.client_id
    assert InvoiceLine.objects.get(service=second).period_end == D(2028, 3, 12)


@pytest.mark.django_db
def test_running_a_day_twice_creates_nothing_twice():
    due_service(next_due_date=D(2027, 3, 10))
    first = run(D(2027, 3, 1))
    second = run(D(2027, 3, 1))
    assert (first["invoices_created"], second["invoices_created"]) == (1, 0)
    assert Invoice.objects.count() == 1
    assert list(first) == list(SUMMARY_KEYS)
    assert BillingRun.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_duplicate_invoices_from_overlapping_runs_are_impossible():
    """Bug class: several cron runs at once invoiced the same period twice."""
    ensure_vat_rates()
    services = [due_service(next_due_date=D(2027, 3, 10)) for _ in range(12)]
    start = threading.Barrier(3)
    results: list[dict] = []
    errors: list[BaseException] = []

    def one_run():
        try:
            connection.ensure_connection()
            start.wait()
            results.append(run(D(2027, 3, 1)))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one_run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(result["invoices_created"] for result in results) == 12
    assert InvoiceLine.objects.filter(service__in=services).count() == 12
    sequences = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, 13))  # and no number lost to the runs that lost


@pytest.mark.django_db
def test_month_end_drift_is_impossible():
    """Bug class: 31 Jan → 28 Feb → 28 Mar, for good."""
    service = due_service(next_due_date=D(2027, 1, 31))
    dues = []
    for month_first in (D(2027, 1, 20), D(2027, 2, 20), D(2027, 3, 20), D(2027, 4, 20)):
        run(month_first)
        pay(renewal_invoice(service), month_first)
        service.refresh_from_db()
        dues.append(service.next_due_date)
    assert dues == [D(2027, 2, 28), D(2027, 3, 31), D(2027, 4, 30), D(2027, 5, 31)]


@pytest.mark.django_db
def test_late_payment_keeps_the_anniversary():
    """Bug class: paying late moved the next period to start on the payment day."""
    service = due_service(next_due_date=D(2027, 3, 10))
    run(D(2027, 3, 1))
    pay(renewal_invoice(service), D(2027, 3, 25))
    service.refresh_from_db()
    assert service.next_due_date == D(2027, 4, 10)


@pytest.mark.django_db
def test_double_payment_advances_the_due_date_once():
    """Bug class: "marked paid" twice, or webhook plus cron, moved the paid-through date twice."""
    service = due_service(next_due_date=D(2027, 3, 10))
    run(D(2027, 3, 1))
    invoice = pay(renewal_invoice(service), D(2027, 3, 5))
    # The payment's effects applied again (a repeated notice, a second worker) move nothing.
    with clock.frozen_at(D(2027, 3, 5)):
        assert invoice_settle(actor=SYSTEM, invoice=invoice, today=D(2027, 3, 5)) == 0
    service.refresh_from_db()
    assert service.next_due_date == D(2027, 4, 10)
    assert DueDateMove.objects.filter(service=service).count() == 1


@pytest.mark.django_db
def test_an_unpaid_renewal_is_not_invoiced_again_for_its_period():
    service = due_service(next_due_date=D(2027, 3, 10))
    run(D(2027, 3, 1))
    for day in (D(2027, 3, 10), D(2027, 4, 1), D(2027, 5, 1)):
        assert run(day)["invoices_created"] == 0
    assert InvoiceLine.objects.filter(service=service).count() == 1


@pytest.mark.django_db
def test_cancelled_invoice_rolls_back_so_the_period_is_invoiced_again():
    """Bug class: cancelling a renewal invoice left the service never invoiced again."""
    service = due_service(next_due_date=D(2027, 3, 10))
    run(D(2027, 3, 1))
    first = renewal_invoice(service)
    with clock.frozen_at(D(2027, 3, 2)):
        invoice_cancel(actor=SYSTEM, invoice=first, reason="wrong price")
    assert run(D(2027, 3, 3))["invoices_created"] == 1
    second = renewal_invoice(service)
    assert second.pk != first.pk
    assert second.lines.get().period_start == D(2027, 3, 10)
    service.refresh_from_db()
    assert service.next_due_date == D(2027, 3, 10)


@pytest.mark.django_db
def test_reminders_are_sent_once():
    """Bug class: every dunning e-mail was sent several times."""
    service = due_service(next_due_date=D(2027, 3, 15))
    run(D(2027, 3, 1))
    invoice = renewal_invoice(service)
    for day in (D(2027, 3, 8), D(2027, 3, 8), D(2027, 3, 9)):
        run(day)
    assert list(invoice.reminders.values_list("kind", flat=True)) == ["before_due"]
    for day in (D(2027, 3, 16), D(2027, 3, 16), D(2027, 3, 17), D(2027, 3, 22), D(2027, 3, 29)):
        run(day)
    kinds = list(invoice.reminders.order_by("created_at").values_list("kind", flat=True))
    assert kinds == ["before_due", "overdue_1", "overdue_2", "overdue_3"]
    mails = OutgoingEmail.objects.filter(object_type="billing.invoice", object_id=str(invoice.pk))
    assert sorted(mails.values_list("template", flat=True)) == [
        "invoice_overdue",
        "invoice_overdue",
        "invoice_overdue",
        "invoice_reminder",
    ]


@pytest.mark.django_db
def test_a_missed_week_sends_only_the_latest_notice():
    service = due_service(next_due_date=D(2027, 3, 15))
    run(D(2027, 3, 1))
    run(D(2027, 3, 30))  # 15 days overdue: only the third notice applies
    invoice = renewal_invoice(service)
    assert list(invoice.reminders.values_list("kind", flat=True)) == ["overdue_3"]
    run(D(2027, 3, 31))
    assert InvoiceReminder.objects.filter(invoice=invoice).count() == 1


@pytest.mark.django_db
def test_reminders_are_written_in_the_clients_language():
    service = due_service(next_due_date=D(2027, 3, 15), client=ClientFactory(language="nl"))
    run(D(2027, 3, 1))
    run(D(2027, 3, 8))
    mail = OutgoingEmail.objects.get(template="invoice_reminder")
    assert "Herinnering" in mail.subject
    assert renewal_invoice(service).number in mail.subject


@override_settings(TIME_ZONE="Europe/Amsterdam")
@pytest.mark.django_db
def test_day_boundary_in_europe_amsterdam_not_utc():
    """Bug class: the double-billing guard and the invoice day were counted in UTC."""
    due_service(next_due_date=D(2027, 1, 28))
    # 23:30 UTC on 13 January is already 14 January in Amsterdam: 14 days before the due date.
    with clock.frozen_at(datetime.datetime(2027, 1, 13, 23, 30, tzinfo=datetime.UTC)):
        summary = billing_run(actor=SYSTEM)
    assert summary["date"] == "2027-01-14"
    assert summary["invoices_created"] == 1
    assert Invoice.objects.get().issued_on == D(2027, 1, 14)


@pytest.mark.django_db
def test_free_and_one_time_services_are_not_invoiced():
    due_service(billing_cycle="one_time")
    due_service(billing_cycle="free", recurring_amount="0.00")
    due_service(recurring_amount="0.00")
    due_service(status="terminated")
    assert run(D(2027, 2, 20))["invoices_created"] == 0


@pytest.mark.django_db
def test_a_service_ending_at_the_period_end_is_not_invoiced_for_the_next():
    service = due_service(next_due_date=D(2027, 3, 10))
    with clock.frozen_at(D(2027, 2, 1)):
        request = cancellation_request(actor=SYSTEM, service=service, when="end_of_period")
    assert request.ends_on == D(2027, 3, 10)
    assert run(D(2027, 3, 1))["invoices_created"] == 0
    summary = run(D(2027, 3, 10))
    service.refresh_from_db()
    assert service.status == "terminated"  # a service without a module has nothing on a server
    assert summary["terminated"] == 1
    request.refresh_from_db()
    assert request.status == "done"


@pytest.mark.django_db
def test_cancelling_cancels_an_unpaid_renewal_for_a_period_after_the_end():
    service = due_service(next_due_date=D(2027, 3, 10))
    run(D(2027, 3, 1))
    invoice = renewal_invoice(service)
    with clock.frozen_at(D(2027, 3, 2)):
        cancellation_request(actor=SYSTEM, service=service, when="now")
    run(D(2027, 3, 2))
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CANCELLED
    service.refresh_from_db()
    assert service.status == "terminated"
    assert run(D(2027, 3, 5))["invoices_created"] == 0


@pytest.mark.django_db
def test_preview_counts_what_the_run_will_do_and_changes_nothing():
    due_service(next_due_date=D(2027, 3, 10))
    preview = billing_preview(D(2027, 3, 1))
    assert preview["services_to_invoice"] == 1
    assert not Invoice.objects.exists()
    assert run(D(2027, 3, 1))["invoices_created"] == preview["services_to_invoice"]


@pytest.mark.django_db
def test_the_preview_counts_the_reminders_a_run_sends_in_sql():
    """The preview counts reminders in one query; it must agree with the run's own selection on
    every day, with notices partly sent already and an invoice collected by direct debit."""
    for due in (D(2027, 3, 10), D(2027, 3, 15), D(2027, 3, 20)):
        due_service(next_due_date=due)
    run(D(2027, 3, 1))
    Invoice.objects.filter(pk=Invoice.objects.order_by("pk").last().pk).update(
        payment_method="direct_debit"
    )
    run(D(2027, 3, 12))  # sends some reminders and a first notice, not all
    counts = []
    for offset in range(45):
        day = D(2027, 3, 1) + datetime.timedelta(days=offset)
        with clock.frozen_at(day):
            expected = len(reminders_due(day))
            assert reminders_due_count(day) == expected, day
        counts.append(expected)
    assert max(counts) >= 2 and min(counts) == 0
    assert billing_preview(D(2027, 3, 17))["reminders"] == run(D(2027, 3, 17))["reminders_sent"]


@pytest.mark.django_db
def test_command_prints_the_summary_as_its_last_line():
    due_service(next_due_date=D(2027, 3, 10))
    out = StringIO()
    call_command("billing_run", "--date", "2027-03-01", stdout=out)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert list(summary) == list(SUMMARY_KEYS)
    assert summary["date"] == "2027-03-01"
    assert summary["invoices_created"] == 1
    assert summary["errors"] == []


@pytest.mark.django_db
def test_command_refuses_a_malformed_date_saying_how_to_write_it():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("billing_run", "--date", "31-01-2027")


def test_cron_runs_the_billing_once_a_day():
    job = {job.name: job for job in scheduled_jobs()}["billing.daily_run"]
    assert job.every == datetime.timedelta(days=1)


@pytest.mark.django_db(transaction=True)
def test_two_billing_processes_at_once_invoice_each_period_once():
    """Two `hostwerk billing_run` processes for the same day, started together."""
    import os
    import subprocess
    import sys

    ensure_vat_rates()
    clients = [ClientFactory() for _ in range(10)]
    for client in clients:
        for _ in range(3):
            due_service(client=client, next_due_date=D(2027, 3, 10))
    env = {**os.environ, "DATABASE_URL": database_url()}
    command = [sys.executable, "-m", "hostwerk.cli", "billing_run", "--date", "2027-03-01"]
    processes = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    summaries = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        summaries.append(json.loads(out.strip().splitlines()[-1]))
    assert sum(summary["invoices_created"] for summary in summaries) == 10
    assert InvoiceLine.objects.count() == 30
    assert sorted(Invoice.objects.values_list("sequence", flat=True)) == list(range(1, 11))
