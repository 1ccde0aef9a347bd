"""Staff and client-area domain pages: lists with filters and constant query counts, the staff
domain page with its actions, and the client's name-server form."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime

from hostwerk.catalog.models import Tld
from hostwerk.core.audit import Actor
from hostwerk.domains.models import Domain, DomainStatus, EppLogEntry
from hostwerk.domains.registration import domain_register
from tests.domains.factories import DomainFactory
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def queries_for(web, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert web.get(url).status_code == 200
    return len(captured)


def test_staff_domain_list_query_count_does_not_grow_with_rows(staff_web):
    DomainFactory.create_batch(3)
    few = queries_for(staff_web, reverse("staff:domain_list"))
    DomainFactory.create_batch(20)
    assert queries_for(staff_web, reverse("staff:domain_list")) == few


def test_client_domain_list_query_count_does_not_grow_with_rows(client_a_web, client_a):
    DomainFactory.create_batch(3, client=client_a)
    few = queries_for(client_a_web, reverse("portal:domain_list"))
    DomainFactory.create_batch(20, client=client_a)
    assert queries_for(client_a_web, reverse("portal:domain_list")) == few


def test_staff_list_searches_unicode_names_and_filters_status_and_expiry(staff_web):
    DomainFactory(name="xn--bcher-kva.nl")
    DomainFactory(name="vervalt.com", expires_at=timezone.now() + timedelta(days=10))
    DomainFactory(name="wacht.nl", status=DomainStatus.PENDING_REGISTRATION)

    def names(**params):
        response = staff_web.get(reverse("staff:domain_list"), params)
        return [domain.name for domain in response.context["page_obj"]]

    assert names(q="bücher") == ["xn--bcher-kva.nl"]
    assert (
        "bücher.nl" in staff_web.get(reverse("staff:domain_list"), {"q": "bücher"}).content.decode()
    )
    assert names(status="pending_registration") == ["wacht.nl"]
    assert names(expiring="on") == ["vervalt.com"]


def test_staff_list_is_paginated(staff_web):
    DomainFactory.create_batch(30)
    response = staff_web.get(reverse("staff:domain_list"))
    assert len(response.context["page_obj"].object_list) == 25
    assert response.context["page_obj"].paginator.num_pages == 2


def test_domain_pages_are_staff_only(client_a_web):
    domain = DomainFactory()
    assert client_a_web.get(reverse("staff:domain_list")).status_code == 403
    assert client_a_web.post(reverse("staff:domain_sync", args=[domain.pk])).status_code == 403


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
            registrant_handle="",
        )
        return domain_register(actor=Actor.for_user(staff_user), domain=domain)

    return make


def test_staff_domain_page_shows_registry_data_and_the_epp_log(staff_web, registered, registry):
    domain = registered("aalbers.nl")
    html = staff_web.get(reverse("staff:domain_detail", args=[domain.pk])).content.decode()
    assert "Sandbox registry" in html
    assert domain.registrant_handle in html
    assert "ns1.hostwerk.test" in html
    assert "domain:create" in html and "contact:create" in html
    assert "renew automatically at the registry every year" in html
    assert f'action="/staff/domains/{domain.pk}/renew/"' not in html
    # The registration step keeps the expiry it was given (ISO, UTC); the steps table shows it
    # as a local moment, the audit trail too, never the stored text.
    kept = domain.steps.get(name="domain_create").remote_reference
    assert kept.startswith(domain.expires_at.astimezone(UTC).date().isoformat())
    assert kept not in html
    assert f"until {date_format(localtime(domain.expires_at), 'SHORT_DATETIME_FORMAT')}" in html


def test_staff_renews_a_com_domain_from_its_page(staff_web, registered, registry):
    domain = registered("verleng.com")
    response = staff_web.post(
        reverse("staff:domain_renew", args=[domain.pk]), {"years": "2"}, follow=True
    )
    assert "verleng.com is renewed until" in response.content.decode()
    assert Domain.objects.get(pk=domain.pk).expires_at.year == domain.expires_at.year + 2


def test_staff_renewing_a_nl_domain_gets_the_reason(staff_web, registered):
    domain = registered("auto.nl")
    response = staff_web.post(
        reverse("staff:domain_renew", args=[domain.pk]), {"years": "1"}, follow=True
    )
    assert "renews it automatically every year" in response.content.decode()


def test_staff_synchronises_a_domain(staff_web, registered, registry):
    domain = registered("sync.com")
    registry.state.domains["sync.com"].nameservers = ["ns5.example.net", "ns6.example.net"]
    response = staff_web.post(reverse("staff:domain_sync", args=[domain.pk]), follow=True)
    assert "sync.com is synchronised with the registry: active." in response.content.decode()
    assert Domain.objects.get(pk=domain.pk).nameservers == ["ns5.example.net", "ns6.example.net"]


def test_staff_name_server_errors_show_beside_the_field_and_keep_the_input(
    staff_web, registered, registry
):
    domain = registered("fout.com")
    response = staff_web.post(
        reverse("staff:domain_nameservers", args=[domain.pk]), {"nameservers": "ns1.example.net"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Enter 2 to 13 name servers, one per line." in html
    assert "ns1.example.net</textarea>" in html


def test_staff_resends_a_failed_registration(staff_web, registry, forwarding_server):
    client = ClientFactory(phone="")
    domain = DomainFactory(
        name="later.com",
        client=client,
        tld=Tld.objects.get(name="com"),
        registrar=registry.registrar,
        status=DomainStatus.PENDING,
        expires_at=None,
    )
    response = staff_web.post(reverse("staff:domain_resend", args=[domain.pk]), follow=True)
    assert "The registrar needs the owner&#x27;s phone number" in response.content.decode()
    client.phone = "+31201234567"
    client.save()
    response = staff_web.post(reverse("staff:domain_resend", args=[domain.pk]), follow=True)
    assert "later.com is registered." in response.content.decode()
    assert registry.domain_names() == ["later.com"]


def test_client_sees_only_its_domains_in_unicode(client_a_web, client_a):
    DomainFactory(name="xn--bcher-kva.nl", client=client_a)
    DomainFactory(name="andermans.nl")
    response = client_a_web.get(reverse("portal:domain_list"))
    assert [domain.name for domain in response.context["page_obj"]] == ["xn--bcher-kva.nl"]
    assert "bücher.nl" in response.content.decode()


def test_client_changes_name_servers_at_the_registry(
    client_a_web, client_a, registry, staff_user, forwarding_server
):
    domain = DomainFactory(
        name="eigen.com",
        client=client_a,
        tld=Tld.objects.get(name="com"),
        registrar=registry.registrar,
        status=DomainStatus.PENDING,
        expires_at=None,
    )
    domain_register(actor=Actor.for_user(staff_user), domain=domain)

    response = client_a_web.post(
        reverse("portal:domain_detail", args=[domain.pk]),
        {"nameservers": "ns1.elders.net\nns2.elders.net"},
        follow=True,
    )

    assert "The name servers of eigen.com are changed." in response.content.decode()
    assert registry.state.domains["eigen.com"].nameservers == ["ns1.elders.net", "ns2.elders.net"]
    entry = EppLogEntry.objects.get(command="domain:update")
    assert entry.domain == domain


def test_client_name_server_refusal_keeps_the_input(client_a_web, client_a):
    domain = DomainFactory(client=client_a)
    response = client_a_web.post(
        reverse("portal:domain_detail", args=[domain.pk]), {"nameservers": "ns1.x.net\nns1.x.net"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "ns1.x.net is listed twice." in html
    assert "ns1.x.net\nns1.x.net</textarea>" in html


def test_portal_navigation_has_domains_before_my_details(client_a_web):
    html = client_a_web.get(reverse("portal:domain_list")).content.decode()
    assert html.index(reverse("portal:domain_list")) < html.index(reverse("portal:profile"))
