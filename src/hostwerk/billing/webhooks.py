"""Mollie's webhook: `POST /webhooks/mollie` with a form field `id`; the only thing trusted is
which payment to look at (see mollie_payments)."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from hostwerk.billing.mollie_payments import OnlinePaymentRefused, mollie_payment_sync
from hostwerk.core.audit import Actor
from hostwerk.integrations.mollie import MollieError, MollieUnavailable, is_payment_id

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def mollie_webhook(request: HttpRequest) -> HttpResponse:
    mollie_id = request.POST.get("id", "").strip()
    if not is_payment_id(mollie_id):
        # Answered like an unknown id: the caller learns nothing, Mollie does not retry.
        return HttpResponse(status=200)
    actor = Actor.system(via="webhook")
    try:
        mollie_payment_sync(actor=actor, mollie_id=mollie_id)
    except MollieUnavailable as error:
        logger.warning("Mollie webhook for %s: %s; Mollie will retry", mollie_id, error)
        return HttpResponse(status=503)
    except (MollieError, OnlinePaymentRefused) as error:
        # Our key or configuration is wrong: answer an error so the notice is retried after
        # the fix instead of being lost.
        logger.error("Mollie webhook for %s failed: %s", mollie_id, error)
        return HttpResponse(status=500)
    return HttpResponse(status=200)
