"""`GET /health`: for a load balancer or a monitoring check, whether this web process reaches
its database, and how many `hostwerk worker`s are beating."""

from __future__ import annotations

import logging

from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from hostwerk.core.workers import workers_alive

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not. No login: the answer names no client,
    server or address. Workers that stopped beating do not make it fail (the web process still
    serves); "workers_alive": 0 is for a monitoring check to alert on."""
    try:
        alive = workers_alive().count()
    except DatabaseError as error:
        logger.error("health check: the database did not answer: %s", error)
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "workers_alive": alive})
