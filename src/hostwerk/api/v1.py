"""API v1: one NinjaAPI with bearer-token auth; routers per domain."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from hostwerk.api import (
    billing,
    billing_runs,
    catalog,
    clients,
    dns,
    domains,
    drift,
    mail,
    orders,
    services,
)
from hostwerk.api.auth import TokenAuth

api = NinjaAPI(
    title="Hostwerk API",
    version="1",
    description="Orders, provisioning, domains, DNS and mail for hosting providers.",
    auth=TokenAuth(),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)

api.add_router("/clients", clients.router)
api.add_router("/invoices", billing.router)
api.add_router("/billing-runs", billing_runs.router)
api.add_router("/orders", orders.router)
api.add_router("/services", services.router)
api.add_router("/dns", dns.router)
api.add_router("/domains", domains.router)
api.add_router("", catalog.router)
api.add_router("", mail.router)
api.add_router("", drift.router)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """422 with the field named as in the request body: ninja's own checks put the view's
    parameter name (`payload`) after "body"; our form and action errors do not."""
    details = []
    for error in exc.errors:
        location = list(error.get("loc", ()))
        if location[:2] == ["body", "payload"]:
            location = ["body", *location[2:]]
        details.append({**error, "loc": location})
    return api.create_response(request, {"detail": details}, status=422)
