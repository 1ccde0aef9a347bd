"""One billing run over N due services (default 100,000), bulk-inserted; prints JSON.

    .venv/bin/python bench/billing_run.py [--services N] [--per-client K]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/billing_run.py

On PostgreSQL a fresh database `hostwerk_bench_billing` is made next to the one in DATABASE_URL
(and dropped again); on SQLite a temporary file. The goal is 100k services in 60 s on PostgreSQL,
with the query count growing with the batches of clients, not with the services.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import time

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--services", type=int, default=100_000)
parser.add_argument("--per-client", type=int, default=3, help="services per client")
arguments = parser.parse_args()

BENCH_DB = "hostwerk_bench_billing"
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

from django.db import connection  # noqa: E402

from hostwerk.billing.models import Invoice, InvoiceLine  # noqa: E402
from hostwerk.billing.run import billing_run  # noqa: E402
from hostwerk.catalog.models import Product, ProvisioningModule  # noqa: E402
from hostwerk.clients.models import Client  # noqa: E402
from hostwerk.core.audit import Actor  # noqa: E402
from hostwerk.provisioning.models import Service  # noqa: E402

DAY = datetime.date(2027, 3, 1)
DUE = DAY + datetime.timedelta(days=14)
BATCH = 5000


def build(services: int, per_client: int) -> tuple[int, float]:
    started = time.perf_counter()
    product = Product.objects.create(
        name_en="Hosting", name_nl="Hosting", module=ProvisioningModule.NONE
    )
    clients = -(-services // per_client)
    for start in range(0, clients, BATCH):
        Client.objects.bulk_create(
            [
                Client(
                    number=100_000 + number,
                    first_name="Bench",
                    last_name=f"Client {number}",
                    email=f"bench{number}@example.nl",
                    address1="Keizersgracht 1",
                    postcode="1015 CJ",
                    city="Amsterdam",
                    country="NL",
                    language="nl",
                )
                for number in range(start, min(start + BATCH, clients))
            ]
        )
    client_ids = list(Client.objects.order_by("id").values_list("id", flat=True))
    for start in range(0, services, BATCH):
        Service.objects.bulk_create(
            [
                Service(
                    client_id=client_ids[number // per_client],
                    product=product,
                    domain=f"bench{number}.nl",
                    status="active",
                    billing_cycle="monthly",
                    recurring_amount="7.50",
                    next_due_date=DUE,
                    billing_anchor_day=DUE.day,
                )
                for number in range(start, min(start + BATCH, services))
            ]
        )
    return clients, time.perf_counter() - started


def main() -> None:
    clients, build_seconds = build(arguments.services, arguments.per_client)
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        summary = billing_run(actor=Actor.system(via="command"), day=DAY)
    seconds = time.perf_counter() - started
    result = {
        "database": connection.vendor,
        "services": arguments.services,
        "clients": clients,
        "build_seconds": round(build_seconds, 1),
        "seconds": round(seconds, 1),
        "invoices": Invoice.objects.count(),
        "lines": InvoiceLine.objects.count(),
        "queries": queries,
        "errors": len(summary["errors"]),
    }
    assert result["invoices"] == summary["invoices_created"] == clients, (result, summary)
    print(json.dumps(result))


main()
connection.close()
if os.environ.get("DATABASE_URL", "").endswith(BENCH_DB):
    import psycopg

    with psycopg.connect(f"{url.rpartition('/')[0]}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
