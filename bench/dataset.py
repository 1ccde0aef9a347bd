"""A provider-sized data set through the real models, by bulk insert; prints JSON (rows, seconds).

    .venv/bin/python bench/dataset.py [--clients N]            # N defaults to 100,000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hw_bench .venv/bin/python bench/dataset.py

Per client: one login, 3 services over 8 servers, one domain, 2.5 invoices of 4 lines, half an
order, 0.3 zones of 5 records, half a mailbox and 7 audit events; the first client also has 500
services and the first zone 500 records. It describes a provider on DAY (1 January 2026):
services and domains fall due over the year after it, invoices were issued in the months before
it and 4 % of them are still open. The database in DATABASE_URL is migrated and must not
hold clients yet (on SQLite without DATABASE_URL a temporary file is used). Primary keys are given
here, so no row is read back; the sequences are reset at the end.

`build(clients)` is also what bench/pages.py uses.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterator
from decimal import Decimal

BATCH = 5000
HEAVY_SERVICES = 500  # services of the first client
HEAVY_RECORDS = 500  # records of the first zone
SERVERS = 8
PASSWORD = "bench-password-123"
STAFF_EMAIL = "staff@bench.test"
# The day the data set describes: services and domains fall due over the year after it, invoices
# were issued in the year before it. bench/pages.py shows the pages on this day.
DAY = datetime.date(2026, 1, 1)
UNPAID_CLIENTS = 10  # one client in 10 has not paid its newest invoice yet


def client_email(number: int) -> str:
    """The login (and contact address) of the n-th client, counting from 0."""
    return f"client{number}@bench.test"


def build(
    clients: int, *, heavy_services: int = HEAVY_SERVICES, heavy_records: int = HEAVY_RECORDS
) -> dict:
    """Fill the (migrated, empty) database with the data set of `clients` clients; the first
    client gets `heavy_services` more services and the first zone `heavy_records` more records.

    Inside a transaction (a test) it leaves out PostgreSQL's VACUUM, which cannot run there."""
    from django.contrib.auth.hashers import make_password
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from hostwerk.accounts.models import User
    from hostwerk.billing.models import Invoice, InvoiceLine
    from hostwerk.catalog.models import Product, ProductType, ProvisioningModule, Tld
    from hostwerk.clients.models import Client
    from hostwerk.core.models import AuditEvent
    from hostwerk.dns.models import Record, Zone
    from hostwerk.domains.models import Domain, Registrar
    from hostwerk.mail.models import Mailbox
    from hostwerk.orders.models import Order, OrderItem
    from hostwerk.provisioning.models import Server, ServerGroup, Service

    assert not Client.objects.exists(), "the database already holds clients"
    started = time.perf_counter()
    rows: dict[str, int] = {}
    day = DAY

    def insert(model, objects: Iterator) -> None:
        count = 0
        batch = []
        with transaction.atomic():
            for instance in objects:
                batch.append(instance)
                if len(batch) == BATCH:
                    model.objects.bulk_create(batch)
                    count += len(batch)
                    batch = []
            if batch:
                model.objects.bulk_create(batch)
                count += len(batch)
        rows[model._meta.label] = rows.get(model._meta.label, 0) + count

    group = ServerGroup.objects.create(name="Bench hosting")
    servers = [
        Server.objects.create(
            name=f"web{n:02d}",
            kind="plesk",
            group=group,
            hostname=f"web{n:02d}.bench.test",
            api_url=f"https://web{n:02d}.bench.test:8443",
            web_ip=f"192.0.2.{n + 1}",
            mail_ip=f"192.0.2.{n + 1}",
        )
        for n in range(SERVERS)
    ]
    server_ids = [server.pk for server in servers]
    hosting = Product.objects.create(
        name_en="Hosting",
        name_nl="Hosting",
        type=ProductType.HOSTING,
        module=ProvisioningModule.NONE,
        default_billing_cycle="monthly",
    )
    registrar = Registrar.objects.create(
        name="Bench registry", adapter="epp", host="127.0.0.1", username="bench", password="x"
    )
    tld = Tld.objects.create(name="nl", registrar=registrar)
    staff = User.objects.create_user(STAFF_EMAIL, PASSWORD, is_staff=True, is_superuser=True)
    password_hash = make_password(PASSWORD)  # hashed once, shared by all client logins

    def client_rows() -> Iterator[Client]:
        for n in range(clients):
            yield Client(
                id=n + 1,
                number=100_000 + n,
                company="" if n % 3 else f"Bedrijf {n} B.V.",
                first_name=("Jan", "Anna", "Piet", "Sanne", "Kees")[n % 5],
                last_name=f"Vries {n}",
                email=client_email(n),
                address1=f"Keizersgracht {n % 900 + 1}",
                postcode="1015 CJ",
                city=("Amsterdam", "Utrecht", "Rotterdam", "Zwolle")[n % 4],
                country="NL",
            )

    insert(Client, client_rows())
    insert(
        User,
        (
            User(
                id=staff.pk + 1 + n,
                email=client_email(n),
                client_id=n + 1,
                password=password_hash,
            )
            for n in range(clients)
        ),
    )

    # Services: 3 per client (ids 3n+1 .. 3n+3), then the 500 of the first client.
    services = clients * 3

    def service_rows() -> Iterator[Service]:
        for s in range(services):
            yield Service(
                id=s + 1,
                client_id=s // 3 + 1,
                product_id=hosting.pk,
                server_id=server_ids[s % SERVERS],
                domain=f"site{s}.nl",
                status="active" if s % 10 else "suspended",
                billing_cycle="monthly",
                recurring_amount=Decimal("7.50"),
                next_due_date=day + datetime.timedelta(days=s % 365),
                billing_anchor_day=1,
            )
        for s in range(heavy_services):
            yield Service(
                id=services + s + 1,
                client_id=1,
                product_id=hosting.pk,
                server_id=server_ids[s % SERVERS],
                domain=f"heavy{s}.nl",
                status="active",
                billing_cycle="monthly",
                recurring_amount=Decimal("5.00"),
                next_due_date=day,
                billing_anchor_day=1,
            )

    insert(Service, service_rows())
    insert(
        Domain,
        (
            Domain(
                id=n + 1,
                name=f"domein{n}.nl",
                client_id=n + 1,
                tld_id=tld.pk,
                registrar_id=registrar.pk,
                status="active" if n % 20 else "expired",
                expires_at=datetime.datetime(2027, 1, 1, tzinfo=datetime.UTC)
                + datetime.timedelta(days=n % 365),
                next_due_date=day + datetime.timedelta(days=n % 365),
            )
            for n in range(clients)
        ),
    )

    # Orders: one for every second client, with one hosting item.
    orders = clients // 2
    insert(
        Order,
        (
            Order(
                id=n + 1,
                number=500_000 + n,
                client_id=2 * n + 1,
                status="active" if n % 10 else "pending",
                channel="client_area",
                total=Decimal("7.50"),
            )
            for n in range(orders)
        ),
    )
    insert(
        OrderItem,
        (
            OrderItem(
                id=n + 1,
                order_id=n + 1,
                kind="hosting",
                product_id=hosting.pk,
                domain=f"site{6 * n}.nl",
                billing_cycle="monthly",
                list_price=Decimal("7.50"),
                price=Decimal("7.50"),
                status="accepted" if n % 10 else "pending",
            )
            for n in range(orders)
        ),
    )

    # Invoices: 2 or 3 per client (2.5 on average), each with 3 service lines and a domain line,
    # a month apart, the newest (k = 0) in the last four weeks before DAY. As at a provider: the
    # older ones are paid (one in 20 cancelled), the newest is unpaid at one client in ten, so 4 %
    # of the invoices are open and about half of those past their due date.
    invoice_plan = [(c, k) for c in range(clients) for k in range(2 + c % 2)]

    def issued_on(c: int, k: int) -> datetime.date:
        return day - datetime.timedelta(days=1 + c % 28 + 30 * k)

    def invoice_status(i: int, c: int, k: int) -> str:
        if k == 0 and c % UNPAID_CLIENTS == 0:
            return "unpaid"
        return "cancelled" if i % 20 == 19 else "paid"

    def invoice_rows() -> Iterator[Invoice]:
        for i, (c, k) in enumerate(invoice_plan):
            issued = issued_on(c, k)
            year = issued.year
            yield Invoice(
                id=i + 1,
                number=f"{year}{i + 1:07d}",
                year=year,
                sequence=i + 1,
                client_id=c + 1,
                order_id=c // 2 + 1 if k == 0 and c % 2 == 0 and c // 2 < orders else None,
                status=invoice_status(i, c, k),
                issued_on=issued,
                due_on=issued + datetime.timedelta(days=14),
                vat_scheme="domestic",
                vat_country="NL",
                vat_rate=Decimal("21.00"),
                subtotal=Decimal("32.50"),
                vat_amount=Decimal("6.83"),
                total=Decimal("39.33"),
                amount_paid=Decimal("39.33") if invoice_status(i, c, k) == "paid" else Decimal(0),
                currency="EUR",
                client_name=f"Jan Vries {c}",
                client_address=f"Keizersgracht {c % 900 + 1}\n1015 CJ Amsterdam",
                client_country="NL",
                client_email=client_email(c),
            )

    insert(Invoice, invoice_rows())

    def line_rows() -> Iterator[InvoiceLine]:
        line_id = 0
        for i, (c, k) in enumerate(invoice_plan):
            period = issued_on(c, k)
            for p in range(3):
                line_id += 1
                yield InvoiceLine(
                    id=line_id,
                    invoice_id=i + 1,
                    position=p,
                    service_id=3 * c + p + 1,
                    description=f"Hosting site{3 * c + p}.nl",
                    period_start=period,
                    period_end=period + datetime.timedelta(days=27),
                    unit_price=Decimal("7.50"),
                    amount=Decimal("7.50"),
                    vat_amount=Decimal("1.58"),
                )
            line_id += 1
            yield InvoiceLine(
                id=line_id,
                invoice_id=i + 1,
                position=3,
                domain_id=c + 1,
                description=f"Domain domein{c}.nl",
                period_start=period,
                period_end=period + datetime.timedelta(days=364),
                unit_price=Decimal("10.00"),
                amount=Decimal("10.00"),
                vat_amount=Decimal("2.10"),
            )

    insert(InvoiceLine, line_rows())

    # Zones: 3 for every 10 clients, 5 records each; the first zone also has 500 more.
    zones = max(1, clients * 3 // 10)
    insert(
        Zone,
        (
            Zone(
                id=z + 1,
                name=f"site{3 * (10 * z // 3)}.nl",
                client_id=10 * z // 3 + 1,
                status="published",
                version=3,
                published_version=3,
            )
            for z in range(zones)
        ),
    )

    def record_rows() -> Iterator[Record]:
        record_id = 0
        for z in range(zones):
            ip = f"192.0.2.{z % SERVERS + 1}"
            for name, kind, content, priority in (
                ("@", "A", ip, None),
                ("www", "CNAME", "@", None),
                ("mail", "A", ip, None),
                ("@", "MX", "mail", 10),
                ("@", "TXT", '"v=spf1 mx -all"', None),
            ):
                record_id += 1
                yield Record(
                    id=record_id,
                    zone_id=z + 1,
                    name=name,
                    type=kind,
                    ttl=3600,
                    content=content,
                    priority=priority,
                )
        for r in range(heavy_records):
            record_id += 1
            yield Record(
                id=record_id, zone_id=1, name=f"host{r}", type="A", ttl=3600, content="192.0.2.9"
            )

    insert(Record, record_rows())

    # Mailboxes: one on the first service of every second client.
    insert(
        Mailbox,
        (
            Mailbox(
                id=n + 1,
                service_id=6 * n + 1,
                local_part="info",
                address=f"info@site{6 * n}.nl",
                status="active",
                spam_filter="on" if n % 3 else "unknown",
            )
            for n in range(clients // 2)
        ),
    )

    # Audit events: 7 per client, about its services, invoices and its login.
    actions = (
        ("client.create", "clients.client"),
        ("service.create", "provisioning.service"),
        ("service.activate", "provisioning.service"),
        ("invoice.create", "billing.invoice"),
        ("invoice.pay", "billing.invoice"),
        ("order.place", "orders.order"),
        ("user.login", "accounts.user"),
    )

    def audit_rows() -> Iterator[AuditEvent]:
        event_id = 0
        for c in range(clients):
            for action, object_type in actions:
                event_id += 1
                yield AuditEvent(
                    id=event_id,
                    actor_kind="system",
                    actor_label="bench",
                    client_id=c + 1,
                    via="command",
                    action=action,
                    object_type=object_type,
                    object_id=str(c + 1),
                    object_label=f"item {c}",
                )

    insert(AuditEvent, audit_rows())

    models = [
        Client,
        User,
        Service,
        Domain,
        Order,
        OrderItem,
        Invoice,
        InvoiceLine,
        Zone,
        Record,
        Mailbox,
        AuditEvent,
    ]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        # Fresh statistics, and on PostgreSQL the visibility map that index-only scans need:
        # what autovacuum gives a running database (a server may run with it switched off).
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
    return {
        "database": connection.vendor,
        "clients": clients,
        "rows": rows,
        "total_rows": sum(rows.values()),
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> None:
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    arguments = parser.parse_args(argv)
    started = time.perf_counter()
    from _setup import django_in_database

    django_in_database()
    migrated = time.perf_counter() - started
    result = build(arguments.clients)
    result["migrate_seconds"] = round(migrated, 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
