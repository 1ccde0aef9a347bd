""" "Check against server" for one service or one domain, over real sockets against the Plesk and
EPP simulators: a planted difference of that object is found and recorded, and another object's
open difference stays open even when it would be gone, because that object was not compared."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hostwerk.core.models import AuditEvent
from hostwerk.domains.models import Domain
from hostwerk.drift.actions import CheckRefused, drift_check_domain, drift_check_service
from hostwerk.drift.models import Difference, DifferenceKind
from hostwerk.orders.acceptance import order_accept
from hostwerk.orders.actions import order_place
from hostwerk.orders.items import ItemRequest
from hostwerk.provisioning.models import Service, ServiceStatus
from tests.drift.test_drift_check import World, kinds

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def bert(world, client_b, catalogue):
    """Bert's bert.nl, hosted on plesk1 and registered like anna.nl: the other object."""
    client_b.phone = "+31612345679"
    client_b.save()
    order = order_place(
        actor=world.staff,
        client=client_b,
        channel="staff",
        items=[
            ItemRequest(
                product_id=catalogue["hosting"].pk, domain="bert.nl", domain_choice="register"
            )
        ],
        generate_invoice=False,
        send_confirmation=False,
        send_invoice_email=False,
    )
    outcome = order_accept(actor=world.staff, order=order)
    assert [item.status for item in outcome.items] == ["accepted", "accepted"]
    return Service.objects.get(domain="bert.nl")


def set_status(world: World, service: Service, status: str) -> None:
    with world.plesk() as plesk:
        plesk.webspace_set_status(id=int(service.remote_service_id), status=status)


def test_service_check_finds_its_planted_difference(world):
    set_status(world, world.service, "suspended")

    outcome = drift_check_service(actor=world.staff, service=world.service)

    assert kinds(outcome) == [("plesk1", "subscription_status", "anna.nl")]
    assert outcome.checked == 2  # the service and info@anna.nl
    [difference] = outcome.differences
    assert (difference.expected, difference.found) == ("active", "suspended")
    assert (difference.object_type, difference.object_id) == ("service", world.service.pk)
    event = AuditEvent.objects.get(action="drift.check_service")
    assert event.object_id == str(world.service.pk) and event.client_id == world.service.client_id
    assert event.data["differences"] == 1
    # A second check finds the same difference, not a new one; once agreed, it is gone.
    assert [
        d.pk for d in drift_check_service(actor=world.staff, service=world.service).differences
    ] == [difference.pk]
    set_status(world, world.service, "active")
    assert drift_check_service(actor=world.staff, service=world.service).differences == []
    difference.refresh_from_db()
    assert difference.resolution == "gone"


def test_service_check_finds_a_mailbox_filter_switched_off_and_a_switched_plan(world):
    world.plesk_servers.state("plesk1").find_mailbox("info@anna.nl").spam_filter = False
    with world.plesk() as plesk:
        plesk.webspace_switch_plan(id=int(world.service.remote_service_id), plan_name="Unlimited")

    outcome = drift_check_service(actor=world.staff, service=world.service)

    assert kinds(outcome) == [
        ("plesk1", "mailbox_filter_off", "info@anna.nl"),
        ("plesk1", "subscription_plan", "anna.nl"),
    ]


def test_service_check_leaves_another_services_open_difference_alone(world, bert):
    set_status(world, bert, "suspended")
    [bert_difference] = world.check().differences
    set_status(world, bert, "active")  # bert.nl agrees again, but nobody compared it yet
    set_status(world, world.service, "suspended")

    outcome = drift_check_service(actor=world.staff, service=world.service)

    assert kinds(outcome) == [("plesk1", "subscription_status", "anna.nl")]
    bert_difference.refresh_from_db()
    assert bert_difference.is_open
    assert Difference.objects.filter(resolved_at__isnull=True).count() == 2
    # Bert's own check resolves it, and leaves anna.nl's open.
    assert drift_check_service(actor=world.staff, service=bert).differences == []
    bert_difference.refresh_from_db()
    assert bert_difference.resolution == "gone"
    assert kinds(world.check()) == [("plesk1", "subscription_status", "anna.nl")]


def test_service_check_of_a_removed_subscription_says_so(world):
    with world.plesk() as plesk:
        plesk.webspace_del(id=int(world.service.remote_service_id))

    outcome = drift_check_service(actor=world.staff, service=world.service)

    assert kinds(outcome) == [("plesk1", "subscription_missing", "anna.nl")]


def test_service_check_of_an_unreachable_server_keeps_the_differences(world):
    set_status(world, world.service, "suspended")
    [difference] = drift_check_service(actor=world.staff, service=world.service).differences
    server = world.plesk_servers.servers["plesk1"]
    server.api_url = "http://127.0.0.1:9"
    server.save()

    outcome = drift_check_service(actor=world.staff, service=world.service)

    assert [system for system, _why in outcome.unreachable] == ["plesk1"]
    difference.refresh_from_db()
    assert difference.is_open


def test_a_terminated_service_is_not_compared(world):
    Service.objects.filter(pk=world.service.pk).update(status=ServiceStatus.TERMINATED)
    with pytest.raises(CheckRefused):
        drift_check_service(actor=world.staff, service=world.service)
    assert not AuditEvent.objects.filter(action="drift.check_service").exists()


def test_domain_check_finds_its_planted_differences_and_leaves_another_domains_alone(world, bert):
    bert_record = world.registry.state.domains["bert.nl"]
    bert_record.nameservers = ["ns.elders.example"]
    [bert_difference] = world.check().differences
    bert_record.nameservers = ["ns1.hostwerk.test", "ns2.hostwerk.test"]
    anna_record = world.registry.state.domains["anna.nl"]
    anna_record.expires = anna_record.expires.replace(year=anna_record.expires.year + 1)
    anna = Domain.objects.get(name="anna.nl")

    outcome = drift_check_domain(actor=world.staff, domain=anna)

    assert kinds(outcome) == [("registrar Sandbox registry", "domain_expiry", "anna.nl")]
    assert outcome.checked == 1
    [difference] = outcome.differences
    assert difference.found == anna_record.expires.date().isoformat()
    assert (difference.object_type, difference.object_id) == ("domain", anna.pk)
    bert_difference.refresh_from_db()
    assert bert_difference.is_open
    event = AuditEvent.objects.get(action="drift.check_domain")
    assert event.object_id == str(anna.pk)


def test_domain_check_finds_another_owner(world):
    anna = Domain.objects.get(name="anna.nl")
    world.registry.state.domains["anna.nl"].registrant = "SOMEONE-ELSE"

    outcome = drift_check_domain(actor=world.staff, domain=anna)

    assert kinds(outcome) == [("registrar Sandbox registry", "domain_owner", "anna.nl")]
    assert outcome.differences[0].found == "SOMEONE-ELSE"


# Staff pages and the API ---------------------------------------------------------------------


def test_service_page_button_checks_and_shows_the_differences(world, staff_web):
    page = staff_web.get(reverse("staff:service_detail", args=[world.service.pk]))
    assert reverse("staff:service_drift_check", args=[world.service.pk]) in page.content.decode()
    set_status(world, world.service, "suspended")

    response = staff_web.post(
        reverse("staff:service_drift_check", args=[world.service.pk]), follow=True
    )

    html = response.content.decode()
    assert "anna.nl differs from the server in 1 way" in html
    [difference] = Difference.objects.filter(resolved_at__isnull=True)
    assert f'id="difference-{difference.pk}"' in html
    assert reverse("staff:drift_repair", args=[difference.pk]) in html


def test_domain_page_button_checks_and_says_when_all_agrees(world, staff_web):
    anna = Domain.objects.get(name="anna.nl")
    assert reverse("staff:domain_drift_check", args=[anna.pk]) in (
        staff_web.get(reverse("staff:domain_detail", args=[anna.pk])).content.decode()
    )

    response = staff_web.post(reverse("staff:domain_drift_check", args=[anna.pk]), follow=True)

    assert "anna.nl agrees with the server." in response.content.decode()
    assert AuditEvent.objects.get(action="drift.check_domain").actor.email == "sanne@provider.test"


def test_clients_cannot_check_against_the_server(world, client_a_web, client_a_api, client_b_api):
    anna = Domain.objects.get(name="anna.nl")
    set_status(world, world.service, "suspended")
    # Staff-only, like every staff endpoint: 403 to any client, its own objects included (the
    # isolation tests hold every staff-only endpoint to that).
    assert (
        client_a_web.post(reverse("staff:service_drift_check", args=[world.service.pk])).status_code
        == 403
    )
    assert client_a_web.post(reverse("staff:domain_drift_check", args=[anna.pk])).status_code == 403
    for api in (client_a_api, client_b_api):
        assert api.post(f"/services/{world.service.pk}/drift-check").status_code == 403
        assert api.post(f"/domains/{anna.pk}/drift-check").status_code == 403
    assert not Difference.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="drift.check").exists()


def test_api_checks_a_service_and_a_domain(world, staff_api):
    set_status(world, world.service, "suspended")

    response = staff_api.post(f"/services/{world.service.pk}/drift-check")

    assert response.status_code == 200
    body = response.json()
    assert body["checked"] == 2 and body["unreachable"] == []
    [difference] = body["differences"]
    assert {k: difference[k] for k in ("kind", "system", "object", "expected", "found")} == {
        "kind": "subscription_status",
        "system": "plesk1",
        "object": "anna.nl",
        "expected": "active",
        "found": "suspended",
    }
    assert difference["repairable"] is True
    anna = Domain.objects.get(name="anna.nl")
    assert staff_api.post(f"/domains/{anna.pk}/drift-check").json()["differences"] == []
    assert staff_api.post("/domains/999999/drift-check").status_code == 404
    Domain.objects.filter(pk=anna.pk).update(status="expired")
    assert staff_api.post(f"/domains/{anna.pk}/drift-check").status_code == 409


@pytest.mark.parametrize("others", [3, 30])
def test_service_check_query_count_does_not_grow_with_other_differences(
    world, django_assert_max_num_queries, others
):
    for number in range(others):
        Difference.objects.create(
            kind=DifferenceKind.SUBSCRIPTION_STATUS,
            system="plesk1",
            object_label=f"other{number}.nl",
            object_type="service",
            object_id=10_000 + number,
            key=f"other{number}",
        )
    set_status(world, world.service, "suspended")
    with django_assert_max_num_queries(16):
        outcome = drift_check_service(actor=world.staff, service=world.service)
    assert len(outcome.differences) == 1
    assert Difference.objects.filter(resolved_at__isnull=True).count() == others + 1


@pytest.mark.parametrize("rows", [3, 30])
def test_service_page_query_count_does_not_grow_with_its_differences(
    world, staff_web, django_assert_max_num_queries, rows
):
    for number in range(rows):
        Difference.objects.create(
            kind=DifferenceKind.MAILBOX_UNKNOWN,
            system="plesk1",
            object_label=f"box{number}@anna.nl",
            object_type="service",
            object_id=world.service.pk,
            key=f"box{number}",
        )
    with django_assert_max_num_queries(30):
        response = staff_web.get(reverse("staff:service_detail", args=[world.service.pk]))
    assert response.content.decode().count('id="difference-') == rows
