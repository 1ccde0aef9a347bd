"""Kept totals (core/tallies.py): read in one query, recounted by one queued job when stale."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from hostwerk.core import clock
from hostwerk.core.models import Tally
from hostwerk.core.tallies import MAX_AGE, tally
from hostwerk.provisioning.queries import LIVE_PER_SERVER
from tests.factories import ServerFactory
from tests.provisioning.factories import ServiceFactory
from tests.support.tasks import queued_task_paths, run_queued_tasks

COUNT = "hostwerk.provisioning.queries.live_services_per_server"
RECOUNT = "hostwerk.core.tasks.recount_tally"


@pytest.mark.django_db
def test_the_first_read_counts_and_keeps_the_totals(client_a):
    server = ServerFactory()
    ServiceFactory.create_batch(2, client=client_a, server=server, status="active")
    with clock.frozen_at(datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC)) as moment:
        totals = tally(LIVE_PER_SERVER, count=COUNT)
    assert totals.value == {"per_server": {str(server.pk): 2}}
    assert totals.counted_at == moment
    assert Tally.objects.get(key=LIVE_PER_SERVER).value == totals.value
    assert queued_task_paths() == []


@pytest.mark.django_db
def test_fresh_totals_are_read_in_one_query_and_not_recounted(client_a, django_assert_num_queries):
    server = ServerFactory()
    start = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC)
    with clock.frozen_at(start):
        tally(LIVE_PER_SERVER, count=COUNT)
    ServiceFactory(client=client_a, server=server, status="active")
    with clock.frozen_at(start + MAX_AGE), django_assert_num_queries(1):
        totals = tally(LIVE_PER_SERVER, count=COUNT)
    assert totals.value == {"per_server": {}}  # as counted, the new service not yet
    assert queued_task_paths() == []


@pytest.mark.django_db
def test_stale_totals_are_shown_while_one_recount_is_queued(client_a):
    server = ServerFactory()
    start = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC)
    with clock.frozen_at(start):
        tally(LIVE_PER_SERVER, count=COUNT)
    ServiceFactory(client=client_a, server=server, status="suspended")
    later = start + MAX_AGE + datetime.timedelta(seconds=1)
    with clock.frozen_at(later):
        first = tally(LIVE_PER_SERVER, count=COUNT)
        second = tally(LIVE_PER_SERVER, count=COUNT)  # a second page view, before the job ran
    assert first.value == second.value == {"per_server": {}}
    assert first.counted_at == start
    assert queued_task_paths() == [RECOUNT]  # one recount for both views
    with clock.frozen_at(later):
        assert run_queued_tasks() == 1
        recounted = tally(LIVE_PER_SERVER, count=COUNT)
    assert recounted.value == {"per_server": {str(server.pk): 1}}
    assert recounted.counted_at == later
    assert Tally.objects.get(key=LIVE_PER_SERVER).recount_queued_at is None


@pytest.mark.django_db
def test_a_recount_whose_job_was_lost_is_queued_again(client_a):
    start = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC)
    with clock.frozen_at(start):
        tally(LIVE_PER_SERVER, count=COUNT)
    with clock.frozen_at(start + datetime.timedelta(minutes=2)):
        tally(LIVE_PER_SERVER, count=COUNT)
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()  # the queued job is gone
    with clock.frozen_at(start + datetime.timedelta(minutes=5)):
        tally(LIVE_PER_SERVER, count=COUNT)
    assert queued_task_paths() == []  # still taken as on its way
    with clock.frozen_at(start + datetime.timedelta(minutes=13)):
        tally(LIVE_PER_SERVER, count=COUNT)
    assert queued_task_paths() == [RECOUNT]


@pytest.mark.django_db
def test_dashboard_and_server_list_say_when_services_were_counted(staff_web, client_a):
    server = ServerFactory(name="plesk-a", capacity=10)
    ServiceFactory(client=client_a, server=server, status="active")
    moment = datetime.datetime(2027, 3, 1, 8, 15, 30, tzinfo=datetime.UTC)  # 09:15:30 here
    with clock.frozen_at(moment):
        dashboard = staff_web.get(reverse("staff:dashboard")).content.decode()
        servers = staff_web.get(reverse("staff:server_list")).content.decode()
    assert "Counted at 09:15:30; counted again every minute." in dashboard
    assert "Services counted at 09:15:30; counted again every minute." in servers
    assert "1 of 10" in dashboard and "1 of 10" in servers
