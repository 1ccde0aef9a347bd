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

from hostwerk.accounts.models import ApiToken, User  # noqa: E402
from hostwerk.accounts.tokens import api_token_create  # noqa: E402
from hostwerk.billing.models import Invoice  # noqa: E402
from hostwerk.clients.models import Client  # noqa: E402
from hostwerk.core import clock  # noqa: E402
from hostwerk.core.audit import Actor  # noqa: E402
from hostwerk.dns.models import Zone  # noqa: E402
from hostwerk.domains.models import Domain  # noqa: E402
from hostwerk.mail.models import Mailbox  # noqa: E402
from hostwerk.orders.models import Order  # noqa: E402
from hostwerk.provisioning.models import Service  # noqa: E402

GOAL_P95_MS = 50.0


def pages(clients: int) -> list[tuple[str, str, str]]:
    """(name, who, url): who is staff, heavy (the client with 500 services), client or api."""
    middle = clients // 2  # a client in the middle of the set
    client = Client.objects.get(number=100_000 + middle)
    service = Service.objects.filter(client=client).order_by("id").first()
    invoice = Invoice.objects.filter(client=client).order_by("id").first()
    domain = Domain.objects.filter(client=client).first()
    order = Order.objects.order_by("id")[Order.objects.count() // 2]
    zone = Zone.objects.order_by("id")[Zone.objects.count() // 2]
    heavy_zone = Zone.objects.order_by("id").first()
    mailbox = Mailbox.objects.order_by("id")[Mailbox.objects.count() // 2]
    own_zone = Zone.objects.filter(client_id=1).first()
    return [
        ("staff dashboard", "staff", "/staff/"),
        ("staff clients", "staff", "/staff/clients/"),
        ("staff clients page 1000", "staff", "/staff/clients/?page=1000"),
        ("staff clients search name", "staff", f"/staff/clients/?q=Vries+{middle}"),
        ("staff clients search number", "staff", f"/staff/clients/?q={100_000 + middle}"),
        ("staff clients search email", "staff", f"/staff/clients/?q=client{middle}@"),
        ("staff client detail", "staff", f"/staff/clients/{client.pk}/"),
        ("staff client detail heavy", "staff", "/staff/clients/1/"),
        ("staff orders", "staff", "/staff/orders/"),
        ("staff orders page 1000", "staff", "/staff/orders/?page=1000"),
        ("staff orders pending", "staff", "/staff/orders/?status=pending"),
        ("staff orders of client", "staff", f"/staff/orders/?client={client.number}"),
        ("staff order detail", "staff", f"/staff/orders/{order.pk}/"),
        ("staff services", "staff", "/staff/services/"),
        ("staff services page 1000", "staff", "/staff/services/?page=1000"),
        ("staff services suspended", "staff", "/staff/services/?status=suspended"),
        ("staff services search", "staff", f"/staff/services/?q=site{3 * middle}.nl"),
        ("staff service detail", "staff", f"/staff/services/{service.pk}/"),
        ("staff domains", "staff", "/staff/domains/"),
        ("staff domains page 1000", "staff", "/staff/domains/?page=1000"),
        ("staff domains expired", "staff", "/staff/domains/?status=expired"),
        ("staff domains expiring", "staff", "/staff/domains/?expiring=on"),
        ("staff domains search", "staff", f"/staff/domains/?q=domein{middle}"),
        ("staff domain detail", "staff", f"/staff/domains/{domain.pk}/"),
        ("staff invoices", "staff", "/staff/billing/"),
        ("staff invoices page 1000", "staff", "/staff/billing/?page=1000"),
        ("staff invoices unpaid", "staff", "/staff/billing/?status=unpaid"),
        ("staff invoices search", "staff", f"/staff/billing/?q={invoice.number}"),
        ("staff invoices of client", "staff", f"/staff/billing/?client={client.pk}"),
        ("staff invoice detail", "staff", f"/staff/billing/invoices/{invoice.pk}/"),
        ("staff billing runs", "staff", "/staff/billing/runs/"),
        ("staff zones", "staff", "/staff/dns/"),
        ("staff zones page 1000", "staff", "/staff/dns/?page=1000"),
        ("staff zones search", "staff", f"/staff/dns/?q={zone.name}"),
        ("staff zone detail", "staff", f"/staff/dns/{zone.pk}/"),
        ("staff zone detail 500 records", "staff", f"/staff/dns/{heavy_zone.pk}/"),
        ("staff zone history", "staff", f"/staff/dns/{zone.pk}/history/"),
        ("staff mail filters", "staff", "/staff/mail/"),
        ("staff mailboxes", "staff", "/staff/mail/mailboxes/"),
        ("staff mailboxes page 1000", "staff", "/staff/mail/mailboxes/?page=1000"),
        ("staff mailboxes search", "staff", f"/staff/mail/mailboxes/?q={mailbox.address}"),
        ("staff mailbox detail", "staff", f"/staff/mail/mailboxes/{mailbox.pk}/"),
        ("staff servers", "staff", "/staff/settings/servers/"),
        ("client dashboard", "client", "/"),
        ("client services", "client", "/services/"),
        ("client service detail", "client", f"/services/{service.pk}/"),
        ("client invoices", "client", "/invoices/"),
        ("client invoice detail", "client", f"/invoices/{invoice.pk}/"),
        ("client orders", "client", "/orders/"),
        ("client domains", "client", "/domains/"),
        ("client domain detail", "client", f"/domains/{domain.pk}/"),
        ("client zones", "client", "/dns/"),
        ("client mailboxes", "client", "/mail/"),
        ("heavy client dashboard", "heavy", "/"),
        ("heavy client services", "heavy", "/services/"),
        ("heavy client services page 10", "heavy", "/services/?page=10"),
        ("heavy client zone 500 records", "heavy", f"/dns/{own_zone.pk}/" if own_zone else "/dns/"),
        ("api clients", "api", "/api/v1/clients"),
        ("api clients page 1000", "api", "/api/v1/clients?page=1000"),
        ("api clients search", "api", f"/api/v1/clients?q=Vries+{middle}"),
        ("api client", "api", f"/api/v1/clients/{client.pk}"),
        ("api invoices", "api", "/api/v1/invoices"),
        ("api invoices page 1000", "api", "/api/v1/invoices?page=1000"),
        ("api orders", "api", "/api/v1/orders"),
        ("api services", "api", "/api/v1/services"),
        ("api services suspended", "api", "/api/v1/services?status=suspended"),
        ("api domains", "api", "/api/v1/domains"),
        ("api zones", "api", "/api/v1/dns/zones"),
        ("api zone", "api", f"/api/v1/dns/zones/{zone.name}"),
        ("api mailboxes", "api", "/api/v1/mailboxes"),
        ("api mail filters", "api", "/api/v1/mail-filters"),
        ("api servers", "api", "/api/v1/servers"),
    ]


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
    staff = User.objects.get(email=dataset.STAFF_EMAIL)
    webs = {"staff": WebClient(), "client": WebClient(), "heavy": WebClient(), "api": WebClient()}
    webs["staff"].force_login(staff)
    webs["client"].force_login(User.objects.get(email=dataset.client_email(clients // 2)))
    webs["heavy"].force_login(User.objects.get(email=dataset.client_email(0)))
    ApiToken.objects.filter(user=staff).delete()
    _, token = api_token_create(actor=Actor.system(via="command"), user=staff, name="bench")
    api_headers = {"Authorization": f"Bearer {token}"}
    results = []
    for name, who, url in pages(clients):
        if arguments.only and arguments.only not in name:
            continue
        headers = api_headers if who == "api" else {}
        result = {"page": name, "url": url, **measure(webs[who], url, headers, arguments.runs)}
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
