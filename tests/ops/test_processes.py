"""Hostwerk as it runs in production on PostgreSQL: two gunicorn web processes and three
`hostwerk worker` processes on one database, against the Plesk simulators and the real PowerDNS.

Forty API requests at once (order accepts, the same order twice at the same time, billing runs,
DNS record changes) do everything once, lose nothing and deadlock nowhere; a worker killed with
SIGKILL in the middle of an accept leaves it to another worker, which finishes it.
"""

from __future__ import annotations

import datetime
import re
import resource
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hostwerk.billing.models import BillingRun, Invoice, InvoiceLine
from hostwerk.core.audit import Actor
from hostwerk.core.models import AuditEvent
from hostwerk.dns.models import Zone
from hostwerk.dns.publishing import zone_contents
from hostwerk.orders.actions import order_place
from hostwerk.orders.items import ItemRequest
from hostwerk.orders.models import ItemStatus, Order, OrderItem, OrderStatus
from hostwerk.provisioning.models import Service
from hostwerk.provisioning.zones import zone_create
from hostwerk.sandbox.faults import Fault
from tests.billing.factories import ensure_vat_rates
from tests.billing.test_lifecycle import due_service
from tests.factories import ClientFactory
from tests.support.api import token_for
from tests.support.processes import HostwerkProcesses, processes_environment, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.pdns]

D = datetime.date
# A worker whose heartbeat is this old counts as dead; small, so the test waits seconds, not a
# minute. The heartbeat comes every quarter of it.
STALE_SECONDS = 3
# How long the killed workers' Plesk and PowerDNS calls take: they are still waiting when they
# are killed, and the remote side has done the work before another worker takes the jobs over
# (at least three quarters of STALE_SECONDS after the kill), so the retry must adopt the
# subscription, not add a second.
SLOW_CALL_SECONDS = 1.5
BILLING_DAY = D(2027, 3, 1)
WORKERS = ("worker-a", "worker-b", "worker-c")
# Orders 0-3 are accepted twice at once in the two web processes; 4-5 once in a web process
# and once in a worker.
ORDERS = 6
ZONES = 4  # the zones of orders 0-3 (R7 repoints them while records are added)
RECORDS_PER_ZONE = 6
BILLING_RUNS = 4
DRAIN_TIMEOUT = 60


@pytest.fixture
def processes(tmp_path, powerdns_faults_session):
    """The processes publish to the real PowerDNS through the fault proxy (no faults armed)."""
    powerdns_faults_session.faults.clear()
    env = processes_environment(
        tmp_path,
        HOSTWERK_WORKER_STALE_SECONDS=str(STALE_SECONDS),
        HOSTWERK_DNS_PUBLISHER="powerdns",
        HOSTWERK_POWERDNS_API_URL=powerdns_faults_session.url,
        HOSTWERK_POWERDNS_API_KEY=powerdns_faults_session.powerdns.api_key,
    )
    running = HostwerkProcesses(directory=tmp_path, env=env)
    try:
        for name in ("web-1", "web-2"):
            running.web_start(name)
        for worker_id in WORKERS:
            running.worker_start(worker_id)
        yield running
    finally:
        # Before the test database is emptied: no child may hold a connection to it.
        running.stop()


def place(staff_user, client, items) -> Order:
    return order_place(
        actor=Actor.for_user(staff_user),
        client=client,
        channel="staff",
        items=items,
        generate_invoice=False,
        send_confirmation=False,
        send_invoice_email=False,
    )


def item(product, domain: str, **fields) -> ItemRequest:
    return ItemRequest(product_id=product.pk, domain=domain, domain_choice="external", **fields)


def queue_settled() -> bool:
    """Nothing running, nothing ready to run (later re-checks of a busy zone may wait)."""
    return not DBTaskResult.objects.running().exists() and not DBTaskResult.objects.ready().exists()


def drained(orders: list[Order]) -> bool:
    open_items = OrderItem.objects.filter(order__in=orders).exclude(status=ItemStatus.ACCEPTED)
    unpublished = [zone for zone in Zone.objects.all() if zone.published_version < zone.version]
    runs_busy = BillingRun.objects.filter(finished_at__isnull=True).exists()
    return queue_settled() and not open_items.exists() and not unpublished and not runs_busy


def served_rrsets(powerdns_client, zone: Zone) -> dict[tuple[str, str], list[str]]:
    info = powerdns_client.zone_get(f"{zone.name}.")
    assert info is not None, f"{zone.name} is not in PowerDNS"
    return {
        (rrset.name, rrset.type): sorted(record.content for record in rrset.records)
        for rrset in info.rrsets
        if rrset.type != "SOA" and not (rrset.type == "NS" and rrset.name == f"{zone.name}.")
    }


def wanted_rrsets(zone: Zone) -> dict[tuple[str, str], list[str]]:
    return {
        (rrset.name, rrset.type): sorted(record.content for record in rrset.records)
        for rrset in zone_contents(zone).rrsets()
    }


@pytest.mark.django_db(transaction=True)
def test_two_web_processes_and_three_workers_do_everything_once_and_survive_a_killed_worker(
    settings,
    staff_user,
    catalogue,
    plesk_servers,
    powerdns_client,
    powerdns_faults_session,
    processes,
):
    started = time.monotonic()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = usage.ru_utime + usage.ru_stime
    settings.HOSTWERK_DNS_PUBLISHER = "powerdns"
    token = token_for(staff_user)
    headers = {"Authorization": f"Bearer {token}"}

    # The world, made while the processes start: orders, zones, services due for renewal.
    ensure_vat_rates()
    orders, hosting_domains, forwarding_domains = [], [], []
    for number in range(ORDERS):
        items = [item(catalogue["hosting"], f"proc{number}.nl")]
        hosting_domains.append(f"proc{number}.nl")
        if number % 2 == 0:
            items.append(
                item(catalogue["forwarding"], f"fwd{number}.nl", forwarding_url="https://proc.nl/")
            )
            forwarding_domains.append(f"fwd{number}.nl")
        orders.append(place(staff_user, ClientFactory(), items))
    zones = [
        zone_create(
            actor=Actor.for_user(staff_user),
            domain=f"proc{number}.nl",
            client=orders[number].client,
        )
        for number in range(ZONES)
    ]
    # A zone only the second part changes: no re-check of a busy zone from the first part
    # publishes it meanwhile.
    quiet = zone_create(actor=Actor.for_user(staff_user), domain="quiet.nl")
    billed_clients = [ClientFactory() for _ in range(3)]
    due = [
        due_service(client=client, next_due_date=D(2027, 3, 10))
        for client in billed_clients
        for _ in range(2)
    ]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    setup_cpu = usage.ru_utime + usage.ru_stime - cpu_before
    processes.wait_until_ready()
    ready_at = time.monotonic()

    # Forty requests at once, spread over the two web processes.
    requests = []
    for number, order in enumerate(orders):
        second = {"async": True} if number >= ZONES else {}
        requests += [
            ("POST", f"/orders/{order.pk}/accept", {}),
            ("POST", f"/orders/{order.pk}/accept", second),
        ]
    requests += [("POST", "/billing-runs", {"date": BILLING_DAY.isoformat()})] * BILLING_RUNS
    for zone in zones:
        for record in range(RECORDS_PER_ZONE):
            body = {"name": f"host{record}", "type": "A", "content": f"198.51.100.{record + 1}"}
            requests.append(("POST", f"/dns/zones/{zone.name}/records", body))
    assert len(requests) == 40
    start_together = threading.Barrier(len(requests))

    def send(numbered):
        number, (method, path, body) = numbered
        url = processes.web_urls[number % len(processes.web_urls)]
        start_together.wait()
        response = httpx.request(
            method, f"{url}/api/v1{path}", json=body, headers=headers, timeout=60
        )
        return path, response.status_code, response.text

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        answers = list(pool.map(send, enumerate(requests)))
    answered_at = time.monotonic()
    refused = [answer for answer in answers if answer[1] not in (200, 201, 202)]
    assert refused == []
    wait_for(lambda: drained(orders), timeout=DRAIN_TIMEOUT, what="the queue to drain", every=0.1)
    concurrent_done = time.monotonic()

    # Provisioned once: one Plesk customer per client and server, one subscription per item.
    for server, domains in (("plesk1", hosting_domains), ("movealong", forwarding_domains)):
        state = plesk_servers.state(server)
        assert sorted(webspace.name for webspace in state.webspaces) == sorted(domains)
        assert len(state.customers) == len(domains)
        assert len({customer.external_id for customer in state.customers}) == len(domains)
    assert set(
        Order.objects.filter(pk__in=[o.pk for o in orders]).values_list("status", flat=True)
    ) == {OrderStatus.ACTIVE}
    services_per_item = Counter(
        Service.objects.filter(order_item__order__in=orders).values_list("order_item", flat=True)
    )
    assert sorted(services_per_item.values()) == [1] * (
        len(hosting_domains) + len(forwarding_domains)
    )

    accepted = AuditEvent.objects.filter(action="order_item.accept")
    assert sorted(Counter(accepted.values_list("object_id", flat=True)).values()) == [1] * len(
        services_per_item
    )

    # Invoiced once per period, however many runs overlapped.
    assert BillingRun.objects.filter(run_date=BILLING_DAY).count() == BILLING_RUNS
    created = [run.summary["invoices_created"] for run in BillingRun.objects.all()]
    assert sum(created) == len(billed_clients)
    assert sorted(
        InvoiceLine.objects.filter(void=False).values_list("service_id", flat=True)
    ) == sorted(service.pk for service in due)
    assert Invoice.objects.count() == len(billed_clients)
    assert sorted(Invoice.objects.values_list("sequence", flat=True)) == [1, 2, 3]

    # Every zone published as Hostwerk holds it, following the hosting to plesk1 (R7).
    plesk1_web_ip = plesk_servers.servers["plesk1"].web_ip
    for zone in Zone.objects.all():
        assert served_rrsets(powerdns_client, zone) == wanted_rrsets(zone)
    for zone in zones:
        served = served_rrsets(powerdns_client, zone)
        assert served[(f"{zone.name}.", "A")] == [plesk1_web_ip]
        for record in range(RECORDS_PER_ZONE):
            assert served[(f"host{record}.{zone.name}.", "A")] == [f"198.51.100.{record + 1}"]

    # Two workers killed in the middle of a job, one accepting an order, one publishing a zone:
    # the third takes both jobs over and finishes them, adopting the subscription that the
    # killed worker's Plesk call created after all.
    slow = place(staff_user, ClientFactory(), [item(catalogue["hosting"], "slow.nl")])
    plesk1 = plesk_servers.state("plesk1")
    plesk1.faults.add(
        Fault(operation="webspace.add", mode="delay", count=1, delay=SLOW_CALL_SECONDS)
    )
    powerdns_faults_session.faults.add(
        Fault(operation="zone.patch", mode="delay", count=1, delay=SLOW_CALL_SECONDS)
    )
    url = f"{processes.web_urls[0]}/api/v1"
    accepting = httpx.post(
        f"{url}/orders/{slow.pk}/accept", json={"async": True}, headers=headers, timeout=30
    )
    assert accepting.status_code == 202, accepting.text
    late = {"name": "late", "type": "A", "content": "198.51.100.99"}
    changed_at = timezone.now()
    adding = httpx.post(f"{url}/dns/zones/{quiet.name}/records", json=late, headers=headers)
    assert adding.status_code == 201, adding.text
    [accept_job] = [
        result
        for result in DBTaskResult.objects.filter(task_path="hostwerk.orders.tasks.accept_order")
        if result.args_kwargs["args"][0] == slow.pk
    ]
    [publish_job] = DBTaskResult.objects.filter(
        task_path="hostwerk.dns.tasks.publish_zone",
        args_kwargs__args=[quiet.pk],
        enqueued_at__gte=changed_at,
    )
    jobs = (accept_job, publish_job)

    def both_mid_call():
        for job in jobs:
            job.refresh_from_db()
        calling = not plesk1.faults.pending() and not powerdns_faults_session.faults.pending()
        return calling and all(job.status == TaskResultStatus.RUNNING for job in jobs)

    wait_for(both_mid_call, timeout=30, what="two workers to be in their remote calls")
    call_started = time.monotonic()
    victims = {job.worker_ids[-1] for job in jobs}
    for victim in victims:
        processes.kill(processes.workers[victim])
    killed_at = time.monotonic()
    assert len(victims) == 2
    assert plesk1.find_webspace(name="slow.nl") is None, "the worker was not killed mid-call"
    assert OrderItem.objects.get(order=slow).status == ItemStatus.PENDING
    [survivor] = set(WORKERS) - victims

    def finished():
        for job in jobs:
            job.refresh_from_db()
        return all(
            job.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED) for job in jobs
        )

    wait_for(finished, timeout=STALE_SECONDS * 4 + 10, what="the third worker to finish the jobs")
    retried_at = time.monotonic()
    for job in jobs:
        assert job.status == TaskResultStatus.SUCCESSFUL, job.traceback
        assert job.worker_ids[0] in victims
        assert job.worker_ids[-1] == survivor
    assert OrderItem.objects.get(order=slow).status == ItemStatus.ACCEPTED
    assert [w.name for w in plesk1.webspaces].count("slow.nl") == 1
    assert len(plesk1.customers) == len(hosting_domains) + 1
    # Published by the retry itself: the dead worker's lease on the zone did not hold it up.
    assert publish_job.return_value == "published"
    zone = Zone.objects.get(pk=quiet.pk)
    assert zone.published_version == zone.version
    assert served_rrsets(powerdns_client, zone) == wanted_rrsets(zone)
    assert served_rrsets(powerdns_client, zone)[(f"late.{zone.name}.", "A")] == ["198.51.100.99"]
    logs = processes.logs()
    for job in jobs:
        requeued = rf"task {job.id} .* was claimed by worker {job.worker_ids[0]}, which stopped"
        assert re.search(requeued, logs[survivor])

    # Nothing failed, and no process met a deadlock or an unexpected error.
    assert list(DBTaskResult.objects.failed().values_list("task_path", "traceback")) == []
    for name, log in logs.items():
        assert "deadlock" not in log.lower(), f"{name}:\n{log[-4000:]}"
        assert "Traceback" not in log, f"{name}:\n{log[-4000:]}"
    tasks = Counter(DBTaskResult.objects.values_list("task_path", flat=True))
    print(f"\ntasks: {dict(tasks)}")
    test_cpu = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"processes: ready {ready_at - started:.1f}s, 40 requests answered "
        f"{answered_at - ready_at:.1f}s, drained {concurrent_done - answered_at:.1f}s, killed workers' jobs done "
        f"{retried_at - killed_at:.1f}s after the kill, total {time.monotonic() - started:.1f}s; "
        f"cpu: processes {processes.cpu_seconds():.1f}s, "
        f"test {test_cpu.ru_utime + test_cpu.ru_stime - cpu_before:.1f}s; "
        f"setup {setup_cpu:.1f}s of it"
    )
    # The simulator's delayed call has answered (into the dead connection) before the test ends.
    remaining = call_started + SLOW_CALL_SECONDS - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)
