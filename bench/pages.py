"""Every staff and client list/detail page and list API endpoint, warm, over the bench data set.

    .venv/bin/python bench/pages.py [--clients N] [--runs 30] [--only SUBSTRING]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hw_bench .venv/bin/python bench/pages.py

The database in DATABASE_URL is used as it is when it already holds the data set of
bench/dataset.py; an empty one (or, without DATABASE_URL, a temporary SQLite file) is filled first
with --clients clients (default 1,000). Each page is fetched once to warm up, once counting its
queries and timing the slowest, then --runs times through Django's test client. Prints one JSON
line per page (p50, p95 in ms, queries, slowest query in ms, whether it meets the goal) and a
summary line. Goal: p95 <= 50 ms; compare the query counts of two sizes for the other one.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from _setup import django_in_database

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--clients", type=int, default=1000, help="size to build if the DB is empty")
parser.add_argument("--runs", type=int, default=30)
parser.add_argument("--only", default="", help="only pages whose name contains this")
parser.add_argument("--sql", action="store_true", help="also print the slowest query's SQL")
arguments = parser.parse_args()

django_in_database()

import dataset  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client as WebClient  # noqa: E402
from page_list import logins, pages  # noqa: E402

from hostwerk.clients.models import Client  # noqa: E402
from hostwerk.core import clock  # noqa: E402

GOAL_P95_MS = 50.0


def measure(web: WebClient, url: str, headers: dict, runs: int) -> dict:
    first = web.get(url, headers=headers)  # warm: templates, session, caches
    timings: list[float] = []
    statements: list[str] = []

    def count(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append((time.perf_counter() - started) * 1000)
            statements.append(sql % tuple(repr(p) for p in params or ()) if params else sql)

    with connection.execute_wrapper(count):
        response = web.get(url, headers=headers)
    durations = []
    for _ in range(runs):
        started = time.perf_counter()
        web.get(url, headers=headers)
        durations.append((time.perf_counter() - started) * 1000)
    durations.sort()
    p95 = durations[min(len(durations) - 1, round(0.95 * (len(durations) - 1)))]
    slowest = statements[timings.index(max(timings))] if timings else ""
    return {
        **({"slowest_sql": slowest[:600]} if arguments.sql else {}),
        "status": response.status_code if first.status_code == response.status_code else "varies",
        "p50": round(statistics.median(durations), 1),
        "p95": round(p95, 1),
        "queries": len(timings),
        "slowest_query_ms": round(max(timings, default=0), 1),
        "ok": p95 <= GOAL_P95_MS and response.status_code == 200,
    }


def main() -> None:
    if not Client.objects.exists():
        built = dataset.build(arguments.clients)
        print(json.dumps({"built": built}))
    clients = Client.objects.count()
    logged_in = logins(clients)
    results = []
    for name, who, url in pages(clients):
        if arguments.only and arguments.only not in name:
            continue
        web, headers = logged_in[who]
        result = {"page": name, "url": url, **measure(web, url, headers, arguments.runs)}
        results.append(result)
        print(json.dumps(result), flush=True)
    missed = [result["page"] for result in results if not result["ok"]]
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "clients": clients,
                "pages": len(results),
                "goal_p95_ms": GOAL_P95_MS,
                "missed": missed,
                "worst_p95": max((result["p95"] for result in results), default=0),
            }
        )
    )


with clock.frozen_at(dataset.DAY):  # the day the data set describes: what is due, what is late
    main()
