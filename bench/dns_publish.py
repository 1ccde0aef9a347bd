"""Benchmark: create 1,000 zones from the default template and publish them to a real PowerDNS.

Starts pdns_server (hostwerk.sandbox.powerdns) in a temporary directory, sets Django up on a
temporary SQLite database, creates the zones with zone_create (which queues their publishing) and
runs the publish tasks the way the worker does, one after the other. Prints JSON:
{"zones": 1000, "seconds": ..., "zones_per_second": ..., ...}.

    .venv/bin/python bench/dns_publish.py [--zones N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zones", type=int, default=1000)
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
                "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
                "HOSTWERK_DNS_PUBLISHER": "powerdns",
                "HOSTWERK_POWERDNS_API_URL": server.api_url,
                "HOSTWERK_POWERDNS_API_KEY": server.api_key,
                "HOSTWERK_LOG_LEVEL": "WARNING",
                "DJANGO_SETTINGS_MODULE": "hostwerk.settings",
            }
        )
        import django

        django.setup()
        return run(arguments.zones, server)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


def run(count: int, server) -> int:
    import dns.message
    import dns.query
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from hostwerk.core.audit import Actor
    from hostwerk.dns.models import PublishStatus, Zone
    from hostwerk.dns.tasks import publish_zone
    from hostwerk.provisioning.models import Server, ServerKind
    from hostwerk.provisioning.zones import zone_create

    call_command("migrate", verbosity=0)
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
    zone_ids = list(
        DBTaskResult.objects.ready()
        .filter(task_path="hostwerk.dns.tasks.publish_zone")
        .values_list("args_kwargs", flat=True)
    )
    for arguments in zone_ids:
        publish_zone.call(*arguments["args"])
    finished = time.perf_counter()

    published = Zone.objects.filter(status=PublishStatus.PUBLISHED).count()
    answer = dns.query.udp(
        dns.message.make_query(f"www.bench-{count - 1:05d}.nl.", "A"),
        server.dns_host,
        port=server.dns_port,
        timeout=3,
    )
    seconds = finished - started
    print(
        json.dumps(
            {
                "zones": count,
                "seconds": round(seconds, 2),
                "zones_per_second": round(count / seconds, 1),
                "create_seconds": round(created - started, 2),
                "publish_seconds": round(finished - created, 2),
                "published": published,
                "records_per_zone": 4,
                "last_zone_answers": [
                    rdata.to_text() for rrset in answer.answer for rdata in rrset
                ],
                "database": "sqlite",
                "powerdns_backend": "gsqlite3",
            }
        )
    )
    return 0 if published == count else 1


if __name__ == "__main__":
    sys.exit(main())
