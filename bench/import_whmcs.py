"""Import a WHMCS database of 10k clients, 30k services and 100k invoices; prints JSON.

    .venv/bin/python bench/import_whmcs.py [--clients N] [--services N] [--invoices N]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/import_whmcs.py

The WHMCS database is built in the MariaDB at 127.0.0.1:3306 (root, no password) under a unique
name and dropped afterwards; Hostwerk's database is a temporary SQLite file, or a fresh
PostgreSQL database `hostwerk_bench_whmcs` next to the one in DATABASE_URL. The import runs
twice: the second run must create nothing.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import time
import uuid

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--clients", type=int, default=10_000)
parser.add_argument("--services", type=int, default=30_000)
parser.add_argument("--invoices", type=int, default=100_000)
arguments = parser.parse_args()

BENCH_DB = "hostwerk_bench_whmcs"
url = os.environ.get("DATABASE_URL", "")
if url.startswith("postgres"):
    import psycopg

    base, _, _ = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        admin.execute(f"CREATE DATABASE {BENCH_DB}")
    os.environ["DATABASE_URL"] = f"{base}/{BENCH_DB}"

from _setup import django_with_fresh_database  # noqa: E402

django_with_fresh_database()

import bcrypt  # noqa: E402
from django.db import connection  # noqa: E402

from hostwerk.billing.models import Invoice, Payment  # noqa: E402
from hostwerk.clients.models import Client  # noqa: E402
from hostwerk.core.audit import Actor  # noqa: E402
from hostwerk.imports.whmcs.actions import ImportOptions, whmcs_import  # noqa: E402
from hostwerk.imports.whmcs.crypt import whmcs_encrypt  # noqa: E402
from hostwerk.imports.whmcs.reader import WhmcsReader, database_address  # noqa: E402
from hostwerk.provisioning.models import Service  # noqa: E402
from hostwerk.sandbox.whmcs_database import (  # noqa: E402
    database_create,
    database_drop,
    rows_insert,
    server_connect,
)

HASH = "bench-cc-encryption-hash"
START = datetime.date(2024, 1, 1)


def build(mariadb, clients: int, services: int, invoices: int) -> None:
    insert = lambda table, rows: rows_insert(mariadb, table, rows)  # noqa: E731
    insert("tblconfiguration", [{"setting": "SequentialInvoiceNumbering", "value": "on"}])
    insert("tblcurrencies", [{"id": 1, "code": "EUR", "prefix": "€", "format": 2, "default": 1}])
    insert(
        "tblproducts",
        [{"id": 1, "gid": 1, "name": "Webhosting", "paytype": "recurring", "servertype": "plesk"}],
    )
    insert(
        "tblpricing",
        [
            {
                "type": "product",
                "currency": 1,
                "relid": 1,
                "monthly": "7.50",
                "annually": "75.00",
                **{column: "-1.00" for column in ("quarterly", "semiannually", "biennially")},
                "triennially": "-1.00",
            }
        ],
    )
    insert(
        "tblservers",
        [{"id": 1, "name": "Plesk", "hostname": "plesk.bench.test", "ipaddress": "192.0.2.1",
          "type": "plesk", "password": whmcs_encrypt("server-pass", encryption_hash=HASH)}],
    )  # fmt: skip
    insert(
        "tblclients",
        (
            {"id": n, "firstname": f"Kl&eacute;ant {n}", "lastname": "Bench", "companyname": "",
             "email": f"client{n}@bench.test", "country": "NL", "phonenumber": "020 123 4567",
             "address1": "Keizersgracht 1", "city": "Amsterdam", "postcode": "1015 CJ",
             "currency": 1, "credit": "0.00", "status": "Active", "language": "dutch"}
            for n in range(1, clients + 1)
        ),
    )  # fmt: skip
    php_hash = "$2y$" + bcrypt.hashpw(b"bench", bcrypt.gensalt(rounds=4)).decode()[4:]
    insert(
        "tblusers",
        (
            {"id": n, "first_name": "Klant", "last_name": str(n), "email": f"client{n}@bench.test",
             "password": php_hash}
            for n in range(1, clients + 1)
        ),
    )  # fmt: skip
    insert(
        "tblusers_clients",
        ({"auth_user_id": n, "client_id": n, "owner": 1} for n in range(1, clients + 1)),
    )
    secret = whmcs_encrypt("service-password", encryption_hash=HASH)
    insert(
        "tblhosting",
        (
            {"id": n, "userid": (n - 1) % clients + 1, "packageid": 1, "server": 1,
             "regdate": START, "domain": f"bench{n}.nl", "billingcycle": "Monthly",
             "amount": "7.50", "nextduedate": datetime.date(2026, 7, 1 + n % 28),
             "domainstatus": "Active", "username": f"bench{n}", "password": secret}
            for n in range(1, services + 1)
        ),
    )  # fmt: skip
    invoice_rows, item_rows, account_rows = [], [], []
    for n in range(1, invoices + 1):
        service = (n - 1) % services + 1
        issued = START + datetime.timedelta(days=n % 900)
        paid = n % 10 != 0
        invoice_rows.append(
            {"id": n, "userid": (service - 1) % clients + 1,
             "invoicenum": f"{issued.year}-{n:06d}" if paid else "", "date": issued,
             "duedate": issued + datetime.timedelta(days=14),
             "datepaid": datetime.datetime.combine(issued, datetime.time(12)) if paid else "0000-00-00",
             "subtotal": "7.50", "credit": "0.00", "tax": "1.58", "tax2": "0.00", "total": "9.08",
             "taxrate": "21.000", "status": "Paid" if paid else "Unpaid",
             "paymentmethod": "banktransfer"}
        )  # fmt: skip
        item_rows.append(
            {"invoiceid": n, "userid": (service - 1) % clients + 1, "type": "Hosting",
             "relid": service, "description": f"Webhosting bench{service}.nl",
             "amount": "7.50", "taxed": 1, "duedate": issued}
        )  # fmt: skip
        if paid:
            account_rows.append(
                {"userid": (service - 1) % clients + 1, "gateway": "banktransfer",
                 "date": datetime.datetime.combine(issued, datetime.time(12)), "amountin": "9.08",
                 "transid": f"BANK-{n}", "invoiceid": n}
            )  # fmt: skip
    insert("tblinvoices", invoice_rows)
    insert("tblinvoiceitems", item_rows)
    insert("tblaccounts", account_rows)


def main() -> None:
    mariadb = server_connect()
    name = f"hw_whmcs_bench_{uuid.uuid4().hex[:8]}"
    database_create(mariadb, name)
    try:
        started = time.perf_counter()
        build(mariadb, arguments.clients, arguments.services, arguments.invoices)
        build_seconds = time.perf_counter() - started
        address = database_address(f"mysql://root@127.0.0.1:3306/{name}")
        options = ImportOptions(encryption_hash=HASH)
        started = time.perf_counter()
        with WhmcsReader(address) as reader:
            first = whmcs_import(actor=Actor.system(via="command"), reader=reader, options=options)
        first_seconds = time.perf_counter() - started
        started = time.perf_counter()
        with WhmcsReader(address) as reader:
            second = whmcs_import(actor=Actor.system(via="command"), reader=reader, options=options)
        second_seconds = time.perf_counter() - started
    finally:
        database_drop(mariadb, name)
        mariadb.close()
    result = {
        "database": connection.vendor,
        "clients": Client.objects.count(),
        "services": Service.objects.count(),
        "invoices": Invoice.objects.count(),
        "payments": Payment.objects.count(),
        "build_seconds": round(build_seconds, 1),
        "seconds": round(first_seconds, 1),
        "second_run_seconds": round(second_seconds, 1),
        "second_run_created": sum(second["created"].values()),
        "skipped": len(first["skipped"]),
    }
    assert result["second_run_created"] == 0, second["created"]
    assert result["invoices"] == arguments.invoices, first["skipped"][:5]
    print(json.dumps(result))


main()
connection.close()
if os.environ.get("DATABASE_URL", "").endswith(BENCH_DB):
    import psycopg

    with psycopg.connect(f"{url.rpartition('/')[0]}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
