"""API v1 domains: lists and details scoped to the token, staff actions, errors that say why."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hostwerk.catalog.models import Tld
from hostwerk.core.audit import Actor
from hostwerk.domains.models import DomainStatus
from hostwerk.domains.registration import domain_register
from tests.domains.factories import DomainFactory

pytestmark = pytest.mark.django_db


def test_client_token_lists_only_its_own_domains(client_a_api, client_a):
    own = DomainFactory(client=client_a, name="eigen.nl")
    DomainFactory(name="vreemd.nl")
    body = client_a_api.get("/domains").json()
    assert body["count"] == 1
    assert [item["id"] for item in body["items"]] == [own.pk]


def test_domain_detail_has_the_contract_fields(staff_api):
    domain = DomainFactory(name="xn--bcher-kva.nl")
    body = staff_api.get(f"/domains/{domain.pk}").json()
    assert {
        key: body[key]
        for key in ("id", "name", "name_unicode", "status", "registrar", "nameservers")
    } == {
        "id": domain.pk,
        "name": "xn--bcher-kva.nl",
        "name_unicode": "bücher.nl",
        "status": "active",
        "registrar": domain.registrar.name,
        "nameservers": ["ns1.hostwerk.test", "ns2.hostwerk.test"],
    }
    assert body["expires_at"] == domain.expires_at.isoformat()


def test_list_filters_by_status_and_search(staff_api):
    DomainFactory(name="een.nl")
    DomainFactory(name="twee.nl", status=DomainStatus.EXPIRED)
    assert [item["name"] for item in staff_api.get("/domains?status=expired").json()["items"]] == [
        "twee.nl"
    ]
    assert [item["name"] for item in staff_api.get("/domains?q=een").json()["items"]] == ["een.nl"]


def test_list_endpoint_query_count_does_not_grow_with_rows(staff_api):
    DomainFactory.create_batch(3)
    staff_api.get("/domains")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        assert staff_api.get("/domains").status_code == 200
    DomainFactory.create_batch(20)
    with CaptureQueriesContext(connection) as many:
        assert staff_api.get("/domains").status_code == 200
    assert len(many) == len(few)


def test_actions_need_a_staff_token(client_a_api, client_a):
    domain = DomainFactory(client=client_a)
    assert client_a_api.post(f"/domains/{domain.pk}/sync", {}).status_code == 403


@pytest.fixture
def registered(registry, owner, forwarding_server, staff_user):
    def make(name):
        domain = DomainFactory(
            name=name,
            client=owner,
            tld=Tld.objects.get(name=name.rsplit(".", 1)[-1]),
            registrar=registry.registrar,
            status=DomainStatus.PENDING,
            expires_at=None,
        )
        return domain_register(actor=Actor.for_user(staff_user), domain=domain)

    return make


def test_staff_renews_syncs_and_sets_nameservers(staff_api, registered, registry):
    domain = registered("api.com")

    renewed = staff_api.post(f"/domains/{domain.pk}/renew", {"years": 1})
    assert renewed.status_code == 200
    assert renewed.json()["expires_at"].startswith(str(domain.expires_at.year + 1))

    changed = staff_api.post(
        f"/domains/{domain.pk}/nameservers", {"nameservers": ["ns1.elders.net", "ns2.elders.net"]}
    )
    assert changed.json()["nameservers"] == ["ns1.elders.net", "ns2.elders.net"]
    assert registry.state.domains["api.com"].nameservers == ["ns1.elders.net", "ns2.elders.net"]

    synced = staff_api.post(f"/domains/{domain.pk}/sync", {})
    assert synced.status_code == 200 and synced.json()["status"] == "active"


def test_invalid_nameservers_are_a_422_on_the_field(staff_api, registered):
    domain = registered("ns.com")
    response = staff_api.post(f"/domains/{domain.pk}/nameservers", {"nameservers": ["ns1.x.net"]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "nameservers"]


def test_renewing_a_nl_domain_is_a_409_with_the_reason(staff_api, registered):
    domain = registered("auto.nl")
    response = staff_api.post(f"/domains/{domain.pk}/renew", {"years": 1})
    assert response.status_code == 409
    assert "renews it automatically" in response.json()["detail"]


def test_unreachable_registrar_is_a_502(staff_api, registered, registry):
    domain = registered("weg.com")
    registry.registrar.port = 9
    registry.registrar.save()
    response = staff_api.post(f"/domains/{domain.pk}/sync", {})
    assert response.status_code == 502
    assert response.json()["detail"].startswith("Could not reach registrar")
