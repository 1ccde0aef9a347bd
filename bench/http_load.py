"""HTTP load over loopback: gunicorn (4 workers) and one `hostwerk worker` on the bench data set,
16 clients over a mix of staff pages and API calls for a fixed time; prints JSON.

    .venv/bin/python bench/http_load.py [--clients 1000] [--seconds 60] [--concurrency 16]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hw_bench .venv/bin/python bench/http_load.py

Without DATABASE_URL a temporary SQLite file is built with --clients clients (bench/dataset.py);
a database that already holds the data set is used as it is. gunicorn runs with DEBUG off, as in
production (operations.md), but over plain HTTP. Staff pages use a logged-in staff session, API
calls a staff token. The load generator is ours: threads, one light socket client each
(`_http_client.py`: it leaves the cores to the server), each walking the mix from its own
starting point. `--url /health` loads only the given paths instead (without a login, or with
`--as staff` / `--as api`): the cost of a request that does almost nothing, the floor for this
machine; `--as staff --url /staff/search/` is a staff page with nothing on it. Prints requests/s, p50/p95/max per endpoint
and in all, and errors by status. Goal: >= 300 requests/s with no errors.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from _cpu import cpu_seconds, cpu_used
from _http_client import HttpGetter
from _setup import django_in_database

GOAL_REQUESTS_PER_SECOND = 300

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--clients", type=int, default=1000, help="size to build if the DB is empty")
parser.add_argument("--seconds", type=float, default=60.0)
parser.add_argument("--concurrency", type=int, default=16)
parser.add_argument("--web-workers", type=int, default=4, help="gunicorn workers")
parser.add_argument(
    "--threads", type=int, default=1, help="threads per gunicorn worker (gthread: keep-alive)"
)
parser.add_argument(
    "--url", action="append", default=[], help="load only this path, as --as says (repeatable)"
)
parser.add_argument(
    "--as",
    dest="login",
    choices=("anonymous", "staff", "api"),
    default="anonymous",
    help="who asks for the --url paths: nobody, the staff session or the staff API token",
)
parser.add_argument("--warmup", type=float, default=3.0, help="seconds of load not counted")
arguments = parser.parse_args()

if not os.environ.get("DATABASE_URL"):
    # A file both this process and gunicorn's workers open.
    import tempfile

    scratch = Path(tempfile.mkdtemp(prefix="hostwerk-bench-http-"))
    os.environ["HOSTWERK_VAR_DIR"] = str(scratch)
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
django_in_database()

import dataset  # noqa: E402
import httpx  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client as WebClient  # noqa: E402

from hostwerk.accounts.models import ApiToken, User  # noqa: E402
from hostwerk.accounts.tokens import api_token_create  # noqa: E402
from hostwerk.clients.models import Client  # noqa: E402
from hostwerk.core.audit import Actor  # noqa: E402
from hostwerk.dns.models import Zone  # noqa: E402
from hostwerk.orders.models import Order  # noqa: E402
from hostwerk.provisioning.models import Service  # noqa: E402


def mix(clients: int) -> list[tuple[str, str, str]]:
    """(name, who, url) of the mix: what staff click through in a working day, and what an
    integration (a billing or monitoring script) asks the API. Each entry is one request."""
    middle = clients // 2
    client = Client.objects.get(number=100_000 + middle)
    service = Service.objects.filter(client=client).order_by("id").first()
    order = Order.objects.order_by("id")[Order.objects.count() // 2]
    zone = Zone.objects.order_by("id")[Zone.objects.count() // 2]
    return [
        ("staff dashboard", "staff", "/staff/"),
        ("staff clients", "staff", "/staff/clients/"),
        ("staff clients search", "staff", f"/staff/clients/?q={100_000 + middle}"),
        ("staff client detail", "staff", f"/staff/clients/{client.pk}/"),
        ("staff orders", "staff", "/staff/orders/"),
        ("staff order detail", "staff", f"/staff/orders/{order.pk}/"),
        ("staff services", "staff", "/staff/services/"),
        ("staff service detail", "staff", f"/staff/services/{service.pk}/"),
        ("staff invoices", "staff", "/staff/billing/"),
        ("staff zone detail", "staff", f"/staff/dns/{zone.pk}/"),
        ("api clients", "api", "/api/v1/clients"),
        ("api client", "api", f"/api/v1/clients/{client.pk}"),
        ("api client again", "api", f"/api/v1/clients/{client.pk}"),
        ("api services", "api", "/api/v1/services"),
        ("api orders", "api", "/api/v1/orders"),
        ("api zone", "api", f"/api/v1/dns/zones/{zone.name}"),
        ("api zones", "api", "/api/v1/dns/zones"),
        ("api servers", "api", "/api/v1/servers"),
        ("api invoices", "api", "/api/v1/invoices"),
        ("api domains", "api", "/api/v1/domains"),
    ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_processes(port: int) -> list[subprocess.Popen]:
    environment = {
        **os.environ,
        "HOSTWERK_DEBUG": "0",
        "HOSTWERK_ALLOWED_HOSTS": "127.0.0.1",
        "HOSTWERK_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(Path(settings.PACKAGE_DIR).parent),
    }
    gunicorn = [sys.executable, "-m", "gunicorn", "hostwerk.wsgi:application"]
    gunicorn += ["--bind", f"127.0.0.1:{port}", "--workers", str(arguments.web_workers)]
    gunicorn += ["--timeout", "60", "--log-level", "warning"]
    if arguments.threads > 1:
        gunicorn += ["--worker-class", "gthread", "--threads", str(arguments.threads)]
    worker = [sys.executable, "-m", "hostwerk.cli", "worker", "--worker-id", "bench-http-1"]
    return [
        subprocess.Popen(gunicorn, env=environment),
        subprocess.Popen(worker, env=environment, stdout=subprocess.DEVNULL),
    ]


def wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/login/", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 60 s")


def load(port: int, requests: list[tuple[str, dict]], names: list[str]) -> dict:
    """Run the clients; returns per-name latencies (ms) and statuses counted after the warm-up."""
    stop_at = time.monotonic() + arguments.warmup + arguments.seconds
    count_from = time.monotonic() + arguments.warmup
    latencies: dict[str, list[float]] = {name: [] for name in names}
    statuses: Counter = Counter()
    failures: Counter = Counter()
    lock = threading.Lock()

    def client_thread(start: int) -> None:
        mine: list[tuple[str, float, int | str]] = []
        http = HttpGetter("127.0.0.1", port)
        index = start
        while (now := time.monotonic()) < stop_at:
            url, headers = requests[index % len(requests)]
            name = names[index % len(requests)]
            index += 1
            started = time.perf_counter()
            status: int | str
            try:
                status, _ = http.get(url, headers)
            except (OSError, ValueError) as error:
                status = type(error).__name__
            if now >= count_from:
                mine.append((name, (time.perf_counter() - started) * 1000, status))
        http.close()
        with lock:
            for name, milliseconds, status in mine:
                latencies[name].append(milliseconds)
                statuses[status] += 1
                if status != 200:
                    failures[f"{name}: {status}"] += 1

    step = max(1, len(requests) // arguments.concurrency)
    threads = [
        threading.Thread(target=client_thread, args=(n * step,))
        for n in range(arguments.concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "statuses": statuses, "failures": failures}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def main() -> None:
    if not Client.objects.exists():
        print(json.dumps({"built": dataset.build(arguments.clients)}), flush=True)
    clients = Client.objects.count()
    staff = User.objects.get(email=dataset.STAFF_EMAIL)
    browser = WebClient()
    browser.force_login(staff)  # a session row in the database, as a real login makes
    session = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={browser.cookies['sessionid'].value}"}
    ApiToken.objects.filter(user=staff, name="http load").delete()
    _, token = api_token_create(actor=Actor.system(via="command"), user=staff, name="http load")
    api = {"Authorization": f"Bearer {token}"}
    entries = [(url, arguments.login, url) for url in arguments.url] or mix(clients)
    headers_of = {"api": api, "staff": session, "anonymous": {}}
    requests = [(url, headers_of[who]) for _, who, url in entries]
    names = [name for name, _, _ in entries]
    database = connection.vendor
    connection.close()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    processes = start_processes(port)
    try:
        wait_until_up(base)
        for url, headers in requests:  # every endpoint answers before the clock starts
            status = httpx.get(base + url, headers=headers, timeout=30).status_code
            assert status == 200, (url, status)
        cpu_before = cpu_seconds()
        result = load(port, requests, names)
        cpu_after = cpu_seconds()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)

    every = [ms for values in result["latencies"].values() for ms in values]
    for name in names:
        values = result["latencies"][name]
        if name == "api client again" or not values:
            continue
        print(
            json.dumps(
                {
                    "endpoint": name,
                    "requests": len(values),
                    "p50": round(statistics.median(values), 1),
                    "p95": round(percentile(values, 0.95), 1),
                }
            )
        )
    rate = len(every) / arguments.seconds
    errors = {str(k): v for k, v in result["statuses"].items() if k != 200}
    print(
        json.dumps(
            {
                "benchmark": "http load: staff pages and API over gunicorn",
                "database": database,
                "clients": clients,
                "gunicorn_workers": arguments.web_workers,
                "gunicorn_threads": arguments.threads,
                "concurrency": arguments.concurrency,
                "seconds": arguments.seconds,
                "requests": len(every),
                "requests_per_second": round(rate, 1),
                "p50_ms": round(statistics.median(every), 1) if every else None,
                "p95_ms": round(percentile(every, 0.95), 1),
                "max_ms": round(max(every, default=0), 1),
                "errors_by_status": errors,
                "cpu_seconds": cpu_used(cpu_before, cpu_after),
                "errors_by_endpoint": dict(result["failures"]),
                "goal_requests_per_second": GOAL_REQUESTS_PER_SECOND,
                "ok": rate >= GOAL_REQUESTS_PER_SECOND and not errors,
                "load_average": os.getloadavg(),
            }
        )
    )


if __name__ == "__main__":
    main()
