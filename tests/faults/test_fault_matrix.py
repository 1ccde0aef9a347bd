"""The fault matrix (R4, R11): every remote step of every kind of work Hostwerk provisions, under
every fault the simulators inject, then the fault cleared and the work done again.

Kinds: hosting and forwarding (Plesk), domain registration and transfer (EPP), a zone published
before a .de registration (the real PowerDNS behind a fault proxy), mail filtering (SpamExperts)
and a mailbox with its spam filter (Plesk). Faults: an error answer, a timeout (the server
answers, and commits, after the client gave up), the connection dropped before the server did
anything and after it committed, and the worker killed in between steps (before a checkpoint was
written, or before the final transaction committed), after which its lease runs out.

Each cell: do the work with the fault armed, clear it, do it again; then the remote system holds
each object exactly once and every item is accepted. `KINDS` lists the operations per kind;
`test_the_matrix_arms_every_operation_a_clean_run_sends` keeps it in step with the code.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db.models.signals import post_save
from django.utils import timezone

from hostwerk.core.audit import Actor
from hostwerk.core.models import AuditEvent
from hostwerk.domains.models import Domain, DomainStatus
from hostwerk.mail.actions import MailboxFailed, mailbox_create, mailbox_spam_filter_fix
from hostwerk.mail.models import Mailbox, MailboxStatus, MailFilter, SpamFilterState
from hostwerk.orders.acceptance import ITEM_LEASE, order_accept
from hostwerk.orders.actions import order_place
from hostwerk.orders.items import ItemRequest
from hostwerk.orders.models import Order, OrderItem
from hostwerk.provisioning.models import ProvisioningStep, Service
from hostwerk.sandbox.faults import Fault
from tests.factories import ClientFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

# A "timeout" cell: clients give up after TIMEOUT seconds, the server answers after DELAY.
TIMEOUT = 0.3
DELAY = 0.5
MODES = ("error", "timeout", "drop_before", "drop_after_commit")
# Operations that are not steps of the work itself (closing a session).
NOT_STEPS = {"logout"}
MAILBOX_PASSWORD = "Zeer-Geheim-2024!"


@dataclass(frozen=True)
class Kind:
    name: str
    system: str  # where the faults are armed: a Plesk simulator, registry, powerdns, spamexperts
    operations: tuple[str, ...]  # every operation a clean run sends there, in order
    kill_points: tuple[str, ...]  # "step:<checkpoint>", "audit:<action>", "mailbox:created"
    error_code: int | None = None


KINDS = {
    kind.name: kind
    for kind in (
        Kind(
            "hosting",
            "plesk1",
            ("customer.get", "customer.add", "webspace.get", "service-plan.get", "webspace.add"),
            ("step:customer", "step:subscription", "audit:order_item.accept"),
            error_code=1023,
        ),
        Kind(
            "forwarding",
            "movealong",
            ("customer.get", "customer.add", "webspace.get", "service-plan.get", "webspace.add"),
            ("step:customer", "step:subscription", "audit:order_item.accept"),
            error_code=1023,
        ),
        Kind(
            "domain_register",
            "registry",
            ("login", "contact:create", "domain:create", "domain:info"),
            ("step:contact", "step:domain_create", "audit:order_item.accept"),
            error_code=2400,
        ),
        Kind(
            "domain_transfer",
            "registry",
            ("login", "domain:transfer"),
            ("step:transfer_request", "audit:order_item.accept"),
            error_code=2400,
        ),
        Kind(
            "zone_publish",
            "powerdns",
            # A zone never published is created without a look-up first; after a lost answer the
            # retry's create finds it there (409) and reads it (zone.get) to bring it up to date.
            ("zone.create",),
            ("audit:dns.zone_publish", "audit:order_item.accept"),
            error_code=503,
        ),
        Kind(
            "mail_filter",
            "spamexperts",
            ("domain/add",),
            ("audit:order_item.accept",),
        ),
        Kind(
            "mailbox",
            "plesk1",
            ("mail.create", "spamfilter.set", "spamfilter.get"),
            ("mailbox:created", "audit:mailbox.create"),
            error_code=1023,
        ),
    )
}

CELLS = [
    pytest.param(kind.name, f"{operation}:{mode}", id=f"{kind.name}-{operation}-{mode}")
    for kind in KINDS.values()
    for operation in kind.operations
    for mode in MODES
] + [
    pytest.param(kind.name, f"kill:{point}", id=f"{kind.name}-killed-{point}")
    for kind in KINDS.values()
    for point in kind.kill_points
]
MATRIX_SIZE = len(CELLS)


class WorkerKilled(BaseException):
    """Stands for SIGKILL: not an Exception, so no handler of Hostwerk's sees it; only `finally`
    blocks and rolled-back transactions happen, as when the process dies."""


@contextmanager
def killed_at(point: str) -> Iterator[list[str]]:
    """Kill the work the first time it writes the row that `point` names.

    "step:<name>": the checkpoint of a remote step that just succeeded (the remote side did
    it, the checkpoint is lost); "audit:<action>": that audit row, written inside the final
    transaction, which is then rolled back; "mailbox:created": the local mailbox record made
    before Plesk is called.
    """
    what, _, name = point.partition(":")
    fired: list[str] = []

    def receiver(sender, instance, created, **kwargs):
        if fired:
            return
        hit = (
            (what == "step" and instance.name == name and instance.status == "done")
            or (what == "audit" and instance.action == name)
            or (what == "mailbox" and created)
        )
        if hit:
            fired.append(point)
            raise WorkerKilled(point)

    model = {"step": ProvisioningStep, "audit": AuditEvent, "mailbox": Mailbox}[what]
    uid = f"fault-matrix-{point}"
    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=uid)
    try:
        yield fired
    finally:
        post_save.disconnect(sender=model, dispatch_uid=uid)


# The world: simulators, catalogue, a client whose contact data every registry accepts --------


@dataclass
class World:
    plesk: object  # tests.support.plesk.PleskWorld
    registry: object  # tests.support.epp.EppWorld
    spamexperts: object  # SpamExpertsSandbox
    powerdns: object  # tests.support.powerdns.PowerDnsFaults
    powerdns_client: object
    catalogue: dict
    mail_filter_product: object
    staff: Actor
    client: object

    def faults_of(self, system: str):
        if system == "registry":
            return self.registry.state.faults
        if system == "spamexperts":
            return self.spamexperts.state.faults
        if system == "powerdns":
            return self.powerdns.faults
        return self.plesk.state(system).faults


@pytest.fixture
def world(
    plesk_servers,
    catalogue,
    epp_registry,
    spamexperts_sandbox,
    powerdns_faults,
    powerdns_client,
    powerdns_server,
    mail_filter,
) -> World:
    from tests.mail.factories import ProviderFactory

    provider = ProviderFactory(
        name="SpamExperts",
        mode="api",
        api_url=spamexperts_sandbox.url,
        username="admin",
        password="sandbox",
        request_email="",
        verify_tls=False,
    )
    provider.products.add(mail_filter)
    # The .de registry checks the name servers: it asks the real PowerDNS.
    epp_registry.state.resolver = (powerdns_server.dns_host, powerdns_server.dns_port)
    epp_registry.state.dns_timeout = 2.0
    client = ClientFactory(
        first_name="Fenna", last_name="Foutloos", email="fenna@foutloos.nl", phone="+31612345678"
    )
    return World(
        plesk=plesk_servers,
        registry=epp_registry,
        spamexperts=spamexperts_sandbox,
        powerdns=powerdns_faults,
        powerdns_client=powerdns_client,
        catalogue=catalogue,
        mail_filter_product=mail_filter,
        # No password: hashing one would cost more than many a cell.
        staff=Actor.for_user(StaffUserFactory(email="sanne@provider.test", password=None)),
        client=client,
    )


def short_timeouts(settings, world: World) -> None:
    settings.HOSTWERK_PLESK_TIMEOUT = TIMEOUT
    settings.HOSTWERK_SPAMEXPERTS_TIMEOUT = TIMEOUT
    settings.HOSTWERK_POWERDNS_TIMEOUT = TIMEOUT
    registrar = world.registry.registrar
    registrar.settings = {**registrar.settings, "timeout": TIMEOUT}
    registrar.save()


# What each kind does, how it is retried, and what "exactly once" means ------------------------


def place(world: World, item: ItemRequest) -> Order:
    return order_place(
        actor=world.staff,
        client=world.client,
        channel="staff",
        items=[item],
        generate_invoice=False,
        send_confirmation=False,
        send_invoice_email=False,
    )


@dataclass
class Work:
    """One kind's work: `run` does it (again); `check` asserts the end state."""

    run: Callable[[], None]
    check: Callable[[], None]
    order: Order | None = None


def order_work(world: World, item: ItemRequest, check: Callable[[], None]) -> Work:
    order = place(world, item)

    def run() -> None:
        order_accept(actor=world.staff, order=Order.objects.get(pk=order.pk))

    def check_all() -> None:
        refreshed = Order.objects.get(pk=order.pk)
        items = list(refreshed.items.all())
        assert [(i.status, i.error) for i in items] == [("accepted", "")] * len(items)
        assert refreshed.status == "active"
        check()

    return Work(run=run, check=check_all, order=order)


def hosting_work(world: World, kind: str) -> Work:
    server = "plesk1" if kind == "hosting" else "movealong"
    domain = "fenna.nl" if kind == "hosting" else "fenna-oud.nl"
    item = ItemRequest(
        product_id=world.catalogue[kind].pk,
        domain=domain,
        domain_choice="external",
        forwarding_url="https://fenna.nl/" if kind == "forwarding" else "",
    )

    def check() -> None:
        state = world.plesk.state(server)
        assert state.counts()["customers"] == 1
        assert state.counts()["webspaces"] == 1
        webspace = state.find_webspace(name=domain)
        [service] = Service.objects.filter(domain=domain)
        assert (service.status, service.remote_service_id) == ("active", str(webspace.id))
        assert service.remote_customer_id == str(webspace.owner_id)

    return order_work(world, item, check)


def register_work(world: World, name: str) -> Work:
    item = ItemRequest(domain_action="register", domain=name)

    def check() -> None:
        assert world.registry.domain_names() == [name]
        assert len(world.registry.contact_ids()) == 1
        registered = world.registry.state.domains[name]
        assert (registered.sponsor, registered.registrant) == (
            "admin",
            world.registry.contact_ids()[0],
        )
        domain = Domain.objects.get(name=name)
        assert domain.status == DomainStatus.ACTIVE
        assert domain.registrant_handle == registered.registrant

    return order_work(world, item, check)


def transfer_work(world: World) -> Work:
    world.registry.seed_domain("verhuis.com", account="other", auth_code="Geheim-123")
    item = ItemRequest(domain_action="transfer", domain="verhuis.com", auth_code="Geheim-123")

    def check() -> None:
        record = world.registry.state.domains["verhuis.com"]
        assert record.transfer is not None
        assert (record.transfer.status, record.transfer.requesting_client_id) == (
            "pending",
            "admin",
        )
        assert Domain.objects.get(name="verhuis.com").status == DomainStatus.PENDING_TRANSFER

    return order_work(world, item, check)


def zone_work(world: World) -> Work:
    from hostwerk.dns.models import Zone

    registered = register_work(world, "fenna.de")
    check_registration = registered.check

    def check() -> None:
        check_registration()
        zone = Zone.objects.get(name="fenna.de")
        assert zone.status == "published" and zone.published_version == zone.version
        assert world.powerdns_client.zone_list().count("fenna.de.") == 1
        served = world.powerdns_client.zone_get("fenna.de.")
        records = {(r.name, r.type): sorted(r.contents) for r in served.rrsets}
        assert records[("fenna.de.", "A")] == ["80.247.175.4"]
        assert records[("fenna.de.", "NS")] == ["ns1.hostwerk.test.", "ns2.hostwerk.test."]

    registered.check = check
    return registered


def mail_filter_work(world: World) -> Work:
    item = ItemRequest(product_id=world.mail_filter_product.pk, domain="fenna.nl")

    def check() -> None:
        assert list(world.spamexperts.state.domains) == ["fenna.nl"]
        assert MailFilter.objects.exclude(status="removed").count() == 1

    return order_work(world, item, check)


def mailbox_work(world: World) -> Work:
    from tests.mail.conftest import make_hosting_service

    service = make_hosting_service(
        world.plesk, world.catalogue["hosting"], world.client, "fenna.nl"
    )
    world.plesk.state("plesk1").faults.clear()  # forget the operations of making the service

    def run() -> None:
        mailbox = Mailbox.objects.filter(address="info@fenna.nl").first()
        if mailbox is None or mailbox.status == MailboxStatus.CREATING:
            with contextlib.suppress(MailboxFailed):  # staff see the message and try again
                mailbox_create(
                    actor=world.staff,
                    service=service,
                    local_part="info",
                    password=MAILBOX_PASSWORD,
                )
        elif mailbox.spam_filter != SpamFilterState.ON:
            mailbox_spam_filter_fix(actor=world.staff, mailbox=mailbox)  # the page's "fix"

    def check() -> None:
        state = world.plesk.state("plesk1")
        boxes = [box for box in state.mailboxes if box.name == "info"]
        assert len(boxes) == 1 and state.counts()["mailboxes"] == 1
        assert boxes[0].spam_filter is True
        mailbox = Mailbox.objects.get(address="info@fenna.nl")
        assert (mailbox.status, mailbox.spam_filter) == ("active", "on")
        assert mailbox.remote_id == str(boxes[0].id)

    return Work(run=run, check=check)


def work_for(world: World, kind: str) -> Work:
    if kind in ("hosting", "forwarding"):
        return hosting_work(world, kind)
    if kind == "domain_register":
        return register_work(world, "fenna.nl")
    if kind == "domain_transfer":
        return transfer_work(world)
    if kind == "zone_publish":
        return zone_work(world)
    if kind == "mail_filter":
        return mail_filter_work(world)
    return mailbox_work(world)


def lease_of_a_dead_worker(work: Work) -> None:
    """The killed worker never released its items; its lease has run out since."""
    if work.order is not None:
        OrderItem.objects.filter(order=work.order, status__in=("pending", "failed")).update(
            processing_by="killed-worker",
            processing_since=timezone.now() - ITEM_LEASE - timedelta(minutes=1),
        )


# The matrix ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind_name", "fault"), CELLS)
def test_fault_then_retry_leaves_each_object_once_and_everything_accepted(
    world, settings, kind_name, fault
):
    kind = KINDS[kind_name]
    if fault.endswith(":timeout"):
        short_timeouts(settings, world)
    work = work_for(world, kind_name)
    faults = world.faults_of(kind.system)

    if fault.startswith("kill:"):
        point = fault.removeprefix("kill:")
        with killed_at(point) as fired, pytest.raises(WorkerKilled):
            work.run()
        assert fired == [point]
        lease_of_a_dead_worker(work)
    else:
        operation, _, mode = fault.rpartition(":")
        faults.add(
            Fault(
                operation=operation,
                mode="delay" if mode == "timeout" else mode,
                code=kind.error_code if mode == "error" else None,
                delay=DELAY,
            )
        )
        started = time.monotonic()
        work.run()
        if mode == "timeout":
            # The server finishes what it was asked after the client left.
            time.sleep(max(0.0, DELAY + 0.05 - (time.monotonic() - started)))
    faults.clear()

    work.run()

    work.check()


@pytest.mark.parametrize("kind_name", list(KINDS))
def test_the_matrix_arms_every_operation_a_clean_run_sends(world, kind_name):
    kind = KINDS[kind_name]
    work = work_for(world, kind_name)
    faults = world.faults_of(kind.system)
    faults.clear()

    work.run()

    work.check()
    sent = [operation for operation in faults.seen() if operation not in NOT_STEPS]
    assert list(dict.fromkeys(sent)) == list(kind.operations)


def test_matrix_size(capsys):
    with capsys.disabled():
        print(
            f"\nfault matrix: {MATRIX_SIZE} cells ({len(KINDS)} kinds, "
            f"{sum(len(k.operations) for k in KINDS.values())} operations x {len(MODES)} faults"
            f" + {sum(len(k.kill_points) for k in KINDS.values())} kill points)"
        )
    cells = sum(len(k.operations) * len(MODES) + len(k.kill_points) for k in KINDS.values())
    assert cells == MATRIX_SIZE
