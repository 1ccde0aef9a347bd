"""Bulk work on the staff order list: accept many orders (one job each, progress polled), cancel
many; each through the ordinary per-order action, audited, with an outcome per order."""

import pytest
from django.urls import reverse

from hostwerk.core.audit import Actor
from hostwerk.core.models import AuditEvent, BulkItem, BulkRun
from hostwerk.orders.actions import order_place
from hostwerk.orders.items import ItemRequest
from hostwerk.orders.models import Order
from tests.orders.factories import OrderFactory, OrderItemFactory
from tests.support.tasks import queued_task_paths, run_queued_tasks

BULK_ORDERS = reverse("staff:bulk_start", args=["orders"])


def hosting_orders(staff_user, client, hosting, count: int) -> list[Order]:
    return [
        order_place(
            actor=Actor.for_user(staff_user),
            client=client,
            channel="staff",
            items=[
                ItemRequest(product_id=hosting.pk, domain=f"klant{n}.nl", domain_choice="external")
            ],
            generate_invoice=False,
            send_confirmation=False,
            send_invoice_email=False,
        )
        for n in range(count)
    ]


def run_page(web, run_id, **headers):
    return web.get(reverse("staff:bulk_run", args=[run_id]), **headers)


@pytest.mark.django_db
def test_bulk_accept_of_20_orders_shows_progress_and_creates_each_on_the_server(
    staff_web, staff_user, client_a, catalogue, plesk_servers
):
    orders = hosting_orders(staff_user, client_a, catalogue["hosting"], 20)

    response = staff_web.post(BULK_ORDERS, {"action": "accept", "selected": [o.pk for o in orders]})

    run = BulkRun.objects.get()
    assert response["Location"] == reverse("staff:bulk_run", args=[run.pk])
    assert queued_task_paths().count("hostwerk.orders.tasks.accept_order_of_bulk_run") == 20
    waiting = run_page(staff_web, run.pk).content.decode()
    assert "0 of 20 finished" in waiting
    assert 'hx-trigger="every 1s"' in waiting

    run_queued_tasks()

    done = run_page(staff_web, run.pk, HTTP_HX_REQUEST="true").content.decode()
    assert "Finished: 20 done, 0 failed." in done
    assert "hx-trigger" not in done  # polling stops
    assert set(Order.objects.values_list("status", flat=True)) == {"active"}
    assert plesk_servers.state("plesk1").counts()["webspaces"] == 20
    started = AuditEvent.objects.get(action="bulk.order_accept")
    assert started.actor == staff_user and started.data["count"] == 20
    assert AuditEvent.objects.filter(action="order.accept_enqueued").count() == 20
    accepted = AuditEvent.objects.filter(action="order_item.accept")
    assert accepted.count() == 20
    assert {event.actor_id for event in accepted} == {
        staff_user.pk
    }  # the staff member, via the worker


@pytest.mark.django_db
def test_bulk_accept_reports_the_order_that_failed_and_accepts_the_others(
    staff_web, staff_user, client_a, catalogue, plesk_servers
):
    orders = hosting_orders(staff_user, client_a, catalogue["hosting"], 3)
    plesk_servers.fail_next("plesk1", "webspace.add", code=1023, text="Operation failed.")

    staff_web.post(BULK_ORDERS, {"action": "accept", "selected": [o.pk for o in orders]})
    run_queued_tasks()

    items = list(BulkItem.objects.order_by("id"))
    assert [item.status for item in items] == ["failed", "succeeded", "succeeded"]
    assert "Operation failed." in items[0].message
    assert items[0].url == reverse("staff:order_accept", args=[orders[0].pk])
    page = run_page(staff_web, items[0].run_id).content.decode()
    assert "Finished: 2 done, 1 failed." in page and "Operation failed." in page


@pytest.mark.django_db
def test_bulk_cancel_cancels_pending_orders_and_says_why_not_the_others(staff_web, client_a):
    pending = [OrderFactory(client=client_a) for _ in range(2)]
    for order in pending:
        OrderItemFactory(order=order)
    active = OrderFactory(client=client_a, status="active")
    OrderItemFactory(order=active, status="accepted")

    response = staff_web.post(
        BULK_ORDERS, {"action": "cancel", "selected": [o.pk for o in [*pending, active]]}
    )

    page = staff_web.get(response["Location"]).content.decode()
    assert "Finished: 2 done, 1 failed." in page
    assert "Only a pending order can be cancelled; this one is active." in page
    assert [Order.objects.get(pk=o.pk).status for o in pending] == ["cancelled", "cancelled"]
    assert Order.objects.get(pk=active.pk).status == "active"
    assert AuditEvent.objects.filter(action="order.cancel").count() == 2


@pytest.mark.django_db
def test_bulk_action_without_a_selection_goes_back_with_a_message(staff_web):
    response = staff_web.post(
        BULK_ORDERS, {"action": "cancel", "next": "/staff/orders/?status=pending"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/staff/orders/?status=pending"
    assert "Select at least one row first." in response.content.decode()
    assert not BulkRun.objects.exists()


@pytest.mark.django_db
def test_bulk_actions_are_for_staff_only(client_a_web, staff_web, client_a):
    order = OrderFactory(client=client_a)
    assert (
        client_a_web.post(BULK_ORDERS, {"action": "cancel", "selected": [order.pk]}).status_code
        == 403
    )
    assert (
        staff_web.post(BULK_ORDERS, {"action": "delete", "selected": [order.pk]}).status_code == 404
    )
    assert staff_web.get(BULK_ORDERS).status_code == 405
    assert Order.objects.get(pk=order.pk).status == "pending"


@pytest.mark.django_db
def test_someone_elses_run_page_is_for_staff_only(client_a_web, staff_web, client_a):
    order = OrderFactory(client=client_a)
    OrderItemFactory(order=order)
    staff_web.post(BULK_ORDERS, {"action": "cancel", "selected": [order.pk]})
    run = BulkRun.objects.get()
    assert run_page(client_a_web, run.pk).status_code == 403
    assert run_page(staff_web, run.pk + 1).status_code == 404


@pytest.mark.parametrize("rows", [2, 20])
@pytest.mark.django_db
def test_order_list_with_its_action_bar_and_the_run_page_keep_their_query_count(
    staff_web, client_a, rows, django_assert_num_queries
):
    orders = [OrderFactory(client=client_a) for _ in range(rows)]
    for order in orders:
        OrderItemFactory(order=order)
    staff_web.get(reverse("staff:order_list"))
    with django_assert_num_queries(4):
        html = staff_web.get(reverse("staff:order_list")).content.decode()
    assert html.count('name="selected"') == rows
    staff_web.post(BULK_ORDERS, {"action": "cancel", "selected": [o.pk for o in orders]})
    run = BulkRun.objects.get()
    with django_assert_num_queries(4):  # session, user, run, items
        run_page(staff_web, run.pk)
