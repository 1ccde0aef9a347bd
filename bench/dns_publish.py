"""Benchmark: create zones from the default template and publish them to a real PowerDNS with
`hostwerk worker` processes; then the time from a record saved by staff to its DNS answer.

Starts pdns_server (hostwerk.sandbox.powerdns) in a temporary directory, sets Django up on a
temporary SQLite database (or DATABASE_URL), creates the zones with zone_create (which queues
their publishing) while no worker runs, then starts --workers `hostwerk worker` processes and
times the publish jobs from the first one started to the last one finished. With the workers
still running it saves a record change --changes times through record_update, as the staff DNS
editor does, and asks pdns_server over UDP on loopback every 5 ms until it answers the new
address. Prints JSON: {"zones": ..., "publish_seconds": ..., "save_to_answer_ms": ...}.

    .venv/bin/python bench/dns_publish.py [--zones 1000] [--workers 4] [--changes 10]

Goals: 10,000 zones published in <= 60 s, a saved record answered in <= 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_PUBLISH_SECONDS_10K = 60.0
GOAL_SAVE_TO_ANSWER_MS = 2000.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zones", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4, help="hostwerk worker processes")
    parser.add_argument("--changes", type=int, default=10, help="records saved and looked up")
    arguments = parser.parse_args()

    from hostwerk.sandbox import powerdns

    if not powerdns.powerdns_available():
        print(json.dumps({"error": "PowerDNS missing: " + ", ".join(powerdns.missing_parts())}))
        return 1
    work = Path(tempfile.mkdtemp(prefix="hostwerk-bench-dns-"))
    server = powerdns.start(work / "powerdns")
    try:
        os.environ.update(
            {
                "HOSTWERK_VAR_DIR": str(work / "var"),
                "HOSTWERK_DNS_PUBLISHER": "powerdns",
                "HOSTWERK_POWERDNS_API_URL": server.api_url,
                "HOSTWERK_POWERDNS_API_KEY": server.api_key,
                "HOSTWERK_LOG_LEVEL": "WARNING",
                "DJANGO_SETTINGS_MODULE": "hostwerk.settings",
            }
        )
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
        import django

        django.setup()
        return run(arguments, server)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


def start_workers(count: int) -> list[subprocess.Popen]:
    from django.conf import settings

    environment = {**os.environ, "PYTHONPATH": str(Path(settings.PACKAGE_DIR).parent)}
    # The worker's own default poll interval (1 s), as in production.
    command = [sys.executable, "-m", "hostwerk.cli", "worker"]
    return [
        subprocess.Popen(
            [*command, "--worker-id", f"bench-dns-{n}"],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(count)
    ]


def dns_answer(server, name: str) -> list[str]:
    import dns.message
    import dns.query

    answer = dns.query.udp(
        dns.message.make_query(name, "A"), server.dns_host, port=server.dns_port, timeout=3
    )
    return sorted(rdata.to_text() for rrset in answer.answer for rdata in rrset)


def save_to_answer(server, zone, changes: int) -> list[float]:
    """Milliseconds from saving the www record (record_update, a staff actor) to pdns_server
    answering its new address, `changes` times."""
    from hostwerk.accounts.models import User
    from hostwerk.core.audit import Actor
    from hostwerk.dns.actions import record_update

    staff = User.objects.create_user(email="dns-bench@hostwerk.test", password=None, is_staff=True)
    actor = Actor.for_user(staff)
    timings = []
    for number in range(changes):
        address = f"198.51.100.{number + 1}"
        record = zone.records.get(name="www", type="A")
        started = time.perf_counter()
        record_update(actor=actor, record=record, name="www", type="A", content=address)
        while dns_answer(server, f"www.{zone.name}.") != [address]:
            if time.perf_counter() - started > 30:
                raise SystemExit(f"www.{zone.name} did not answer {address} within 30 s")
            time.sleep(0.005)
        timings.append((time.perf_counter() - started) * 1000)
        time.sleep(0.3)  # the next change does not find the worker just busy
    return timings


def run(arguments, server) -> int:
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Max, Min
    from django_tasks_db.models import DBTaskResult

    from hostwerk.core.audit import Actor
    from hostwerk.dns.models import PublishStatus, Zone
    from hostwerk.provisioning.models import Server, ServerKind
    from hostwerk.provisioning.zones import zone_create

    count = arguments.zones
    call_command("migrate", verbosity=0)
    assert not Zone.objects.exists(), "the database already holds zones"
    Server.objects.create(
        name="movealong",
        kind=ServerKind.FORWARDING,
        hostname="movealong.movenext.nl",
        api_url="http://127.0.0.1:9",
        web_ip="203.0.113.4",
        mail_ip="203.0.113.5",
    )
    actor = Actor.system(via="command")

    started = time.perf_counter()
    for number in range(count):
        zone_create(actor=actor, domain=f"bench-{number:05d}.nl")
    created = time.perf_counter()
    publishing = DBTaskResult.objects.filter(task_path="hostwerk.dns.tasks.publish_zone")
    jobs = publishing.count()
    connection.close()

    workers = start_workers(arguments.workers)
    try:
        while Zone.objects.filter(status=PublishStatus.PUBLISHED).count() < count:
            time.sleep(0.2)
            if time.perf_counter() - created > 3600:
                break
        span = publishing.aggregate(first=Min("started_at"), last=Max("finished_at"))
        publish_seconds = (span["last"] - span["first"]).total_seconds()
        published = Zone.objects.filter(status=PublishStatus.PUBLISHED).count()
        last_answers = dns_answer(server, f"www.bench-{count - 1:05d}.nl.")
        latencies = save_to_answer(
            server, Zone.objects.get(name=f"bench-{count // 2:05d}.nl"), arguments.changes
        )
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
    print(
        json.dumps(
            {
                "zones": count,
                "workers": arguments.workers,
                "create_seconds": round(created - started, 2),
                "publish_jobs": jobs,
                "publish_seconds": round(publish_seconds, 2),
                "zones_per_second": round(count / publish_seconds, 1),
                "published": published,
                "records_per_zone": 4,
                "last_zone_answers": last_answers,
                "save_to_answer_ms": {
                    "changes": len(latencies),
                    "median": round(statistics.median(latencies), 1),
                    "max": round(max(latencies), 1),
                },
                "goal_publish_seconds_for_10000": GOAL_PUBLISH_SECONDS_10K,
                "goal_save_to_answer_ms": GOAL_SAVE_TO_ANSWER_MS,
                "ok": count / publish_seconds >= 10_000 / GOAL_PUBLISH_SECONDS_10K
                and max(latencies) <= GOAL_SAVE_TO_ANSWER_MS,
                "database": connection.vendor,
                "powerdns_backend": "gsqlite3",
                "load_average": os.getloadavg(),
            }
        )
    )
    return 0 if published == count else 1


if __name__ == "__main__":
    sys.exit(main())
