"""Domain renewals through billing, against the EPP registry simulator: a paid year is renewed
with the current expiry date; an unpaid .nl (which SIDN renews by itself) is cancelled."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from hostwerk.billing.domain_work import domains_to_cancel
from hostwerk.billing.models import DomainRenewal, InvoiceLine
from hostwerk.core import clock
from hostwerk.domains.cancellation import domain_cancel
from hostwerk.domains.models import Domain
from tests.billing.factories import SYSTEM
from tests.billing.test_lifecycle import pay, run
from tests.support.tasks import run_queued_tasks

D = datetime.date


def held(registry, tlds, client, name: str) -> Domain:
    """A domain registered through us a year ago, known to Hostwerk with the registry's expiry."""
    registry.seed_domain(name, account="admin", years=1)
    with registry.state.lock:
        expires = registry.state.domains[name].expires
    return Domain.objects.create(
        name=name,
        client=client,
        tld=tlds[name.rsplit(".", 1)[1]],
        registrar=registry.registrar,
        status="active",
        registered_at=timezone.now(),
        expires_at=expires,
    )


def registry_expiry(registry, name: str) -> datetime.date:
    with registry.state.lock:
        return registry.state.domains[name].expires.date()


@pytest.mark.django_db
def test_a_paid_domain_year_is_renewed_at_the_registry(epp_registry, tlds, client_a):
    domain = held(epp_registry, tlds, client_a, "anna.com")
    expiry = registry_expiry(epp_registry, "anna.com")
    invoice_day = expiry - datetime.timedelta(days=30)
    assert run(invoice_day - datetime.timedelta(days=1))["invoices_created"] == 0
    assert run(invoice_day)["invoices_created"] == 1  # the run fills in the first due date
    line = InvoiceLine.objects.get(domain=domain)
    assert line.period_start == expiry
    assert line.amount == tlds["com"].prices.get(action="renew", years=1).amount
    pay(line.invoice, invoice_day + datetime.timedelta(days=2))
    with clock.frozen_at(invoice_day + datetime.timedelta(days=2)):
        run_queued_tasks()
    new_expiry = registry_expiry(epp_registry, "anna.com")
    assert new_expiry == expiry.replace(year=expiry.year + 1)
    domain.refresh_from_db()
    assert clock.local_day(domain.expires_at) == new_expiry
    assert domain.next_due_date == line.period_end
    assert DomainRenewal.objects.get().status == "done"
    # Another run (or a repeated notice) renews nothing again.
    assert run(invoice_day + datetime.timedelta(days=3))["domains_renewed"] == 0
    assert registry_expiry(epp_registry, "anna.com") == new_expiry


@pytest.mark.django_db
def test_a_renewal_the_registry_refused_is_retried_by_the_run(epp_registry, tlds, client_a):
    domain = held(epp_registry, tlds, client_a, "anna.com")
    expiry = registry_expiry(epp_registry, "anna.com")
    day = expiry - datetime.timedelta(days=30)
    run(day)
    epp_registry.fail_next("domain:renew", code=2400, text="Command failed")
    pay(InvoiceLine.objects.get(domain=domain).invoice, day)
    with clock.frozen_at(day):
        run_queued_tasks()
    assert DomainRenewal.objects.get().status == "failed"
    assert registry_expiry(epp_registry, "anna.com") == expiry
    summary = run(day + datetime.timedelta(days=1))
    assert summary["domains_renewed"] == 1
    assert registry_expiry(epp_registry, "anna.com") == expiry.replace(year=expiry.year + 1)


@pytest.mark.django_db
def test_a_paid_nl_domain_just_continues(epp_registry, tlds, client_a):
    domain = held(epp_registry, tlds, client_a, "anna.nl")
    expiry = registry_expiry(epp_registry, "anna.nl")
    day = expiry - datetime.timedelta(days=30)
    run(day)
    pay(InvoiceLine.objects.get(domain=domain).invoice, day)
    with clock.frozen_at(day):
        run_queued_tasks()
    assert not DomainRenewal.objects.exists()  # SIDN has no renew command
    domain.refresh_from_db()
    assert domain.next_due_date == expiry.replace(year=expiry.year + 1)
    assert domain not in domains_to_cancel(expiry + datetime.timedelta(days=60))


@pytest.mark.django_db
def test_an_unpaid_nl_domain_waits_for_staff_on_the_to_be_cancelled_list(
    epp_registry, tlds, client_a
):
    domain = held(epp_registry, tlds, client_a, "anna.nl")
    expiry = registry_expiry(epp_registry, "anna.nl")
    run(expiry - datetime.timedelta(days=30))
    late = expiry + datetime.timedelta(days=14)
    assert list(domains_to_cancel(late - datetime.timedelta(days=1))) == []
    assert list(domains_to_cancel(late)) == [domain]
    summary = run(late)
    assert summary["domains_cancelled"] == 0  # staff confirm first
    assert "anna.nl" in epp_registry.domain_names()
    with clock.frozen_at(late):
        domain_cancel(actor=SYSTEM, domain=domain, reason="not paid")
    assert "anna.nl" not in epp_registry.domain_names()
    domain.refresh_from_db()
    assert domain.status == "cancelled"


@override_settings(HOSTWERK_DOMAIN_AUTO_CANCEL=True)
@pytest.mark.django_db
def test_an_unpaid_nl_domain_is_cancelled_automatically_when_configured(
    epp_registry, tlds, client_a
):
    held(epp_registry, tlds, client_a, "anna.nl")
    expiry = registry_expiry(epp_registry, "anna.nl")
    run(expiry - datetime.timedelta(days=30))
    assert run(expiry + datetime.timedelta(days=14))["domains_cancelled"] == 1
    assert "anna.nl" not in epp_registry.domain_names()
    assert run(expiry + datetime.timedelta(days=15))["domains_cancelled"] == 0


@pytest.mark.django_db
def test_a_domain_marked_do_not_renew_is_not_invoiced(epp_registry, tlds, client_a):
    domain = held(epp_registry, tlds, client_a, "anna.com")
    Domain.objects.filter(pk=domain.pk).update(do_not_renew=True)
    expiry = registry_expiry(epp_registry, "anna.com")
    assert run(expiry - datetime.timedelta(days=30))["invoices_created"] == 0
