"""Staff global search over N clients (default 100,000 on PostgreSQL, 20,000 on SQLite), each
with a domain, a hosting service, a mailbox, an order and an invoice; prints JSON with p50/p95
milliseconds and the query plan's use of indexes per kind of query.

    .venv/bin/python bench/search.py [--clients N] [--runs R]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/search.py

On PostgreSQL a fresh database `hostwerk_bench_search` is made next to the one in DATABASE_URL
(and dropped again); on SQLite a temporary file. The goal is under 100 ms per search at 100k.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import time

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--clients", type=int, default=None)
parser.add_argument("--runs", type=int, default=30, help="searches per kind of query")
arguments = parser.parse_args()

BENCH_DB = "hostwerk_bench_search"
url = os.environ.get("DATABASE_URL", "")
postgres = url.startswith("postgres")
if postgres:
    import psycopg

    base, _, _ = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        admin.execute(f"CREATE DATABASE {BENCH_DB}")
    os.environ["DATABASE_URL"] = f"{base}/{BENCH_DB}"

from _setup import django_with_fresh_database  # noqa: E402

django_with_fresh_database()

from django.db import connection  # noqa: E402

from hostwerk.billing.models import Invoice  # noqa: E402
from hostwerk.catalog.models import Product, ProvisioningModule, Tld  # noqa: E402
from hostwerk.clients.models import Client  # noqa: E402
from hostwerk.domains.models import Domain  # noqa: E402
from hostwerk.mail.models import Mailbox  # noqa: E402
from hostwerk.orders.models import Order  # noqa: E402
from hostwerk.provisioning.models import Service  # noqa: E402
from hostwerk.staff.search import search_everything, search_kind, search_terms  # noqa: E402

BATCH = 5000
FIRST = ["Jan", "Anna", "Pieter", "Sanne", "Kees", "Fleur", "Daan", "Emma", "Bram", "Lotte"]
PARTICLES = ["", "", "", "de ", "van ", "van der "]
LAST = ["Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Dijkstra"]
COMPANY = ["", "", "Bakkerij", "Garage", "Studio", "Installatiebedrijf", "Kapsalon"]


def build(total: int) -> float:
    started = time.perf_counter()
    rng = random.Random(7)
    product = Product.objects.create(
        name_en="Hosting", name_nl="Hosting", module=ProvisioningModule.NONE
    )
    tld = Tld.objects.create(name="nl")
    today = datetime.date(2027, 3, 1)
    for start in range(0, total, BATCH):
        numbers = range(start, min(start + BATCH, total))
        clients = Client.objects.bulk_create(
            Client(
                number=100000 + n,
                first_name=rng.choice(FIRST),
                last_name=f"{rng.choice(PARTICLES)}{rng.choice(LAST)}{n}",
                company=(f"{rng.choice(COMPANY)} {rng.choice(LAST)}{n}".strip() if n % 3 else ""),
                email=f"klant{n}@example{n % 97}.nl",
                phone=f"+316{n:08d}",
            )
            for n in numbers
        )
        services = Service.objects.bulk_create(
            Service(
                client=client,
                product=product,
                domain=f"klant{n}.nl",
                username=f"klant{n}",
                status="active",
                billing_cycle="annually",
                recurring_amount="75.00",
            )
            for n, client in zip(numbers, clients, strict=True)
        )
        Domain.objects.bulk_create(
            Domain(client=client, tld=tld, name=f"klant{n}.nl", status="active")
            for n, client in zip(numbers, clients, strict=True)
        )
        Mailbox.objects.bulk_create(
            Mailbox(service=service, local_part="info", address=f"info@klant{n}.nl")
            for n, service in zip(numbers, services, strict=True)
        )
        Order.objects.bulk_create(
            Order(client=client, number=500000 + n, channel="staff")
            for n, client in zip(numbers, clients, strict=True)
        )
        Invoice.objects.bulk_create(
            Invoice(
                number=f"2027-{n + 1:05d}",
                year=2027,
                sequence=n + 1,
                client=client,
                issued_on=today,
                due_on=today,
                vat_scheme="domestic",
                vat_rate="21.00",
                currency="EUR",
                client_name=client.full_name,
            )
            for n, client in zip(numbers, clients, strict=True)
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def queries_for(total: int) -> dict[str, list[str]]:
    middle = total // 2
    return {
        "client_number": [str(100000 + middle + n) for n in range(5)],
        "last_name_prefix": ["jans", "bakker1", "visser12", "smit", "dijkstra99"],
        "last_name_after_particle": ["vries12", "meijer3", "bos77"],
        "full_name": ["jan de vries1", "anna bakker2", "kees van mulder"],
        "company": ["bakkerij", "garage smit", "kapsalon"],
        "company_part": ["installatie", "dijkstra4"] if postgres else ["installatiebedrijf"],
        "email": [f"klant{middle}@", "klant12", "klant9999@example"],
        "phone": [f"06{middle:08d}"[:8], "+31 6 0001", "0612"],
        "domain": [f"klant{middle}.nl", "www.klant42.nl", "klant77"],
        "order_number": [str(500000 + middle), str(500001)],
        "invoice_number": [f"2027-{middle:05d}", "2027-0001"],
        "mailbox": [f"info@klant{middle}", "info@klant1"],
        "no_match": ["zzzzqq", "qwerty"],
    }


def uses_index(plan: str) -> bool:
    text = plan.lower()
    if connection.vendor == "postgresql":
        return "seq scan" not in text
    return "scan " not in text  # SEARCH uses an index; SCAN reads a whole table or index


def main() -> None:
    total = arguments.clients or (100_000 if postgres else 20_000)
    build_seconds = build(total)
    results: dict[str, dict] = {}
    for kind, texts in queries_for(total).items():
        durations = []
        hits = 0
        for run in range(arguments.runs):
            text = texts[run % len(texts)]
            started = time.perf_counter()
            terms = search_terms(text)
            groups = search_everything(terms=terms) if terms else []
            durations.append((time.perf_counter() - started) * 1000)
            hits += sum(len(group.results) for group in groups)
        full_page_durations = []
        for run in range(min(arguments.runs, 10)):
            terms = search_terms(texts[run % len(texts)])
            started = time.perf_counter()
            queryset = search_kind(terms=terms, kind="clients")
            queryset.count()
            list(queryset[:25])
            full_page_durations.append((time.perf_counter() - started) * 1000)
        durations.sort()
        terms = search_terms(texts[0])
        results[kind] = {
            "p50_ms": round(statistics.median(durations), 2),
            "p95_ms": round(durations[int(len(durations) * 0.95) - 1], 2),
            "max_ms": round(durations[-1], 2),
            "client_page_p50_ms": round(statistics.median(full_page_durations), 2),
            "results_per_search": round(hits / arguments.runs, 1),
            "client_query_uses_index": uses_index(
                search_kind(terms=terms, kind="clients").explain()
            ),
        }
    print(
        json.dumps(
            {
                "benchmark": "staff global search",
                "database": connection.vendor,
                "clients": total,
                "build_seconds": round(build_seconds, 1),
                "queries": results,
            },
            indent=2,
        )
    )


try:
    main()
finally:
    if postgres:
        connection.close()
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
