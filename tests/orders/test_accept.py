"""R3 and R4 against the Plesk simulators over real sockets: server choice, partial acceptance,
safe retry after faults at every step, and concurrent accepts."""

from __future__ import annotations

import threading

import pytest

from hostwerk.catalog.models import ProvisioningModule
from hostwerk.core.audit import Actor
from hostwerk.orders.acceptance import order_accept, order_plan
from hostwerk.orders.actions import order_place
from hostwerk.orders.items import ItemRequest
from hostwerk.orders.models import Order
from hostwerk.provisioning.models import Service
from hostwerk.sandbox.faults import Fault
from tests.factories import ClientFactory, ProductFactory


def place(staff_user, client, *items):
    return order_place(
        actor=Actor.for_user(staff_user),
        client=client,
        channel="staff",
        items=list(items),
        generate_invoice=False,
        send_confirmation=False,
        send_invoice_email=False,
    )


def hosting_item(product, domain):
    return ItemRequest(product_id=product.pk, domain=domain, domain_choice="external")


def accept(staff_user, order, overrides=None):
    return order_accept(actor=Actor.for_user(staff_user), order=order, overrides=overrides)


@pytest.mark.django_db
def test_r3_new_client_gets_the_group_default_server(staff_user, client_a, catalogue):
    order = place(staff_user, client_a, hosting_item(catalogue["hosting"], "anna.nl"))
    [plan] = order_plan(order=order)
    assert plan.server.name == "plesk1"
    assert plan.create_on_server is True
    assert plan.welcome_email is True


@pytest.mark.django_db
def test_r3_client_with_services_on_plesk2_gets_plesk2(
    staff_user, client_a, catalogue, plesk_servers
):
    first = place(staff_user, client_a, hosting_item(catalogue["hosting"], "eerste.nl"))
    accept(
        staff_user, first, {first.items.get().pk: {"server_id": plesk_servers.servers["plesk2"].pk}}
    )
    second = place(staff_user, client_a, hosting_item(catalogue["hosting"], "tweede.nl"))
    [plan] = order_plan(order=second)
    assert plan.server.name == "plesk2"
    assert "other services are on plesk2" in plan.server_reason


@pytest.mark.django_db
def test_r3_a_full_server_is_skipped_with_the_reason(
    staff_user, client_a, catalogue, plesk_servers
):
    plesk1 = plesk_servers.servers["plesk1"]
    plesk1.capacity = 1
    plesk1.save()
    other = ClientFactory()
    Service.objects.create(
        client=other,
        product=catalogue["hosting"],
        server=plesk1,
        status="active",
        billing_cycle="annually",
        recurring_amount=1,
    )
    order = place(staff_user, client_a, hosting_item(catalogue["hosting"], "anna.nl"))
    [plan] = order_plan(order=order)
    assert plan.server.name == "plesk2"
    assert plan.server_skipped == ["plesk1 is full (1 of 1 services)"]


@pytest.mark.django_db
def test_r3_an_inactive_server_is_skipped(staff_user, client_a, catalogue, plesk_servers):
    Service.objects.filter(pk__in=[]).delete()
    plesk_servers.servers["plesk1"].active = False
    plesk_servers.servers["plesk1"].save()
    order = place(staff_user, client_a, hosting_item(catalogue["hosting"], "anna.nl"))
    [plan] = order_plan(order=order)
    assert plan.server.name == "plesk2"
    assert plan.server_skipped == ["plesk1 is inactive"]


@pytest.mark.django_db
def test_r4_accept_creates_customer_and_subscription_and_activates(
    staff_user, client_a, catalogue, plesk_servers
):
    order = place(
        staff_user,
        client_a,
        hosting_item(catalogue["hosting"], "anna.nl"),
        ItemRequest(
            product_id=catalogue["forwarding"].pk,
            domain="anna-oud.nl",
            forwarding_url="https://anna.nl/",
        ),
    )
    outcome = accept(staff_user, order)
    assert [item.status for item in outcome.items] == ["accepted", "accepted"]
    assert Order.objects.get(pk=order.pk).status == "active"
    plesk1, forwarding = plesk_servers.state("plesk1"), plesk_servers.state("movealong")
    webspace = plesk1.find_webspace(name="anna.nl")
    assert webspace is not None and plesk1.plan_name_of(webspace) == "Default Domain"
    assert plesk1.find_customer(login=f"hw{client_a.number}") is not None
    forward = forwarding.find_webspace(name="anna-oud.nl")
    assert forward is not None
    service = Service.objects.get(domain="anna.nl")
    assert (service.status, service.server.name, service.remote_service_id) == (
        "active",
        "plesk1",
        str(webspace.id),
    )
    # The service's own trail starts with its set-up (its page said "nothing recorded").
    from hostwerk.provisioning.queries import service_audit_trail

    [event] = service_audit_trail(service=service)
    assert (event.action, event.data["server"], event.data["order"]) == (
        "service.activate",
        "plesk1",
        order.number,
    )
    assert service.next_due_date is not None


@pytest.mark.django_db
def test_r4_one_failing_item_leaves_the_others_accepted_and_not_redone(
    staff_user, client_a, catalogue, plesk_servers
):
    order = place(
        staff_user,
        client_a,
        hosting_item(catalogue["hosting"], "goed.nl"),
        ItemRequest(
            product_id=catalogue["forwarding"].pk,
            domain="fout.nl",
            forwarding_url="https://goed.nl/",
        ),
    )
    plesk_servers.fail_next("movealong", "webspace.add", code=1023, text="Operation failed.")
    outcome = accept(staff_user, order)
    assert [item.status for item in outcome.items] == ["accepted", "failed"]
    assert "Operation failed" in outcome.items[1].error
    assert Order.objects.get(pk=order.pk).status == "pending"
    before = plesk_servers.state("plesk1").counts()
    outcome = accept(staff_user, order)
    assert [item.status for item in outcome.items] == ["accepted", "accepted"]
    assert plesk_servers.state("plesk1").counts() == before
    assert Order.objects.get(pk=order.pk).status == "active"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "operation", ["customer.get", "customer.add", "webspace.get", "webspace.add"]
)
@pytest.mark.parametrize("mode", ["error", "drop_before", "drop_after_commit"])
def test_r4_fault_at_any_step_then_retry_gives_one_customer_and_one_webspace(
    staff_user, client_a, catalogue, plesk_servers, operation, mode
):
    order = place(staff_user, client_a, hosting_item(catalogue["hosting"], "anna.nl"))
    plesk_servers.fail_next("plesk1", operation, mode=mode, code=1023 if mode == "error" else None)
    first = accept(staff_user, order)
    plesk1 = plesk_servers.state("plesk1")
    if first.items[0].status == "accepted":
        # The fault hit a lookup whose answer the client could do without.
        assert operation.endswith(".get")
    else:
        assert first.items[0].error
        assert accept(staff_user, order).items[0].status == "accepted"
    assert plesk1.counts()["customers"] == 1
    assert plesk1.counts()["webspaces"] == 1
    assert Service.objects.filter(order_item__order=order).count() == 1


@pytest.mark.django_db
def test_r4_unreachable_server_says_what_to_do_and_links_the_server(
    staff_user, client_a, catalogue, plesk_servers
):
    server = plesk_servers.servers["plesk1"]
    server.api_url = "http://127.0.0.1:9"
    server.save()
    order = place(staff_user, client_a, hosting_item(catalogue["hosting"], "anna.nl"))
    [item] = accept(staff_user, order).items
    assert item.status == "failed"
    assert "Could not reach Plesk server plesk1" in item.error
    assert "accept again" in item.error
    assert (
        item.error_field
        == f"/staff/settings/servers/{server.pk}/?next=%2Fstaff%2Forders%2F{order.pk}%2Faccept%2F"
    )


@pytest.mark.django_db
def test_r4_wrong_password_names_the_server_setting(staff_user, client_a, catalogue, plesk_servers):
    server = plesk_servers.servers["plesk1"]
    server.password = "wrong"
    server.save()
    order = place(staff_user, client_a, hosting_item(catalogue["hosting"], "anna.nl"))
    [item] = accept(staff_user, order).items
    assert "Check the API login and password of server plesk1" in item.error
    server.password = "sandbox"
    server.save()
    assert accept(staff_user, order).items[0].status == "accepted"


@pytest.mark.django_db
def test_r4_webspace_of_another_customer_is_refused_not_adopted(
    staff_user, client_a, catalogue, plesk_servers
):
    from hostwerk.integrations.plesk import CustomerSpec, PleskClient, WebspaceSpec

    with PleskClient(
        plesk_servers.sandboxes["plesk1"].url, login="admin", password="sandbox"
    ) as plesk:
        stranger = plesk.customer_add(
            CustomerSpec(login="stranger", password="Secret-123!", pname="Stranger")
        )
        plesk.webspace_add(
            WebspaceSpec(
                name="anna.nl",
                owner_id=stranger.id,
                plan_name="Default Domain",
                ip_address="192.0.2.11",
                ftp_login="stranger",
                ftp_password="Secret-123!",
            )
        )
    order = place(staff_user, client_a, hosting_item(catalogue["hosting"], "anna.nl"))
    [item] = accept(staff_user, order).items
    assert item.status == "failed"
    assert "already exists on plesk1 for another Plesk customer" in item.error


@pytest.mark.django_db
def test_unticking_create_on_server_accepts_without_remote_action_and_records_it(
    staff_user, client_a, catalogue, plesk_servers
):
    order = place(staff_user, client_a, hosting_item(catalogue["hosting"], "anna.nl"))
    item = order.items.get()
    [result] = accept(staff_user, order, {item.pk: {"create_on_server": False}}).items
    assert result.status == "accepted"
    assert plesk_servers.state("plesk1").counts()["webspaces"] == 0
    from hostwerk.core.models import AuditEvent

    assert AuditEvent.objects.get(action="order_item.accept").data["create_on_server"] is False


@pytest.mark.django_db
def test_product_without_module_is_accepted_without_a_server(staff_user, client_a, plesk_servers):
    product = ProductFactory(
        name_en="Consultancy",
        type="other",
        module=ProvisioningModule.NONE,
        prices={"one_time": "90.00"},
        default_billing_cycle="one_time",
    )
    order = place(staff_user, client_a, ItemRequest(product_id=product.pk))
    [plan] = order_plan(order=order)
    assert (plan.automatic, plan.create_on_server, plan.server) == (False, False, None)
    assert accept(staff_user, order).items[0].status == "accepted"


@pytest.mark.django_db(transaction=True)
def test_r4_two_accepts_at_once_provision_each_item_once(
    staff_user, plesk_servers, hosting, forwarding, tlds
):
    client = ClientFactory()
    hosting.server_group = plesk_servers.servers["plesk1"].group
    hosting.save()
    order = place(staff_user, client, *[hosting_item(hosting, f"site{n}.nl") for n in range(4)])
    # Slow subscriptions keep both runs busy at the same time.
    plesk_servers.state("plesk1").faults.add(
        Fault(operation="webspace.add", mode="delay", count=10, delay=0.2)
    )
    barrier = threading.Barrier(2)
    results = []

    def run():
        from django.db import connections

        barrier.wait()
        try:
            results.append(accept(staff_user, Order.objects.get(pk=order.pk)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    plesk1 = plesk_servers.state("plesk1")
    assert plesk1.counts()["webspaces"] == 4
    assert plesk1.counts()["customers"] == 1
    assert Service.objects.filter(order_item__order=order).count() == 4
    assert Order.objects.get(pk=order.pk).status == "active"


@pytest.mark.django_db
def test_r7_accepted_hosting_gets_a_zone_pointing_at_its_server(
    staff_user, client_a, catalogue, plesk_servers
):
    from hostwerk.dns.models import Zone

    order = place(staff_user, client_a, hosting_item(catalogue["hosting"], "anna.nl"))
    accept(
        staff_user, order, {order.items.get().pk: {"server_id": plesk_servers.servers["plesk2"].pk}}
    )
    zone = Zone.objects.get(name="anna.nl")
    records = {(r.name, r.type): r.content for r in zone.records.all()}
    assert zone.client == client_a
    assert records[("@", "A")] == "192.0.2.21"
    assert records[("www", "A")] == "192.0.2.21"
    assert records[("mn-mx1", "A")] == "192.0.2.22"
    assert records[("@", "MX")].startswith("mn-mx1.anna.nl")
