"""Service lifecycle round trips, read back from the simulator through the XML API."""

import pytest
from django.urls import reverse
from django.utils import translation

from hostwerk.catalog.models import BillingCycle
from hostwerk.core.audit import Actor
from hostwerk.integrations.plesk import PleskClient
from hostwerk.orders.acceptance import order_accept
from hostwerk.orders.actions import order_place
from hostwerk.orders.items import ItemRequest
from hostwerk.provisioning.actions import (
    ServiceRefused,
    service_change_package,
    service_change_password,
    service_suspend,
    service_terminate,
    service_unsuspend,
)
from hostwerk.provisioning.models import Service


@pytest.fixture
def service(staff_user, client_a, catalogue):
    order = order_place(
        actor=Actor.for_user(staff_user),
        client=client_a,
        channel="staff",
        items=[
            ItemRequest(
                product_id=catalogue["hosting"].pk, domain="anna.nl", domain_choice="external"
            )
        ],
        generate_invoice=False,
        send_confirmation=False,
        send_invoice_email=False,
    )
    order_accept(actor=Actor.for_user(staff_user), order=order)
    return Service.objects.get(order_item__order=order)


def read_back(plesk_servers, domain="anna.nl"):
    with PleskClient(
        plesk_servers.sandboxes["plesk1"].url, login="admin", password="sandbox"
    ) as plesk:
        return plesk.webspace_get(name=domain)


@pytest.mark.django_db
def test_suspend_and_unsuspend_round_trip(staff_user, service, plesk_servers):
    actor = Actor.for_user(staff_user)
    service = service_suspend(actor=actor, service=service)
    assert service.status == "suspended"
    assert read_back(plesk_servers).is_active is False
    service = service_unsuspend(actor=actor, service=service)
    assert service.status == "active"
    assert read_back(plesk_servers).is_active is True


@pytest.mark.django_db
def test_terminate_removes_subscription_and_customer(staff_user, service, plesk_servers):
    service = service_terminate(actor=Actor.for_user(staff_user), service=service)
    assert service.status == "terminated"
    assert read_back(plesk_servers) is None
    assert plesk_servers.state("plesk1").counts()["customers"] == 0
    with pytest.raises(ServiceRefused):
        service_suspend(actor=Actor.for_user(staff_user), service=service)


@pytest.mark.django_db
def test_change_package_switches_the_plan(staff_user, service, plesk_servers):
    service_change_package(actor=Actor.for_user(staff_user), service=service, plan="Unlimited")
    assert read_back(plesk_servers).plan_name == "Unlimited"


@pytest.mark.django_db
def test_change_password_is_set_on_the_customer_and_shown_once(
    staff_user, service, plesk_servers, client_a_web, client_a_user
):
    password = service_change_password(actor=Actor.for_user(staff_user), service=service)
    customer = plesk_servers.state("plesk1").find_customer(login=service.username)
    assert customer.password == password
    first = client_a_web.post(reverse("portal:service_detail", args=[service.pk]), {"reveal": "1"})
    assert password in first.content.decode()
    second = client_a_web.post(reverse("portal:service_detail", args=[service.pk]), {"reveal": "1"})
    assert password not in second.content.decode()
    assert "Already shown" in second.content.decode()


@pytest.mark.django_db
def test_staff_service_page_and_actions(staff_web, service, plesk_servers):
    html = staff_web.get(reverse("staff:service_detail", args=[service.pk])).content.decode()
    assert "subscription" in html and service.remote_service_id in html
    # The billing cycle as a word of the reader's language, not the stored code.
    with translation.override("nl"):
        cycle = str(BillingCycle(service.billing_cycle).label)
    staff_web.post(reverse("language_switch"), {"language": "nl", "next": "/"})
    html = staff_web.get(reverse("staff:service_detail", args=[service.pk])).content.decode()
    assert f"{cycle} · " in html and f">{service.billing_cycle} · " not in html
    assert cycle != service.billing_cycle
    staff_web.post(reverse("staff:service_action", args=[service.pk, "suspend"]))
    service.refresh_from_db()
    assert service.status == "suspended"
    assert (
        staff_web.post(reverse("staff:service_action", args=[service.pk, "explode"])).status_code
        == 404
    )


@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.django_db
def test_service_lists_query_count_is_constant(
    staff_web, client_a_web, client_a, catalogue, rows, django_assert_num_queries
):
    for n in range(rows):
        Service.objects.create(
            client=client_a,
            product=catalogue["hosting"],
            domain=f"s{n}.nl",
            billing_cycle="annually",
            recurring_amount=1,
        )
    with django_assert_num_queries(4):
        staff_web.get(reverse("staff:service_list"))
    with django_assert_num_queries(5):
        client_a_web.get(reverse("portal:service_list"))


@pytest.mark.django_db
def test_client_b_cannot_see_or_act_on_client_a_service(client_b_web, client_b_api, service):
    assert client_b_web.get(reverse("portal:service_detail", args=[service.pk])).status_code == 404
    assert (
        client_b_web.post(reverse("portal:service_password_reset", args=[service.pk])).status_code
        == 404
    )
    assert client_b_api.get(f"/services/{service.pk}").status_code == 404
