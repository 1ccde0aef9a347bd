"""The staff accept page (plan, result per item, retry) and the acceptance API."""

import pytest
from django.urls import reverse

from hostwerk.core.audit import Actor
from hostwerk.orders.actions import order_place
from hostwerk.orders.items import ItemRequest
from hostwerk.orders.models import Order


@pytest.fixture
def order(staff_user, client_a, catalogue):
    return order_place(
        actor=Actor.for_user(staff_user),
        client=client_a,
        channel="staff",
        items=[
            ItemRequest(
                product_id=catalogue["hosting"].pk, domain="anna.nl", domain_choice="external"
            ),
            ItemRequest(
                product_id=catalogue["forwarding"].pk,
                domain="anna-oud.nl",
                forwarding_url="https://anna.nl/",
            ),
        ],
        generate_invoice=False,
        send_confirmation=False,
        send_invoice_email=False,
    )


def plan_post(order, **changes):
    data = {}
    for item in order.items.all():
        prefix = f"item-{item.pk}-"
        data[prefix + "present"] = "1"
        for flag in ("create_on_server", "welcome_email"):
            data[prefix + flag + "-shown"] = "1"
            data[prefix + flag] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.django_db
def test_accept_page_shows_the_plan_per_item(staff_web, order):
    response = staff_web.get(reverse("staff:order_accept", args=[order.pk]))
    html = response.content.decode()
    assert "Default server of group Plesk." in html
    assert "Create on server" in html
    assert [p.server.name for p in response.context["plans"]] == ["plesk1", "movealong"]


@pytest.mark.django_db
def test_accept_page_accepts_and_shows_failures_with_what_to_fix(staff_web, order, plesk_servers):
    plesk_servers.fail_next("movealong", "webspace.add", code=1023, text="Operation failed.")
    response = staff_web.post(reverse("staff:order_accept", args=[order.pk]), plan_post(order))
    assert response["Location"] == reverse("staff:order_accept", args=[order.pk])
    page = staff_web.get(reverse("staff:order_accept", args=[order.pk]))
    html = page.content.decode()
    assert "1 of 2 items accepted" in html
    assert "Operation failed." in html
    assert "Accept again" in html
    staff_web.post(reverse("staff:order_accept", args=[order.pk]), plan_post(order))
    assert Order.objects.get(pk=order.pk).status == "active"


@pytest.mark.django_db
def test_accept_page_uses_the_server_staff_chose(staff_web, order, plesk_servers):
    hosting_item = order.items.get(kind="hosting")
    staff_web.post(
        reverse("staff:order_accept", args=[order.pk]),
        plan_post(
            order, **{f"item-{hosting_item.pk}-server_id": str(plesk_servers.servers["plesk2"].pk)}
        ),
    )
    assert plesk_servers.state("plesk2").find_webspace(name="anna.nl") is not None
    assert plesk_servers.state("plesk1").counts()["webspaces"] == 0


@pytest.mark.django_db
def test_api_plan_and_accept(staff_api, order, plesk_servers):
    plan = staff_api.get(f"/orders/{order.pk}/plan").json()
    assert [(p["kind"], p["create_on_server"]) for p in plan] == [
        ("hosting", True),
        ("forwarding", True),
    ]
    assert plan[0]["server_id"] == plesk_servers.servers["plesk1"].pk
    assert "register" in plan[0]
    response = staff_api.post(
        f"/orders/{order.pk}/accept",
        {
            "items": [
                {"item_id": plan[0]["item_id"], "server_id": plesk_servers.servers["plesk2"].pk}
            ]
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "active"
    assert all(item["status"] == "accepted" and item["service_id"] for item in body["items"])
    service = staff_api.get(f"/services/{body['items'][0]['service_id']}").json()
    assert (service["status"], service["server_id"], service["domain"]) == (
        "active",
        plesk_servers.servers["plesk2"].pk,
        "anna.nl",
    )


@pytest.mark.django_db
def test_api_accept_is_staff_only_and_plan_errors_are_422(client_a_api, staff_api, order):
    assert client_a_api.get(f"/orders/{order.pk}/plan").status_code == 403
    response = staff_api.post(f"/orders/{order.pk}/accept", {"items": [{"item_id": 999999}]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "items", 0, "item_id"]


@pytest.mark.django_db
def test_api_accept_async_runs_as_a_task(staff_api, order, plesk_servers):
    from tests.support.tasks import run_queued_tasks

    response = staff_api.post(f"/orders/{order.pk}/accept", {"async": True})
    assert response.status_code == 202
    assert Order.objects.get(pk=order.pk).status == "pending"
    run_queued_tasks()
    assert Order.objects.get(pk=order.pk).status == "active"


@pytest.mark.django_db
def test_api_order_names_the_domain_an_accepted_domain_item_created(
    staff_api, staff_user, client_a, tlds
):
    from hostwerk.orders.acceptance import order_accept

    order = order_place(
        actor=Actor.for_user(staff_user),
        client=client_a,
        channel="staff",
        items=[ItemRequest(domain_action="register", domain="anna-eigen.com")],
        generate_invoice=False,
        send_confirmation=False,
        send_invoice_email=False,
    )
    item = order.items.get()
    order_accept(
        actor=Actor.for_user(staff_user), order=order, overrides={item.pk: {"register": False}}
    )
    body = staff_api.get(f"/orders/{order.pk}").json()
    assert body["items"][0]["status"] == "accepted"
    assert body["items"][0]["domain_id"] == item.domain_record.pk


@pytest.mark.django_db
def test_a_plesk_fault_shows_the_dutch_explanation_beside_the_remote_text(
    staff_web, staff_user, order, plesk_servers
):
    from django.utils import translation
    from django.utils.html import escape

    from hostwerk.provisioning.remote_errors import PLESK_EXPLANATIONS

    staff_user.language = "nl"
    staff_user.save()
    remote = "The domain name anna.nl is invalid."
    plesk_servers.fail_next("plesk1", "webspace.add", code=1019, text=remote)
    staff_web.post(reverse("staff:order_accept", args=[order.pk]), plan_post(order))
    item = order.items.get(domain="anna.nl")
    assert item.status == "failed"
    assert item.remote_error == {
        "system": "plesk",
        "code": "1019",
        "text": remote,
        "operation": "webspace.add",
        "server": "plesk1",
    }
    with translation.override("nl"):
        dutch = str(PLESK_EXPLANATIONS[1019])
    with translation.override("en"):
        assert dutch != str(PLESK_EXPLANATIONS[1019])  # the catalogue has it in Dutch
    for url in ("staff:order_detail", "staff:order_accept"):
        html = staff_web.get(reverse(url, args=[order.pk])).content.decode()
        assert escape(dutch) in html
        assert escape(remote) in html
        assert "(code 1019)" in html
        # The headline is Hostwerk's own, in Dutch; Plesk's English stays beside it, marked.
        assert "Het aanmaken van het abonnement op Plesk-server plesk1 is mislukt." in html
        assert "could not create webspace" not in html
    # Accepted on a retry: the remote error goes with the failure.
    staff_web.post(reverse("staff:order_accept", args=[order.pk]), plan_post(order))
    item.refresh_from_db()
    assert (item.status, item.remote_error) == ("accepted", {})
