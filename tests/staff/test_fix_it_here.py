"""After "fix it here" on a failed item, saving the client goes back to the order."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.urls import reverse

from hostwerk.core.audit import Actor
from hostwerk.core.redirects import is_local_path, url_with_next
from hostwerk.orders.acceptance import order_accept
from hostwerk.orders.actions import order_place
from hostwerk.orders.items import ItemRequest
from tests.dns.factories import ForwardingServerFactory
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def client_post(client, **changes):
    data = {
        "first_name": client.first_name,
        "last_name": client.last_name,
        "company": client.company,
        "email": client.email,
        "phone": client.phone,
        "address1": client.address1,
        "postcode": client.postcode,
        "city": client.city,
        "country": "NL",
        "language": client.language,
        "legal_form": client.legal_form,
        "status": "active",
    }
    data.update(changes)
    return data


@pytest.fixture
def failed_order(staff_user, epp_registry, tlds):
    ForwardingServerFactory()
    client = ClientFactory(first_name="Anna", last_name="Aalbers", phone="")
    order = order_place(
        actor=Actor.for_user(staff_user),
        client=client,
        channel="staff",
        items=[ItemRequest(domain_action="register", domain="aalbers.nl")],
        generate_invoice=False,
        send_confirmation=False,
        send_invoice_email=False,
    )
    [item] = order_accept(actor=Actor.for_user(staff_user), order=order).items
    assert item.status == "failed"
    return order


def fix_link(page_html: str) -> str:
    match = re.search(r'href="([^"]+)">Fix it here', page_html)
    assert match, "no fix-it-here link"
    return html_lib.unescape(match.group(1))


def test_saving_the_client_from_fix_it_here_goes_back_to_the_accept_page(staff_web, failed_order):
    accept_url = reverse("staff:order_accept", args=[failed_order.pk])
    link = fix_link(staff_web.get(accept_url).content.decode())
    client = failed_order.client
    assert link == (
        f"/staff/clients/{client.pk}/edit/?next=%2Fstaff%2Forders%2F{failed_order.pk}%2Faccept%2F"
        "#id_phone"
    )

    form_page = staff_web.get(link)
    assert f'name="next" value="{accept_url}"' in form_page.content.decode()
    response = staff_web.post(link, client_post(client, phone="+31 6 12345678", next=accept_url))

    assert (response.status_code, response["Location"]) == (302, accept_url)
    client.refresh_from_db()
    assert client.phone == "+31612345678"


def test_the_order_page_links_to_the_fix_and_back_to_the_order(staff_web, failed_order):
    page = staff_web.get(reverse("staff:order_detail", args=[failed_order.pk]))
    assert fix_link(page.content.decode()).endswith(
        f"?next=%2Fstaff%2Forders%2F{failed_order.pk}%2F#id_phone"
    )


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/staff/", "/\\evil.example", "javascript:alert(1)"],
)
def test_a_next_that_is_not_a_local_path_is_ignored(staff_web, target):
    client = ClientFactory()
    response = staff_web.post(
        reverse("staff:client_edit", args=[client.pk]), client_post(client, next=target)
    )
    assert response["Location"] == reverse("staff:client_detail", args=[client.pk])


def test_a_refused_save_keeps_the_way_back(staff_web):
    client = ClientFactory()
    response = staff_web.post(
        reverse("staff:client_edit", args=[client.pk]),
        client_post(client, phone="not a phone", next="/staff/orders/7/accept/"),
    )
    assert response.status_code == 200
    assert 'name="next" value="/staff/orders/7/accept/"' in response.content.decode()


def test_url_with_next_keeps_an_existing_next_and_leaves_anchors_alone():
    assert url_with_next("/x/?next=%2Fa%2F#f", "/b/") == "/x/?next=%2Fa%2F#f"
    assert url_with_next("#plan-3", "/b/") == "#plan-3"
    assert url_with_next("/x/", "https://evil.example/") == "/x/"
    assert not is_local_path("")
