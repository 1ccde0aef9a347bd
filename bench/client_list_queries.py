"""Queries and time of the staff client list page at 10 and at 1,000 clients; prints JSON.

.venv/bin/python bench/client_list_queries.py
"""

from __future__ import annotations

import json
import statistics
import time

from _setup import django_with_fresh_database

django_with_fresh_database()

from django.db import connection  # noqa: E402
from django.test import Client as WebClient  # noqa: E402

from hostwerk.accounts.models import User  # noqa: E402
from hostwerk.clients.models import Client  # noqa: E402


def measure(web: WebClient, url: str, runs: int = 20) -> dict:
    web.get(url)  # warm caches (templates, the session) first
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        first = web.get(url)
    assert first.status_code == 200, first.status_code
    durations = []
    for _ in range(runs):
        started = time.perf_counter()
        response = web.get(url)
        durations.append((time.perf_counter() - started) * 1000)
    assert response.status_code == 200
    return {"queries": len(queries), "median_ms": round(statistics.median(durations), 2)}


def main() -> None:
    staff = User.objects.create_user("bench@hostwerk.test", "bench-password-123", is_staff=True)
    web = WebClient()
    web.force_login(staff)
    results = {}
    created = 0
    for total in (10, 1000):
        Client.objects.bulk_create(
            Client(
                number=10001 + n,
                first_name="Jan",
                last_name=f"Klant {n}",
                email=f"klant{n}@example.nl",
            )
            for n in range(created, total)
        )
        created = total
        results[str(total)] = {
            "list": measure(web, "/staff/clients/"),
            "search": measure(web, "/staff/clients/?q=klant+99"),
            "last_page": measure(web, "/staff/clients/?page=40"),
        }
    print(json.dumps({"benchmark": "staff client list", "clients": results}, indent=2))


main()
