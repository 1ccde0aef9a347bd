"""Accept time per order for 100 one-item hosting orders against the Plesk simulator; prints JSON.

    .venv/bin/python bench/accept_orders.py [--orders 100]

Each order is a new client with one hosting item; accepting creates a Plesk customer and a
subscription over HTTP on loopback, writes the checkpoints, the audit trail, the zone and the
welcome e-mail job.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from _setup import django_with_fresh_database

django_with_fresh_database()

from hostwerk.catalog.models import Product, ProductPrice  # noqa: E402
from hostwerk.clients.models import Client  # noqa: E402
from hostwerk.core.audit import Actor  # noqa: E402
from hostwerk.orders.acceptance import order_accept  # noqa: E402
from hostwerk.orders.actions import order_place  # noqa: E402
from hostwerk.orders.items import ItemRequest  # noqa: E402
from hostwerk.provisioning.models import Server, ServerGroup  # noqa: E402
from hostwerk.sandbox.plesk.server import start  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100)
    arguments = parser.parse_args()

    plesk = start(name="plesk1", ips=("192.0.2.11",))
    forwarding = start(name="movealong", ips=("80.247.175.4",))
    group = ServerGroup.objects.create(name="Plesk")
    server = Server.objects.create(
        name="plesk1",
        kind="plesk",
        group=group,
        hostname="plesk1.test",
        api_url=plesk.url,
        username="admin",
        password="sandbox",
        verify_tls=False,
        web_ip="192.0.2.11",
        mail_ip="192.0.2.11",
    )
    Server.objects.create(
        name="movealong",
        kind="forwarding",
        hostname="movealong.movenext.nl",
        api_url=forwarding.url,
        username="admin",
        password="sandbox",
        verify_tls=False,
        web_ip="80.247.175.4",
        mail_ip="80.247.175.4",
    )
    group.default_server = server
    group.save()
    product = Product.objects.create(
        name_nl="Hosting",
        name_en="Hosting",
        type="hosting",
        module="plesk",
        server_group=group,
        default_billing_cycle="annually",
        module_settings={"plan": "Default Domain"},
    )
    ProductPrice.objects.create(product=product, billing_cycle="annually", amount="75.00")
    actor = Actor.system(via="command")

    durations = []
    for n in range(arguments.orders):
        client = Client.objects.create(
            number=20001 + n, first_name="Bench", last_name=f"Klant {n}", email=f"b{n}@example.nl"
        )
        order = order_place(
            actor=actor,
            client=client,
            channel="staff",
            items=[
                ItemRequest(product_id=product.pk, domain=f"bench{n}.nl", domain_choice="external")
            ],
            generate_invoice=False,
            send_confirmation=False,
            send_invoice_email=False,
        )
        started = time.perf_counter()
        outcome = order_accept(actor=actor, order=order)
        durations.append((time.perf_counter() - started) * 1000)
        assert outcome.order.status == "active", [(i.status, i.error) for i in outcome.items]
    plesk.stop()
    forwarding.stop()
    durations.sort()
    print(
        json.dumps(
            {
                "benchmark": "accept one-item hosting orders against the Plesk simulator",
                "orders": arguments.orders,
                "median_ms": round(statistics.median(durations), 1),
                "p95_ms": round(durations[int(len(durations) * 0.95) - 1], 1),
                "max_ms": round(durations[-1], 1),
                "total_seconds": round(sum(durations) / 1000, 2),
            },
            indent=2,
        )
    )


main()
