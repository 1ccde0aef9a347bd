"""`GET /health`: what a load balancer or a monitoring check asks of a web process."""

from __future__ import annotations

import datetime

import pytest
from django.db import OperationalError, connection
from django.test import Client as WebClient
from django.utils import timezone

from hostwerk.core.models import WorkerBeat


@pytest.mark.django_db
def test_health_answers_without_a_login_and_counts_the_beating_workers(settings):
    settings.HOSTWERK_WORKER_STALE_SECONDS = 60
    now = timezone.now()  # heartbeats are technical time, not the business clock
    WorkerBeat.objects.create(worker_id="w-alive", beat_at=now - datetime.timedelta(seconds=5))
    WorkerBeat.objects.create(worker_id="w-gone", beat_at=now - datetime.timedelta(minutes=5))
    response = WebClient().get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "workers_alive": 1}
    assert "no-cache" in response["Cache-Control"]
    assert "Set-Cookie" not in response  # no session, no CSRF cookie: cheap to ask often


@pytest.mark.django_db
def test_health_is_503_when_the_database_does_not_answer():
    def refuse(execute, sql, params, many, context):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")

    with connection.execute_wrapper(refuse):
        response = WebClient().get("/health")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}


@pytest.mark.django_db
def test_health_takes_only_get():
    assert WebClient().post("/health").status_code == 405
