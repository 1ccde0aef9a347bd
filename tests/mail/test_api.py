"""API v1 for mail: mailboxes created with their filter read back, 422 naming the field, client
tokens limited to their own objects, staff-only confirmation, lists without N+1."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hostwerk.core.audit import Actor
from hostwerk.mail.models import Mailbox, MailFilterStatus
from hostwerk.provisioning.zones import zone_create
from tests.dns.factories import ForwardingServerFactory
from tests.mail.factories import MailboxFactory, MailFilterFactory
from tests.provisioning.factories import ServiceFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Zomer-Fiets-2025!"


def test_a_client_creates_a_mailbox_and_gets_the_filter_state(
    client_a_api, hosting_service, plesk1
):
    response = client_a_api.post(
        "/mailboxes",
        {"service_id": hosting_service.pk, "address": "info@anna.nl", "password": PASSWORD},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["address"] == "info@anna.nl"
    assert body["spam_filter"] == "on"
    assert set(body) >= {"id", "address", "spam_filter"}
    assert "password" not in body
    assert plesk1.spamfilter_get(mailbox="info@anna.nl") is True

    again = client_a_api.get(f"/mailboxes/{body['id']}")
    assert again.status_code == 200
    assert again.json()["spam_filter"] == "on"


def test_422_names_the_field(client_a_api, hosting_service):
    weak = client_a_api.post(
        "/mailboxes",
        {"service_id": hosting_service.pk, "address": "info@anna.nl", "password": "kort"},
    )
    assert weak.status_code == 422
    assert {tuple(error["loc"]) for error in weak.json()["detail"]} == {("body", "password")}

    wrong_domain = client_a_api.post(
        "/mailboxes",
        {"service_id": hosting_service.pk, "address": "info@other.nl", "password": PASSWORD},
    )
    assert wrong_domain.status_code == 422
    [error] = wrong_domain.json()["detail"]
    assert error["loc"] == ["body", "address"]
    assert "@anna.nl" in error["msg"]

    missing = client_a_api.post("/mailboxes", {"address": "info@anna.nl", "password": PASSWORD})
    assert missing.status_code == 422
    assert "service_id" in str(missing.json()["detail"])
    assert Mailbox.objects.count() == 0


def test_a_client_token_cannot_use_another_clients_service_or_mailbox(
    client_b_api, hosting_service
):
    response = client_b_api.post(
        "/mailboxes",
        {"service_id": hosting_service.pk, "address": "info@anna.nl", "password": PASSWORD},
    )
    assert response.status_code == 404
    other = MailboxFactory(service=hosting_service)
    assert client_b_api.get(f"/mailboxes/{other.pk}").status_code == 404
    assert client_b_api.get("/mailboxes").json()["items"] == []


def test_mail_filters_by_domain_and_staff_confirmation(
    staff_api, client_a_api, client_b_api, client_a, staff_user
):
    ForwardingServerFactory()
    zone_create(actor=Actor.for_user(staff_user), domain="klant.nl", client=client_a)
    MailFilterFactory(domain="klant.nl", client=client_a)

    own = client_a_api.get("/mail-filters/klant.nl")
    assert own.status_code == 200
    assert own.json()["domain"] == "klant.nl" and own.json()["status"] == "requested"
    assert client_b_api.get("/mail-filters/klant.nl").status_code == 404
    assert client_a_api.post("/mail-filters/klant.nl/confirm").status_code == 403

    confirmed = staff_api.post("/mail-filters/klant.nl/confirm")
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["status"] == MailFilterStatus.ACTIVE  # database-only DNS: at once
    assert staff_api.get("/mail-filters/unknown.nl").status_code == 404


def test_confirming_a_removed_filter_is_a_conflict(staff_api, client_a):
    MailFilterFactory(domain="weg.nl", client=client_a, status=MailFilterStatus.REMOVED)
    response = staff_api.post("/mail-filters/weg.nl/confirm")
    assert response.status_code == 409


@pytest.mark.parametrize("path", ["/mailboxes", "/mail-filters"])
def test_list_endpoints_do_not_grow_their_queries_with_rows(staff_api, path):
    def make(count):
        for _ in range(count):
            if path == "/mailboxes":
                MailboxFactory(service=ServiceFactory())
            else:
                MailFilterFactory()

    make(3)
    staff_api.get(path)  # the token's first use is recorded once; measure after it
    with CaptureQueriesContext(connection) as few:
        assert staff_api.get(path).status_code == 200
    make(12)
    with CaptureQueriesContext(connection) as many:
        response = staff_api.get(path)
    assert response.json()["count"] == 15
    assert len(many) == len(few)
