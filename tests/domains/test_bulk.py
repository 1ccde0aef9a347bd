"""Bulk sync from the staff domain list: one job per domain against the simulated registry, as
the staff member; a domain the registry cannot answer for is reported, the others synchronised."""

import pytest
from django.urls import reverse

from hostwerk.core.models import AuditEvent, BulkItem
from hostwerk.domains.models import Domain
from hostwerk.domains.registration import domain_register
from tests.domains.factories import DomainFactory
from tests.domains.test_actions import new_domain
from tests.support.tasks import queued_task_paths, run_queued_tasks

BULK_DOMAINS = reverse("staff:bulk_start", args=["domains"])


@pytest.mark.django_db
def test_bulk_sync_synchronises_each_domain_in_its_own_job(
    staff_web, staff_user, registry, owner, forwarding_server, staff_actor
):
    domains = [
        domain_register(actor=staff_actor, domain=new_domain(registry, owner, name))
        for name in ("een.com", "twee.com")
    ]
    registry.state.domains["een.com"].nameservers = ["ns9.example.net", "ns8.example.net"]
    lost = DomainFactory(name="zonder.com", client=owner, registrar=None)

    response = staff_web.post(
        BULK_DOMAINS, {"action": "sync", "selected": [d.pk for d in [*domains, lost]]}
    )
    assert queued_task_paths().count("hostwerk.domains.tasks.sync_domain_of_bulk_run") == 3
    run_queued_tasks()

    page = staff_web.get(response["Location"]).content.decode()
    assert "Finished: 2 done, 1 failed." in page
    assert BulkItem.objects.get(object_id=lost.pk).message == "zonder.com has no registrar to ask."
    assert Domain.objects.get(name="een.com").nameservers == ["ns9.example.net", "ns8.example.net"]
    assert all(Domain.objects.get(pk=d.pk).last_synced_at for d in domains)
    sync = AuditEvent.objects.get(action="domain.sync", object_id=str(domains[0].pk))
    assert sync.actor == staff_user and sync.via == "worker"


@pytest.mark.parametrize("rows", [2, 12])
@pytest.mark.django_db
def test_domain_list_with_its_action_bar_keeps_its_query_count(
    staff_web, rows, django_assert_num_queries
):
    for _ in range(rows):
        DomainFactory()
    staff_web.get(reverse("staff:domain_list"))
    with django_assert_num_queries(4):
        html = staff_web.get(reverse("staff:domain_list")).content.decode()
    assert html.count('name="selected"') == rows
    assert 'value="sync"' in html
