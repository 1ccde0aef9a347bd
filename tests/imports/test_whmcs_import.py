"""The WHMCS 8 import against a real MariaDB: every mapping with its awkward cases, a second run
that creates nothing, a dry run that keeps nothing, numbering that continues, logins that work."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Sum
from django.test import Client as WebClient
from django.urls import reverse

from hostwerk.accounts.models import User
from hostwerk.billing.models import (
    CancellationRequest,
    CreditEntry,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    Payment,
)
from hostwerk.billing.numbering import invoice_number_take
from hostwerk.catalog.models import Product, ProductPrice, Tld
from hostwerk.clients.models import Client
from hostwerk.domains.models import Domain
from hostwerk.imports.models import ImportedRow, ImportRun
from hostwerk.notifications.models import OutgoingEmail
from hostwerk.provisioning.models import ProvisioningStep, Server, Service
from tests.factories import RegistrarFactory, ServerFactory, TldFactory
from tests.imports.whmcs_rows import (
    ANNE_PASSWORD,
    ENCRYPTION_HASH,
    JON_PASSWORD,
    KLAAS_PASSWORD,
    SERVER_PASSWORD,
    SERVICE_PASSWORD,
)

D = Decimal
MODELS = (
    Client,
    User,
    Product,
    ProductPrice,
    Server,
    Service,
    Domain,
    Tld,
    Invoice,
    InvoiceLine,
    Payment,
    CreditEntry,
    CancellationRequest,
    ImportedRow,
)


def run_import(url, *extra, hash_=ENCRYPTION_HASH) -> dict:
    out = StringIO()
    arguments = ["--database", url, "--server-map", "4=Plesk Eén", *extra]
    if hash_:
        arguments += ["--cc-encryption-hash", hash_]
    call_command("import_whmcs", *arguments, stdout=out)
    return json.loads(out.getvalue().splitlines()[-1])


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def whmcs(table: str, source_id: int):
    """The Hostwerk object WHMCS row (table, id) was imported as."""
    object_id = ImportedRow.objects.get(table=table, source_id=source_id).object_id
    model = {
        "tblclients": Client,
        "tblusers": User,
        "tblclients_login": User,
        "tblproducts": Product,
        "tblservers": Server,
        "tblhosting": Service,
        "tbldomains": Domain,
        "tblinvoices": Invoice,
    }[table]
    return model.objects.get(pk=object_id)


@pytest.fixture
def hostwerk_side(db):
    """What the provider set up in Hostwerk before importing: a server, SIDN for .nl, .com."""
    plesk1 = ServerFactory(name="Plesk Eén", hostname="plesk1.provider.test", password="sandbox")
    sidn = RegistrarFactory(name="SIDN")
    TldFactory(name="nl", registrar=sidn)
    TldFactory(name="com", registrar=None)
    return {"plesk1": plesk1, "sidn": sidn}


@pytest.fixture
def imported(hostwerk_side, whmcs_url):
    return run_import(whmcs_url)


def test_report_counts_what_was_imported_and_every_skipped_row(imported):
    assert {key: imported[key] for key in ("clients", "users", "services", "domains")} == {
        "clients": 5,
        "users": 4,
        "services": 7,
        "domains": 4,
    }
    assert {key: imported[key] for key in ("invoices", "payments", "products", "servers")} == {
        "invoices": 9,
        "payments": 9,
        "products": 4,
        "servers": 3,
    }
    assert {(row["table"], row["id"]) for row in imported["skipped"]} == {
        ("tblservers", 3),  # a cPanel server
        ("tblusers", 3),  # a login of no client
        ("tblusers_clients", 3),  # a second client of one login
        ("tblhosting", 7),  # of a client that does not exist
        ("tblhosting", 8),  # of a product that does not exist
        ("tblhostingaddons", 1),
        ("tbldomains", 5),  # the same name as a live domain
        ("tbldomains", 6),  # of a client that does not exist
        ("tblinvoices", 5),  # mass payment
        ("tblaccounts", 5),  # the payment of the mass payment invoice
        ("tblinvoices", 8),  # draft
        ("tblinvoices", 10),  # of a client that does not exist
        ("tblaccounts", 6),  # added funds, on no invoice
    }
    assert all(row["reason"] for row in imported["skipped"])
    assert (
        "service passwords: cannot be decrypted with the given hash; left empty"
        in (imported["warnings"])
    )
    assert (
        "services on WHMCS server 99 (unknown): imported without a server" in (imported["warnings"])
    )
    assert (
        "domains at WHMCS registrar enom, which Hostwerk does not have: imported without a "
        "registrar (nothing is renewed at a registry until one is chosen)"
    ) in imported["warnings"]
    assert "tbltax 3: WHMCS charges 20.00 % in BE, Hostwerk 21.00 %; new invoices use Hostwerk's VAT rates" in imported["warnings"]  # fmt: skip
    assert imported["dry_run"] is False


def test_clients_are_decoded_normalised_and_keep_their_contacts(imported):
    cafe = whmcs("tblclients", 1)
    assert (cafe.company, cafe.first_name, cafe.last_name) == ('Café de "Hoek"', "Jón", "Jansen")
    assert (cafe.email, cafe.phone, cafe.vat_number) == (
        "jon@example.nl",
        "+31201234567",
        "NL004495445B01",
    )
    assert (cafe.country.code, cafe.language, cafe.status) == ("NL", "nl", "active")
    assert cafe.notes == (
        "Vaste klant\nContact from WHMCS: Boekhouding, factuur@example.nl (e-mails: invoices)"
    )
    assert cafe.number == cafe.pk + 10000
    anne = whmcs("tblclients", 2)
    assert (anne.last_name, anne.phone, anne.language, anne.country.code) == (
        "O'Brien",
        "",
        "en",
        "IE",
    )
    assert anne.notes == "Phone in WHMCS: call me maybe"
    pieter = whmcs("tblclients", 3)
    assert (pieter.country.code, pieter.phone, pieter.language) == ("NL", "+31612345678", "nl")
    sam = whmcs("tblclients", 5)
    assert (sam.status, sam.language, sam.country.code) == ("closed", "en", "US")


def test_products_keep_the_cycles_that_are_switched_on(imported):
    hosting = whmcs("tblproducts", 1)
    assert (hosting.name_nl, hosting.description_en) == (
        "Webhosting & Mail",
        "Alles voor je <site>",
    )
    assert (hosting.type, hosting.module, hosting.module_settings) == (
        "hosting",
        "plesk",
        {"plan": "Default Domain"},
    )
    assert hosting.default_billing_cycle == "annually"
    assert {
        (price.billing_cycle, price.amount, price.setup_fee) for price in hosting.prices.all()
    } == {("monthly", D("5.00"), D("0.00")), ("annually", D("50.00"), D("10.00"))}
    setup = whmcs("tblproducts", 2)
    assert (setup.type, setup.module, setup.default_billing_cycle) == ("other", "none", "one_time")
    assert [(p.billing_cycle, p.amount) for p in setup.prices.all()] == [("one_time", D("75.00"))]
    free = whmcs("tblproducts", 3)
    assert [(p.billing_cycle, p.amount) for p in free.prices.all()] == [("free", D("0.00"))]
    retired = whmcs("tblproducts", 4)
    assert (retired.active, retired.prices.count()) == (False, 0)
    assert retired.sort_order < hosting.sort_order < free.sort_order  # group, then product


def test_servers_are_matched_by_host_name_or_map_and_created_with_decrypted_secrets(
    imported, hostwerk_side
):
    plesk1 = hostwerk_side["plesk1"]
    assert whmcs("tblservers", 1) == plesk1  # by host name, in any case
    assert whmcs("tblservers", 4) == plesk1  # by --server-map
    plesk1.refresh_from_db()
    assert plesk1.password == "sandbox"  # a matched server keeps Hostwerk's credentials
    created = whmcs("tblservers", 2)
    assert (created.name, created.hostname, created.api_url) == (
        "Plesk 2",
        "plesk2.provider.test",
        "https://plesk2.provider.test:8443",
    )
    assert (created.username, created.password, created.web_ip, created.active) == (
        "admin",
        SERVER_PASSWORD,
        "192.0.2.20",
        True,
    )
    assert Server.objects.count() == 2


def test_services_get_status_cycle_dates_server_and_decrypted_password(imported, hostwerk_side):
    plesk1 = hostwerk_side["plesk1"]
    first = whmcs("tblhosting", 1)
    assert (first.client, first.product) == (whmcs("tblclients", 1), whmcs("tblproducts", 1))
    assert (first.status, first.billing_cycle, first.recurring_amount) == (
        "active",
        "annually",
        D("50.00"),
    )
    assert (first.next_due_date, first.billing_anchor_day, first.server) == (
        datetime.date(2026, 9, 1),
        1,
        plesk1,
    )
    assert (first.domain, first.username, first.password) == (
        "cafe-hoek.nl",
        "cafehoek",
        SERVICE_PASSWORD,
    )
    overdue = whmcs("tblhosting", 2)
    assert (overdue.status, overdue.suspend_reason, overdue.password) == (
        "suspended",
        "overdue",
        "",
    )
    assert overdue.server == whmcs("tblservers", 2)
    abuse = whmcs("tblhosting", 3)
    assert (abuse.suspend_reason, abuse.server) == ("staff", None)  # server 99 does not exist
    one_time = whmcs("tblhosting", 4)
    assert (one_time.status, one_time.billing_cycle, one_time.next_due_date) == (
        "active",
        "one_time",
        None,
    )
    free = whmcs("tblhosting", 5)
    assert (free.billing_cycle, free.no_suspend_until) == ("free", datetime.date(2026, 12, 31))
    cancelled = whmcs("tblhosting", 6)
    assert (cancelled.status, cancelled.server) == ("terminated", plesk1)
    assert cancelled.terminated_at.date() == datetime.date(2025, 12, 31)
    on_cpanel = whmcs("tblhosting", 9)
    assert (on_cpanel.billing_cycle, on_cpanel.server) == ("semiannually", None)
    request = CancellationRequest.objects.get()
    assert (request.service, request.when, request.ends_on, request.reason) == (
        on_cpanel,
        "end_of_period",
        datetime.date(2026, 9, 10),
        "Te duur & traag",
    )


def test_domains_get_the_tld_registrar_or_none_when_hostwerk_lacks_it(imported, hostwerk_side):
    sidn = hostwerk_side["sidn"]
    hoek = whmcs("tbldomains", 1)
    assert (hoek.name, hoek.client, hoek.registrar, hoek.status) == (
        "cafe-hoek.nl",
        whmcs("tblclients", 1),
        sidn,
        "active",
    )
    assert (hoek.expires_at.date(), hoek.next_due_date, hoek.recurring_amount) == (
        datetime.date(2026, 9, 1),
        datetime.date(2026, 9, 1),
        D("9.95"),
    )
    idn = whmcs("tbldomains", 2)
    assert (idn.name, idn.registrar) == ("xn--caf-dma.nl", sidn)  # no WHMCS registrar: the TLD's
    elsewhere = whmcs("tbldomains", 3)
    assert (elsewhere.registrar, elsewhere.status, elsewhere.years) == (None, "expired", 2)
    assert (elsewhere.recurring_amount, elsewhere.do_not_renew) == (D("15.00"), True)
    xyz = whmcs("tbldomains", 4)
    assert (xyz.tld.name, xyz.tld.active, xyz.registrar, xyz.expires_at) == (
        "xyz",
        False,
        None,
        None,
    )


def _invoices() -> dict[str, tuple]:
    return {
        invoice.number: (
            invoice.status,
            invoice.total,
            invoice.amount_paid,
            invoice.year,
            invoice.sequence,
        )
        for invoice in Invoice.objects.all()
    }


def test_invoices_keep_legal_numbers_statuses_and_amounts(imported):
    assert _invoices() == {
        "2026-0001": ("paid", D("60.50"), D("60.50"), 2026, 1),
        "2026-0002": ("paid", D("6.05"), D("0.00"), 2026, 2),  # refunded
        "WHMCS-3": ("unpaid", D("6.05"), D("2.00"), 2026, 1_000_000_003),  # proforma
        "WHMCS-4": ("unpaid", D("12.10"), D("3.00"), 2026, 1_000_000_004),
        "2026-0003": ("paid", D("12.10"), D("12.10"), 2026, 3),  # paid by mass payment
        "2026-0004": ("paid", D("12.10"), D("12.10"), 2026, 4),
        "WHMCS-9": ("cancelled", D("12.10"), D("0.00"), 2026, 1_000_000_009),
        "2025-0100": ("paid", D("100.00"), D("100.00"), 2025, 100),
        "2026-0005": ("paid", D("20.00"), D("20.00"), 2026, 5),
    }
    first = Invoice.objects.get(number="2026-0001")
    assert (first.issued_on, first.due_on, first.paid_on) == (
        datetime.date(2026, 1, 5),
        datetime.date(2026, 1, 19),
        datetime.date(2026, 1, 10),
    )
    assert (first.vat_scheme, first.vat_rate, first.subtotal, first.vat_amount) == (
        "domestic",
        D("21.00"),
        D("50.00"),
        D("10.50"),
    )
    assert (first.client_company, first.client_address) == (
        'Café de "Hoek"',
        "Keizersgracht 1\n1015 CJ Amsterdam",
    )
    assert Invoice.objects.get(number="WHMCS-4").vat_scheme == "eu_consumer"
    dollars = Invoice.objects.get(number="2026-0005")
    assert (dollars.currency, dollars.vat_scheme) == ("USD", "outside_eu")
    assert Invoice.objects.get(number="WHMCS-9").cancelled_at is not None


def test_invoice_lines_charge_the_periods_of_services_and_domains(imported):
    lines = {
        (line.invoice.number, line.description): (
            line.service_id,
            line.domain_id,
            line.period_start,
            line.period_end,
            line.void,
            line.vat_amount,
        )
        for line in InvoiceLine.objects.select_related("invoice")
    }
    assert lines[("WHMCS-3", "tweede.nl juli")] == (
        whmcs("tblhosting", 2).pk,
        None,
        datetime.date(2026, 7, 15),
        datetime.date(2026, 8, 15),
        False,
        D("1.05"),
    )
    assert lines[("2026-0003", "Registratie cafe-hoek.nl")] == (
        None,
        whmcs("tbldomains", 1).pk,
        datetime.date(2024, 9, 1),
        datetime.date(2025, 9, 1),
        False,
        D("2.10"),
    )
    assert lines[("WHMCS-9", "anne.ie juni")][4] is True  # a cancelled invoice's line is void
    assert lines[("2025-0100", "Advies")] == (None, None, None, None, False, D("0.00"))
    assert len(lines) == 9


def test_payments_refunds_credit_and_mass_payments_are_booked_in_the_ledger(imported):
    assert {
        (p.invoice.number, p.kind, p.amount, p.method, p.reference, p.provider)
        for p in Payment.objects.select_related("invoice")
    } == {
        ("2026-0001", "payment", D("60.50"), "bank_transfer", "whmcs-1 BANK-2026-001", "whmcs"),
        ("2026-0002", "payment", D("6.05"), "bank_transfer", "whmcs-2 BANK-2026-002", "whmcs"),
        ("2026-0002", "refund", D("6.05"), "bank_transfer", "whmcs-3 REFUND-1", "whmcs"),
        ("WHMCS-3", "payment", D("2.00"), "credit", "whmcs-credit-3", "whmcs"),
        ("WHMCS-4", "payment", D("3.00"), "ideal", "whmcs-4 tr_abc123", "whmcs"),
        ("2026-0003", "payment", D("12.10"), "other", "whmcs-masspay-5-6", "whmcs"),
        ("2026-0004", "payment", D("12.10"), "other", "whmcs-masspay-5-7", "whmcs"),
        ("2025-0100", "payment", D("100.00"), "other", "whmcs-paid-11", "whmcs"),
        ("2026-0005", "payment", D("20.00"), "other", "whmcs-7 PP-1", "whmcs"),
    }
    assert Payment.objects.get(reference="whmcs-3 REFUND-1").paid_on == datetime.date(2026, 2, 20)
    cafe = whmcs("tblclients", 1)
    # WHMCS's balance (5.00) after the 2.00 used on invoice 3.
    assert CreditEntry.objects.filter(client=cafe).aggregate(total=Sum("amount"))["total"] == D(
        "5.00"
    )
    assert not CreditEntry.objects.filter(client=whmcs("tblclients", 2)).exists()


def test_hostwerk_numbering_continues_after_the_imported_numbers(imported):
    assert dict(InvoiceCounter.objects.values_list("year", "last_number")) == {2025: 100, 2026: 5}
    with transaction.atomic():
        assert invoice_number_take(year=2026) == (6, "2026-00006")
        assert invoice_number_take(year=2025) == (101, "2025-00101")


def test_logins_keep_their_whmcs_passwords_and_are_rehashed_at_first_login(imported):
    jon = whmcs("tblusers", 1)
    assert (jon.email, jon.client, jon.name) == (
        "jon@example.nl",
        whmcs("tblclients", 1),
        "Jón Jansen",
    )
    assert jon.password.startswith("whmcs_bcrypt$$2y$")
    anne = whmcs("tblusers", 2)
    assert anne.client == whmcs("tblclients", 2)  # the client she owns, not the other one
    klaas = whmcs("tblclients_login", 4)  # a login from before WHMCS 8
    assert (klaas.email, klaas.client) == ("klaas@example.nl", whmcs("tblclients", 4))
    sam = whmcs("tblusers", 4)
    assert (sam.has_usable_password(), sam.is_active) == (False, False)
    assert not User.objects.filter(client=whmcs("tblclients", 3)).exists()

    for email, password in (
        ("jon@example.nl", JON_PASSWORD),
        ("anne@example.ie", ANNE_PASSWORD),
        ("klaas@example.nl", KLAAS_PASSWORD),
    ):
        web = WebClient()
        wrong = web.post(reverse("portal:login"), {"email": email, "password": "wrong"})
        assert wrong.status_code == 200
        response = web.post(reverse("portal:login"), {"email": email, "password": password})
        assert response.status_code == 302, email
        user = User.objects.get(email=email)
        assert user.password.startswith("argon2$"), email
        assert user.check_password(password)


def test_a_second_run_creates_nothing_and_keeps_upgraded_passwords(imported, whmcs_url):
    before = row_counts()
    jon = whmcs("tblusers", 1)
    jon.set_password("nieuw-in-hostwerk")
    jon.save()
    again = run_import(whmcs_url)
    assert row_counts() == before
    assert set(again["created"].values()) == {0}
    assert set(again["updated"].values()) == {0}
    assert {key: again[key] for key in ("clients", "invoices", "payments")} == {
        key: imported[key] for key in ("clients", "invoices", "payments")
    }
    assert again["credit_adjustments"] == 0
    assert User.objects.get(pk=jon.pk).check_password("nieuw-in-hostwerk")
    assert dict(InvoiceCounter.objects.values_list("year", "last_number")) == {2025: 100, 2026: 5}


def test_a_second_run_updates_what_changed_in_whmcs(hostwerk_side, whmcs_database):
    first = run_import(whmcs_database.url)
    before = row_counts()
    whmcs_database.execute("UPDATE tblclients SET city = 'Utrecht' WHERE id = 1")
    whmcs_database.execute(
        "UPDATE tblinvoices SET status = 'Paid', invoicenum = '2026-0006', "
        "datepaid = '2026-05-25 10:00:00' WHERE id = 4"
    )
    whmcs_database.execute(
        "INSERT INTO tblaccounts (id, userid, currency, gateway, date, description, amountin, "
        "fees, amountout, rate, transid, invoiceid, refundid) VALUES (8, 2, 0, 'mollieideal', "
        "'2026-05-25 10:00:00', '', 9.10, 0, 0, 1, 'tr_def456', 4, 0)"
    )
    second = run_import(whmcs_database.url)
    assert second["created"]["payments"] == 1
    assert second["updated"]["clients"] == 1
    assert second["updated"]["invoices"] == 1
    assert second["created"]["invoices"] == 0
    assert row_counts() == before | {
        "Payment": before["Payment"] + 1,
        "ImportedRow": before["ImportedRow"] + 1,
    }
    assert whmcs("tblclients", 1).city == "Utrecht"
    paid = whmcs("tblinvoices", 4)
    # The proforma got its legal number when it was paid in WHMCS; it takes its place in the series.
    assert (paid.number, paid.status, paid.amount_paid) == ("2026-0006", "paid", D("12.10"))
    assert (paid.year, paid.sequence, paid.client_address) == (2026, 6, "")
    assert whmcs("tblinvoices", 1).client_address == "Keizersgracht 1\n1015 CJ Amsterdam"
    assert InvoiceCounter.objects.get(year=2026).last_number == 6
    assert first["invoices"] == second["invoices"]


def test_dry_run_reports_what_it_would_do_and_keeps_nothing(hostwerk_side, whmcs_url):
    before = row_counts()
    counters = list(InvoiceCounter.objects.values_list("year", "last_number"))
    report = run_import(whmcs_url, "--dry-run")
    assert report["dry_run"] is True
    assert (report["clients"], report["invoices"], report["created"]["payments"]) == (5, 9, 9)
    assert row_counts() == before
    assert list(InvoiceCounter.objects.values_list("year", "last_number")) == counters
    assert not ImportRun.objects.exists()


def test_the_import_changes_nothing_remote_and_records_its_run(imported):
    assert not ProvisioningStep.objects.exists()
    assert not OutgoingEmail.objects.exists()
    run = ImportRun.objects.get()
    assert run.report["clients"] == 5
    assert run.database.startswith("mysql://root@127.0.0.1:3306/hw_whmcs_test_")
    assert run.started_by == "system (command)"


def test_without_the_encryption_hash_secrets_stay_empty_with_a_warning(hostwerk_side, whmcs_url):
    report = run_import(whmcs_url, hash_="")
    assert whmcs("tblhosting", 1).password == ""
    assert whmcs("tblservers", 2).password == ""
    assert "service passwords: left empty (no --cc-encryption-hash given)" in " ".join(
        report["warnings"]
    )


def test_an_unknown_server_in_the_map_or_an_unreachable_database_is_refused(
    hostwerk_side, whmcs_url
):
    with pytest.raises(CommandError, match="no Hostwerk server Nergens"):
        call_command("import_whmcs", "--database", whmcs_url, "--server-map", "1=Nergens")
    with pytest.raises(CommandError, match="is not a WHMCS 8 database"):
        call_command("import_whmcs", "--database", "mysql://root@127.0.0.1:3306/mysql")
    with pytest.raises(CommandError, match="--database"):
        call_command("import_whmcs", "--database", "postgres://x/y")
    assert not Client.objects.exists()
