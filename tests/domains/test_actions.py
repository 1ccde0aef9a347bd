"""Domain lifecycle actions against the simulated registry: renew, name servers, sync, poll,
resend, expiry reminders, and the scheduled jobs that run them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from hostwerk.catalog.models import Tld
from hostwerk.core.audit import Actor
from hostwerk.core.models import AuditEvent
from hostwerk.core.scheduling import cron_run
from hostwerk.domains.actions import domain_nameservers_update, nameservers_clean
from hostwerk.domains.common import DomainRefused, NameserversInvalid
from hostwerk.domains.models import Domain, DomainStatus
from hostwerk.domains.registration import domain_register
from hostwerk.domains.renewal import domain_expiry_reminders_send, domain_renew
from hostwerk.domains.sync import domain_sync, registrar_poll
from hostwerk.notifications.models import OutgoingEmail
from hostwerk.orders.accept_domains import domain_registration_resend, domain_transfer_resend
from hostwerk.orders.models import Order
from tests.domains.factories import DomainFactory
from tests.sandbox.epp.support import RawSession, result_code
from tests.support.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system()


def new_domain(registry, client, name, **fields):
    values = {
        "name": name,
        "client": client,
        "tld": Tld.objects.get(name=name.rsplit(".", 1)[-1]),
        "registrar": registry.registrar,
        "status": DomainStatus.PENDING,
        "registered_at": None,
        "expires_at": None,
        "nameservers": [],
        "registrant_handle": "",
        "admin_handle": "",
        "tech_handle": "",
    }
    values.update(fields)
    return DomainFactory(**values)


@pytest.fixture
def registered(registry, owner, forwarding_server, staff_actor):
    def make(name):
        return domain_register(actor=staff_actor, domain=new_domain(registry, owner, name))

    return make


def test_renew_extends_the_expiry_at_the_registry_and_here(registered, registry, staff_actor):
    domain = registered("verleng.com")
    before = domain.expires_at

    renewed = domain_renew(actor=staff_actor, domain=domain, years=2)

    assert renewed.expires_at.date() == before.date().replace(year=before.year + 2)
    assert registry.state.domains["verleng.com"].expires.date() == renewed.expires_at.date()
    event = AuditEvent.objects.get(action="domain.renew")
    assert event.data == {"years": 2} and "expires_at" in event.changes


def test_renewing_a_nl_domain_is_refused_without_asking_the_registry(
    registered, registry, staff_actor
):
    domain = registered("automatisch.nl")
    with registry.no_commands(), pytest.raises(DomainRefused) as refused:
        domain_renew(actor=staff_actor, domain=domain)
    assert refused.value.message == (
        "automatisch.nl cannot be renewed by hand: the registry (SIDN for .nl) renews it "
        "automatically every year until it is cancelled."
    )


def test_renew_with_an_outdated_expiry_says_to_synchronise_first(registered, registry, staff_actor):
    domain = registered("oud.com")
    Domain.objects.filter(pk=domain.pk).update(expires_at=domain.expires_at - timedelta(days=365))

    with pytest.raises(DomainRefused) as refused:
        domain_renew(actor=staff_actor, domain=Domain.objects.get(pk=domain.pk))

    assert "synchronise the domain" in refused.value.message
    domain_sync(actor=staff_actor, domain=domain)
    assert (
        domain_renew(actor=staff_actor, domain=Domain.objects.get(pk=domain.pk)).status == "active"
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (["ns1.example.net"], "Enter 2 to 13 name servers, one per line."),
        (["ns1.example.net", "NS1.example.net."], "ns1.example.net is listed twice."),
        (
            ["ns1.example.net", "ns 2.example.net"],
            "Name server “ns 2.example.net”: A domain name cannot contain spaces.",
        ),
        (
            ["ns1.example.net", "http://ns2.example.net"],
            "Name server “http://ns2.example.net”: Enter only the domain name",
        ),
    ],
)
def test_nameservers_are_checked_before_the_registry_is_asked(
    registered, registry, staff_actor, typed, message
):
    domain = registered("ns-check.com")
    with registry.no_commands(), pytest.raises(NameserversInvalid) as invalid:
        domain_nameservers_update(actor=staff_actor, domain=domain, nameservers=typed)
    assert invalid.value.message.startswith(message)


def test_nameservers_accept_idn_and_mixed_separators():
    assert nameservers_clean(["NS1.Bücher.de, ns2.example.net\n\n"]) == [
        "ns1.xn--bcher-kva.de",
        "ns2.example.net",
    ]


def test_nameservers_change_at_the_registry_and_in_the_record(registered, registry, staff_actor):
    domain = registered("wissel.com")

    changed = domain_nameservers_update(
        actor=staff_actor, domain=domain, nameservers=["ns1.elders.net", "ns2.elders.net"]
    )

    assert changed.nameservers == ["ns1.elders.net", "ns2.elders.net"]
    assert registry.state.domains["wissel.com"].nameservers == ["ns1.elders.net", "ns2.elders.net"]
    assert AuditEvent.objects.get(action="domain.nameservers_update").changes["nameservers"][1] == [
        "ns1.elders.net",
        "ns2.elders.net",
    ]


def test_de_nameserver_change_refused_by_the_dns_check_keeps_the_old_ones(
    registry, owner, staff_actor
):
    registry.seed_domain(
        "bestaand.de", account="admin", nameservers=["ns1.hostwerk.test", "ns2.hostwerk.test"]
    )
    domain = new_domain(
        registry,
        owner,
        "bestaand.de",
        status=DomainStatus.ACTIVE,
        nameservers=["ns1.hostwerk.test", "ns2.hostwerk.test"],
    )

    with pytest.raises(DomainRefused) as refused:
        domain_nameservers_update(
            actor=staff_actor, domain=domain, nameservers=["ns1.elders.net", "ns2.elders.net"]
        )

    assert refused.value.message.startswith(
        "The registry's name-server check for bestaand.de failed"
    )
    assert Domain.objects.get(pk=domain.pk).nameservers == [
        "ns1.hostwerk.test",
        "ns2.hostwerk.test",
    ]


def test_sync_takes_expiry_and_name_servers_from_the_registry(registered, registry, staff_actor):
    domain = registered("sync.com")
    record = registry.state.domains["sync.com"]
    record.expires = record.expires + timedelta(days=365)
    record.nameservers = ["ns9.example.net", "ns8.example.net"]

    synced = domain_sync(actor=staff_actor, domain=domain)

    assert abs(synced.expires_at - record.expires) < timedelta(seconds=1)  # EPP dates: 0.1 s
    assert synced.nameservers == ["ns9.example.net", "ns8.example.net"]
    assert synced.last_synced_at is not None
    assert set(AuditEvent.objects.get(action="domain.sync").changes) >= {
        "expires_at",
        "nameservers",
    }


def test_sync_records_no_expiry_change_below_a_second(registered, registry, staff_actor):
    """A registry that rounds its dates differently (or a date kept from our own clock) differs
    by milliseconds: the trail would show "7-12-2027 09:48 → 7-12-2027 09:48"."""
    domain = registered("afgerond.com")
    kept = domain.expires_at
    registry.state.domains["afgerond.com"].expires = kept + timedelta(milliseconds=400)

    synced = domain_sync(actor=staff_actor, domain=domain)

    assert synced.expires_at == kept
    assert "expires_at" not in (AuditEvent.objects.get(action="domain.sync").changes or {})


def test_sync_marks_a_domain_deleted_at_the_registry_cancelled(registered, registry, staff_actor):
    domain = registered("verdwenen.com")
    del registry.state.domains["verdwenen.com"]

    synced = domain_sync(actor=staff_actor, domain=domain)

    assert synced.status == DomainStatus.CANCELLED
    assert synced.last_error == "The registry no longer holds verdwenen.com."


def test_sync_does_not_end_a_domain_recorded_without_registration(registry, owner, staff_actor):
    domain = new_domain(registry, owner, "elders.com", status=DomainStatus.ACTIVE)

    synced = domain_sync(actor=staff_actor, domain=domain)

    assert synced.status == DomainStatus.ACTIVE
    assert synced.last_error == (
        "elders.com is not held by registrar Sandbox registry; it was recorded here without a "
        "registration by Hostwerk."
    )


def test_a_domain_transferred_away_is_noticed_by_poll(registered, registry, staff_actor):
    from hostwerk.domains.registrars import registrar_client

    domain = registered("weggaan.com")
    auth_code = registry.state.domains["weggaan.com"].auth_code
    registry.registrar.username = "other"
    with registrar_client(registry.registrar) as other:
        other.transfer_request(name="weggaan.com", auth_code=auth_code, years=1)
    registry.registrar.refresh_from_db()
    registry.control("POST", "/transfers/approve", {"name": "weggaan.com"})

    assert registrar_poll(actor=SYSTEM, registrar=registry.registrar) == 2  # requested, completed

    assert Domain.objects.get(pk=domain.pk).status == DomainStatus.TRANSFERRED_AWAY
    assert AuditEvent.objects.filter(action="domain.transfer_away_notice").count() == 1
    assert registrar_poll(actor=SYSTEM, registrar=registry.registrar) == 0


def test_rejected_transfer_is_noticed_and_can_be_requested_again_with_a_new_code(
    registry, owner, forwarding_server, staff_actor
):
    registry.seed_domain("weigering.com", account="other", auth_code="Eerste-123")
    domain = new_domain(registry, owner, "weigering.com", auth_code="Eerste-123")
    domain = domain_transfer_resend(actor=staff_actor, domain=domain)
    assert domain.status == DomainStatus.PENDING_TRANSFER

    # The losing registrar refuses the transfer (a raw EPP session as "other").
    losing = RawSession(registry.sandbox)
    losing.login("other")
    answer = losing.send(
        '<command><transfer op="reject"><domain:transfer xmlns:domain="urn:ietf:params:xml:ns:domain-1.0">'
        "<domain:name>weigering.com</domain:name></domain:transfer></transfer><clTRID>RAW-REJECT-1</clTRID></command>"
    )
    losing.close()
    assert result_code(answer) == 1000

    synced = domain_sync(actor=staff_actor, domain=domain)
    assert synced.status == DomainStatus.PENDING
    assert "ended with “clientRejected”" in synced.last_error

    registry.state.domains["weigering.com"].auth_code = "Tweede-123"
    again = domain_transfer_resend(actor=staff_actor, domain=synced, auth_code="Tweede-123")
    assert again.status == DomainStatus.PENDING_TRANSFER
    assert again.auth_code == "Tweede-123"


def test_resend_registration_registers_and_accepts_the_failed_order_item(
    registry, staff_user, staff_actor, forwarding_server
):
    from hostwerk.orders.acceptance import order_accept
    from hostwerk.orders.actions import order_place
    from hostwerk.orders.items import ItemRequest
    from tests.factories import ClientFactory

    client = ClientFactory(phone="")
    order = order_place(
        actor=staff_actor,
        client=client,
        channel="staff",
        items=[ItemRequest(domain_action="register", domain="opnieuw.nl")],
        generate_invoice=False,
        send_confirmation=False,
        send_invoice_email=False,
    )
    assert order_accept(actor=staff_actor, order=order).items[0].status == "failed"
    domain = Domain.objects.get(name="opnieuw.nl")
    assert "phone number" in domain.last_error

    client.phone = "+31201234567"
    client.save()
    domain = domain_registration_resend(actor=staff_actor, domain=domain)

    assert domain.status == DomainStatus.ACTIVE
    assert domain.last_error == ""
    assert order.items.get().status == "accepted"
    assert Order.objects.get(pk=order.pk).status == "active"
    assert registry.domain_names() == ["opnieuw.nl"]


def test_resend_of_an_active_domain_is_refused(registered, staff_actor):
    domain = registered("klaar.com")
    with pytest.raises(DomainRefused) as refused:
        domain_registration_resend(actor=staff_actor, domain=domain)
    assert "only a pending registration can be sent again" in refused.value.message


def expiring(registry, owner, name, days):
    return new_domain(
        registry,
        owner,
        name,
        status=DomainStatus.ACTIVE,
        expires_at=timezone.now() + timedelta(days=days, hours=1),
    )


def test_expiry_reminders_go_out_30_and_7_days_before_once_each(registry, owner):
    soon = expiring(registry, owner, "binnenkort.com", 29)
    expiring(registry, owner, "later.com", 60)
    owner.language = "en"
    owner.save()

    assert domain_expiry_reminders_send(actor=SYSTEM) == 1
    assert domain_expiry_reminders_send(actor=SYSTEM) == 0
    email = OutgoingEmail.objects.get()
    assert email.to == owner.email
    assert email.subject.startswith("binnenkort.com expires on ")
    assert "expires in 30 days" in email.body_text
    assert "/domains/" in email.body_text

    Domain.objects.filter(pk=soon.pk).update(expires_at=timezone.now() + timedelta(days=6))
    assert domain_expiry_reminders_send(actor=SYSTEM) == 1
    assert domain_expiry_reminders_send(actor=SYSTEM) == 0
    assert "expires in 7 days" in OutgoingEmail.objects.latest("id").body_text


def test_expiry_reminder_of_a_nl_domain_says_it_renews_automatically(registry, owner):
    expiring(registry, owner, "vanzelf.nl", 20)
    owner.language = "en"
    owner.save()
    domain_expiry_reminders_send(actor=SYSTEM)
    email = OutgoingEmail.objects.get()
    assert email.subject.startswith("vanzelf.nl renews on ")
    assert "It renews automatically" in email.body_text


def test_cron_enqueues_the_domain_jobs_and_the_worker_runs_them(registered, registry, owner):
    domain = registered("cron.com")
    Domain.objects.filter(pk=domain.pk).update(last_synced_at=None)
    registry.state.domains["cron.com"].expires += timedelta(days=30)

    enqueued = cron_run(force=True)
    assert {"domains.sync_due", "domains.poll_messages", "domains.expiry_reminders"} <= set(
        enqueued
    )
    run_queued_tasks()

    synced = Domain.objects.get(pk=domain.pk)
    assert synced.last_synced_at is not None
    assert abs(synced.expires_at - registry.state.domains["cron.com"].expires) < timedelta(
        seconds=1
    )
