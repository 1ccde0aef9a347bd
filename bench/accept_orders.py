"""Accepting the seed's real order (hosting + a new .nl domain + its zone + mail filtering) by
`hostwerk worker` processes, against the bare protocol cost of the same steps; prints JSON.

    .venv/bin/python bench/accept_orders.py [--orders 50] [--workers 4]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hw_bench16 .venv/bin/python bench/accept_orders.py
    .venv/bin/python bench/accept_orders.py --profile        # in-process, cProfile and query counts

One process runs the simulators on loopback (Plesk, the SIDN-like EPP registry over TLS,
SpamExperts) and the real PowerDNS (pdns_server, hostwerk.sandbox.powerdns). Each order is a new
client with three items: hosting on Plesk, registration of a new .nl domain, and mail filtering
of that domain at SpamExperts; accepting them creates the Plesk customer and subscription, the
registry contact and domain, the zone (published to PowerDNS, then again with the filter's MX) and
the filtering. The orders are placed, their acceptance is enqueued (`order_accept_later`, as the
API and bulk accept do), and then 1 and --workers `hostwerk worker` processes work the queue
until it is empty; orders/s is the number of orders over that wall time.

The bare cost is the same protocol round trips made directly with Hostwerk's integration clients
over one connection each: Plesk customer add + webspace add, EPP contact create + domain create
(one session), a PowerDNS zone create with the records and a PATCH with the filter's MX, and
SpamExperts domain add. The ratio is ms/order with one worker over bare ms/order (goal <= 2);
the throughput goal is >= 35 orders/s with 4 workers on PostgreSQL.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from _cpu import cpu_seconds, cpu_used
from _setup import django_in_database

GOAL_RATIO = 2.0
GOAL_ORDERS_PER_SECOND = 35.0

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--orders", type=int, default=50, help="orders per run (each run)")
parser.add_argument("--workers", type=int, default=4, help="worker processes of the second run")
parser.add_argument("--profile", action="store_true", help="accept in-process under cProfile")
arguments = parser.parse_args()

from hostwerk.sandbox import powerdns  # noqa: E402

if not powerdns.powerdns_available():
    print(json.dumps({"error": "PowerDNS missing: " + ", ".join(powerdns.missing_parts())}))
    sys.exit(1)
scratch = Path(tempfile.mkdtemp(prefix="hostwerk-bench-accept-"))
pdns = powerdns.start(scratch / "powerdns")
os.environ.update(
    {
        "HOSTWERK_VAR_DIR": str(scratch / "var"),
        "HOSTWERK_DNS_PUBLISHER": "powerdns",
        "HOSTWERK_POWERDNS_API_URL": pdns.api_url,
        "HOSTWERK_POWERDNS_API_KEY": pdns.api_key,
        "HOSTWERK_LOG_LEVEL": "WARNING",
    }
)
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
django_in_database()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from hostwerk.catalog.models import Product, ProductPrice, Tld, TldPrice  # noqa: E402
from hostwerk.clients.models import Client  # noqa: E402
from hostwerk.core.audit import Actor  # noqa: E402
from hostwerk.core.models import WorkerBeat  # noqa: E402
from hostwerk.domains.models import Registrar  # noqa: E402
from hostwerk.integrations.epp import ContactSpec, EppClient  # noqa: E402
from hostwerk.integrations.plesk import CustomerSpec, PleskClient, WebspaceSpec  # noqa: E402
from hostwerk.integrations.powerdns import PowerDnsClient, Record, RRSet  # noqa: E402
from hostwerk.integrations.spamexperts import SpamExpertsClient  # noqa: E402
from hostwerk.mail.models import MailFilterProvider  # noqa: E402
from hostwerk.orders.acceptance import order_accept, order_accept_later  # noqa: E402
from hostwerk.orders.actions import order_place  # noqa: E402
from hostwerk.orders.items import ItemRequest  # noqa: E402
from hostwerk.orders.models import Order  # noqa: E402
from hostwerk.provisioning.models import Server, ServerGroup  # noqa: E402
from hostwerk.sandbox.epp.server import start as start_registry  # noqa: E402
from hostwerk.sandbox.plesk.server import start as start_plesk  # noqa: E402
from hostwerk.sandbox.spamexperts.server import start as start_spamexperts  # noqa: E402

RUN = uuid.uuid4().hex[:6]  # names of this run: the database may hold earlier runs


class World:
    """The simulators and the catalogue that points at them."""

    def __init__(self) -> None:
        self.plesk = start_plesk(name="plesk1", ips=("192.0.2.11", "192.0.2.12"))
        self.forwarding = start_plesk(name="movealong", ips=("80.247.175.4",))
        self.registry = start_registry(port=0)
        self.spamexperts = start_spamexperts()
        group, _ = ServerGroup.objects.get_or_create(name=f"Plesk {RUN}")
        self.server = Server.objects.create(
            name=f"plesk1-{RUN}",
            kind="plesk",
            group=group,
            hostname="plesk1.test",
            api_url=self.plesk.url,
            username="admin",
            password="sandbox",
            verify_tls=False,
            web_ip="192.0.2.11",
            mail_ip="192.0.2.12",
        )
        Server.objects.filter(kind="forwarding").update(api_url=self.forwarding.url)
        Server.objects.get_or_create(
            kind="forwarding",
            defaults=dict(
                name="movealong",
                hostname="movealong.movenext.nl",
                api_url=self.forwarding.url,
                username="admin",
                password="sandbox",
                verify_tls=False,
                web_ip="80.247.175.4",
                mail_ip="80.247.175.4",
            ),
        )
        group.default_server = self.server
        group.save()
        self.hosting = Product.objects.create(
            name_nl="Webhosting Basis",
            name_en="Web hosting Basic",
            type="hosting",
            module="plesk",
            server_group=group,
            default_billing_cycle="annually",
            module_settings={"plan": "Default Domain", "hosting_type": "vrt_hst"},
        )
        ProductPrice.objects.create(product=self.hosting, billing_cycle="annually", amount="75")
        self.mail_filter = Product.objects.create(
            name_nl="Spamfilter",
            name_en="Spam filtering",
            type="mail_filter",
            module="spamexperts",
            default_billing_cycle="annually",
        )
        ProductPrice.objects.create(product=self.mail_filter, billing_cycle="annually", amount="25")
        provider = MailFilterProvider.objects.create(
            name=f"SpamExperts {RUN}",
            mode="api",
            api_url=self.spamexperts.url,
            username="admin",
            password="sandbox",
            verify_tls=False,
            request_email="",
        )
        provider.products.add(self.mail_filter)
        self.registrar = Registrar.objects.create(
            name=f"SIDN {RUN}",
            adapter="epp",
            host=self.registry.host,
            port=self.registry.port,
            username="admin",
            password="sandbox",
            verify_tls=True,
            settings={"ca_file": self.registry.ca_file, "timeout": 10},
        )
        tld, _ = Tld.objects.update_or_create(
            name="nl", defaults={"registrar": self.registrar, "max_years": 1}
        )
        for action in ("register", "transfer", "renew"):
            TldPrice.objects.get_or_create(
                tld=tld, action=action, years=1, defaults={"amount": "9.95"}
            )
        self.actor = Actor.system(via="command")
        self.next_number = (
            Client.objects.order_by("-number").values_list("number", flat=True).first() or 20000
        ) + 1

    def stop(self) -> None:
        for sandbox in (self.plesk, self.forwarding, self.registry, self.spamexperts):
            sandbox.stop()

    def place(self, count: int, label: str) -> list[Order]:
        orders = []
        for n in range(count):
            number = self.next_number
            self.next_number += 1
            client = Client.objects.create(
                number=number,
                first_name="Bench",
                last_name=f"Klant {number}",
                email=f"b{number}-{RUN}@example.nl",
                phone="+31201234567",
                address1="Keizersgracht 1",
                postcode="1015 CJ",
                city="Amsterdam",
                country="NL",
            )
            domain = f"b{RUN}-{label}{n}.nl"
            orders.append(
                order_place(
                    actor=self.actor,
                    client=client,
                    channel="staff",
                    items=[
                        ItemRequest(
                            product_id=self.hosting.pk, domain=domain, domain_choice="register"
                        ),
                        ItemRequest(
                            product_id=self.mail_filter.pk, domain=domain, domain_choice="existing"
                        ),
                    ],
                    generate_invoice=False,
                    send_confirmation=False,
                    send_invoice_email=False,
                )
            )
        return orders


def queued() -> int:
    """Jobs due or running. A publish that found its zone being published by another worker is
    queued again 5 s later only to check; the other worker publishes the newest version, so
    those checks are not waited for."""
    return (
        DBTaskResult.objects.ready().count() + DBTaskResult.objects.filter(status="RUNNING").count()
    )


def run_workers(orders: list[Order], workers: int) -> tuple[float, dict[str, float]]:
    """Enqueue the acceptance of `orders`, run `workers` worker processes until the queue is
    empty; return the wall time from enqueueing to the last job done, and the CPU seconds each
    program used meanwhile (the bench's own process runs the simulators)."""
    environment = {
        **os.environ,
        "PYTHONPATH": str(Path(settings.PACKAGE_DIR).parent),
        "HOSTWERK_LOG_LEVEL": "INFO",  # into the log file: the PowerDNS retries are counted
    }
    command = [sys.executable, "-m", "hostwerk.cli", "worker", "--interval", "0.05"]
    log = (scratch / f"workers-{workers}.log").open("a")  # django_tasks logs every job at INFO
    worker_ids = [f"bench-{RUN}-{workers}-{n}" for n in range(workers)]
    launched = timezone.now()
    processes = [
        subprocess.Popen(
            [*command, "--worker-id", worker_id],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        for worker_id in worker_ids
    ]
    try:
        # The clock starts when every worker has started (Django set-up) and beaten once.
        deadline = time.monotonic() + 120
        while (
            WorkerBeat.objects.filter(worker_id__in=worker_ids, beat_at__gte=launched).count()
            < workers
        ):
            assert time.monotonic() < deadline, "the workers did not start within 120 s"
            time.sleep(0.1)
        time.sleep(0.2)  # from its first beat to its first poll of the queue
        connection.close()
        cpu_before = cpu_seconds()
        started = time.perf_counter()
        for order in orders:
            order_accept_later(actor=Actor.system(via="command"), order=order)
        while queued():
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        return elapsed, cpu_used(cpu_before, cpu_seconds())
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
        log.close()


def check(orders: list[Order]) -> dict:
    statuses: dict[str, int] = {}
    for order in Order.objects.filter(pk__in=[order.pk for order in orders]).prefetch_related(
        "items"
    ):
        for item in order.items.all():
            key = f"{item.kind}:{item.status}"
            statuses[key] = statuses.get(key, 0) + 1
    return statuses


def bare(world: World, count: int) -> float:
    """ms per order of the protocol round trips alone, over one connection per protocol."""
    plesk = PleskClient(world.plesk.url, login="admin", password="sandbox", verify_tls=False)
    epp = EppClient(
        world.registry.host,
        world.registry.port,
        client_id="admin",
        password="sandbox",
        ca_file=world.registry.ca_file,
    )
    dns = PowerDnsClient(pdns.api_url, api_key=pdns.api_key, timeout=10)
    spam = SpamExpertsClient(world.spamexperts.url, username="admin", password="sandbox")
    epp.connect()
    started = time.perf_counter()
    for n in range(count):
        domain = f"bare{RUN}-{n}.nl"
        customer = plesk.customer_add(
            CustomerSpec(login=f"bare{RUN}{n}", password="Bench-Password-1", pname=f"Klant {n}")
        )
        plesk.webspace_add(
            WebspaceSpec(
                name=domain,
                owner_id=customer.id,
                ip_address="192.0.2.11",
                ftp_login=f"bare{RUN}{n}ftp",
                ftp_password="Bench-Password-1",
                plan_name="Default Domain",
            )
        )
        contact = epp.contact_create(
            ContactSpec(
                id=f"B{RUN}{n}"[:16],
                name=f"Bench Klant {n}",
                email=f"bare{n}@example.nl",
                street_lines=("Keizersgracht 1",),
                city="Amsterdam",
                postcode="1015 CJ",
                country_code="NL",
                voice="+31.201234567",
                legal_form="PERSOON",
            )
        )
        epp.domain_create(
            name=domain,
            years=1,
            registrant=contact,
            admin_contacts=[contact],
            tech_contacts=[contact],
            nameservers=list(settings.HOSTWERK_DNS_NAMESERVERS),
            auth_code="Bench-Auth-1",
        )
        zone = f"{domain}."
        dns.zone_create(
            name=zone,
            nameservers=[f"{server}." for server in settings.HOSTWERK_DNS_NAMESERVERS],
            rrsets=[
                RRSet(name=zone, type="A", ttl=3600, records=(Record(content="192.0.2.11"),)),
                RRSet(name=f"www.{zone}", type="A", ttl=3600, records=(Record("192.0.2.11"),)),
                RRSet(name=f"mn-mx1.{zone}", type="A", ttl=3600, records=(Record("192.0.2.12"),)),
                RRSet(name=zone, type="MX", ttl=3600, records=(Record(f"10 mn-mx1.{zone}"),)),
            ],
        )
        spam.domain_add(domain=domain, destinations=[("192.0.2.12", 25)])
        dns.zone_replace_rrsets(
            name=zone,
            replace=[
                RRSet(
                    name=zone,
                    type="MX",
                    ttl=3600,
                    records=(Record("10 spamx.example."), Record("20 spamx-fallback.example.")),
                )
            ],
        )
    elapsed = time.perf_counter() - started
    for client in (plesk, epp, dns, spam):
        client.close()
    return elapsed * 1000 / count


def profile(world: World, count: int) -> None:
    """Accept in this process, with the jobs it enqueues, under cProfile; queries per order."""
    from django.test.utils import CaptureQueriesContext

    from hostwerk.dns.tasks import publish_zone

    orders = world.place(count, "p")
    profiler = cProfile.Profile()
    queries = 0
    shapes: dict[str, int] = {}
    started = time.perf_counter()
    for order in orders:
        with CaptureQueriesContext(connection) as captured:
            profiler.enable()
            order_accept(actor=world.actor, order=order)
            for task in DBTaskResult.objects.ready().filter(
                task_path="hostwerk.dns.tasks.publish_zone"
            ):
                publish_zone.call(*task.args_kwargs["args"])
                task.delete()
            profiler.disable()
        queries += len(captured.captured_queries)
        for query in captured.captured_queries:
            shape = query["sql"].split(" WHERE ")[0][:90]
            shapes[shape] = shapes.get(shape, 0) + 1
    elapsed = time.perf_counter() - started
    reset_queries()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats(
        os.environ.get("PROFILE_SORT", "cumulative")
    ).print_stats(40)
    print(text.getvalue())
    print(
        json.dumps(
            {
                "profiled_orders": count,
                "ms_per_order": round(elapsed * 1000 / count, 1),
                "queries_per_order": round(queries / count, 1),
                "most_frequent_queries": sorted(shapes.items(), key=lambda kv: -kv[1])[:25],
                "items": check(orders),
            }
        )
    )


def per_order(cpu: dict[str, float]) -> dict[str, float]:
    return {name: round(seconds * 1000 / arguments.orders, 1) for name, seconds in cpu.items()}


def main() -> int:
    try:
        world = World()
    except BaseException:
        pdns.stop()
        raise
    try:
        if arguments.profile:
            profile(world, arguments.orders)
            return 0
        bare_ms = bare(world, arguments.orders)
        one = world.place(arguments.orders, "a")
        one_seconds, one_cpu = run_workers(one, 1)
        many = world.place(arguments.orders, "b")
        many_seconds, many_cpu = run_workers(many, arguments.workers)
        items = {"one_worker": check(one), f"{arguments.workers}_workers": check(many)}
        # PowerDNS on SQLite answers HTTP 500 ("database is locked") to concurrent writers; the
        # client retries after a backoff. How often that happened shows how much it cost.
        retries = {
            path.stem: path.read_text().count("answered HTTP 500")
            for path in sorted(scratch.glob("workers-*.log"))
        }
    finally:
        world.stop()
        pdns.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    ms_per_order = one_seconds * 1000 / arguments.orders
    many_rate = arguments.orders / many_seconds
    ratio = ms_per_order / bare_ms
    expected = {"hosting:accepted", "domain_register:accepted", "mail_filter:accepted"}
    accepted = all(
        set(counts) == expected and all(v == arguments.orders for v in counts.values())
        for counts in items.values()
    )
    print(
        json.dumps(
            {
                "benchmark": "accept hosting + .nl domain + zone + mail filtering by workers",
                "database": connection.vendor,
                "orders": arguments.orders,
                "ms_per_order_1_worker": round(ms_per_order, 1),
                "orders_per_second_1_worker": round(arguments.orders / one_seconds, 1),
                f"orders_per_second_{arguments.workers}_workers": round(many_rate, 1),
                "bare_ms_per_order": round(bare_ms, 1),
                "ratio_to_bare": round(ratio, 2),
                "cpu_ms_per_order": {
                    "one_worker": per_order(one_cpu),
                    f"{arguments.workers}_workers": per_order(many_cpu),
                },
                "items": items,
                "powerdns_http_500_retries": retries,
                "all_accepted": accepted,
                "goal_ratio": GOAL_RATIO,
                "goal_orders_per_second": GOAL_ORDERS_PER_SECOND,
                "ok": accepted and ratio <= GOAL_RATIO and many_rate >= GOAL_ORDERS_PER_SECOND,
                "load_average": os.getloadavg(),
            }
        )
    )
    return 0 if accepted else 1


sys.exit(main())
