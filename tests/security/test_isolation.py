"""A client never sees another client's objects: every client-area URL and every API path with an
object in it answers 404 to client B for client A's object.

The URL lists are read from the URL configuration and the OpenAPI schema, so new URLs are checked
automatically; a new parameter name must be added to OBJECT_FOR_PARAMETER, or this test fails.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.urls import URLPattern, URLResolver, reverse

from hostwerk.api.v1 import api
from hostwerk.clients.models import Client
from hostwerk.portal import urls as portal_urls
from tests.billing.factories import InvoiceFactory
from tests.dns.factories import ZoneFactory, record_of_latest_zone
from tests.domains.factories import DomainFactory
from tests.factories import ClientUserFactory
from tests.mail.factories import MailboxFactory, MailFilterFactory
from tests.orders.factories import OrderFactory
from tests.provisioning.factories import ServiceFactory
from tests.support.api import ApiClient, token_for

# How to make an object that belongs to `client`, per URL parameter name; returns the URL value.
OBJECT_FOR_PARAMETER: dict[str, Callable[[Client], object]] = {
    "client_id": lambda client: client.pk,
    "domain_id": lambda client: DomainFactory(client=client).pk,
    "invoice_id": lambda client: InvoiceFactory(client=client).pk,
    # A zone with a mail filter of the same name: /dns/zones/{domain} and /mail-filters/{domain}.
    "domain": lambda client: (
        MailFilterFactory(client=client, domain=ZoneFactory(client=client).name).domain
    ),
    "zone_id": lambda client: ZoneFactory(client=client).pk,
    # After "domain" or "zone_id" in the path: a record in the zone made for it.
    "record_id": record_of_latest_zone,
    "order_id": lambda client: OrderFactory(client=client).pk,
    "service_id": lambda client: ServiceFactory(client=client).pk,
    "mailbox_id": lambda client: MailboxFactory(service__client=client).pk,
    "mail_filter_id": lambda client: MailFilterFactory(client=client).pk,
    # An extra login of the client (the owner's own login cannot be removed).
    "user_id": lambda client: ClientUserFactory(client=client, client_access="billing").pk,
}

# Request bodies for API operations that need one to reach the object lookup.
API_BODIES: dict[tuple[str, str], dict] = {
    ("PATCH", "/api/v1/clients/{client_id}"): {"city": "Leiden"},
    ("POST", "/api/v1/clients/{client_id}/users"): {
        "email": "isolation@example.nl",
        "permissions": "billing",
        "invite": False,
    },
    ("POST", "/api/v1/dns/zones/{domain}/records"): {
        "name": "isolation",
        "type": "A",
        "content": "192.0.2.55",
    },
    ("PATCH", "/api/v1/dns/zones/{domain}/records/{record_id}"): {"ttl": 600},
    ("POST", "/api/v1/orders/{order_id}/accept"): {},
    ("POST", "/api/v1/services/{service_id}/actions"): {"action": "suspend"},
    ("POST", "/api/v1/domains/{domain_id}/renew"): {"years": 1},
    ("POST", "/api/v1/invoices/{invoice_id}/credit-notes"): {"reason": "isolation"},
    ("POST", "/api/v1/invoices/{invoice_id}/payments"): {
        "amount": "1.00",
        "method": "bank_transfer",
        "reference": "isolation",
    },
    ("POST", "/api/v1/domains/{domain_id}/nameservers"): {
        "nameservers": ["ns1.example.net", "ns2.example.net"]
    },
}


@pytest.fixture(autouse=True)
def _online_payments(mollie_settings):
    """Online payment on (the Mollie simulator), so "pay" URLs get past their lookup for A."""


def _portal_patterns(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _portal_patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield entry


def _portal_cases() -> list[tuple[str, list[str]]]:
    return [
        (pattern.name, list(pattern.pattern.converters))
        for pattern in _portal_patterns(portal_urls.urlpatterns)
        if pattern.pattern.converters
    ]


def _api_cases():
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        parameters = re.findall(r"{(\w+)}", path)
        if not parameters:
            continue
        for method in operations:
            yield pytest.param(method.upper(), path, parameters, id=f"{method.upper()} {path}")


def _values_for(parameters: list[str], client: Client) -> dict[str, object]:
    missing = [name for name in parameters if name not in OBJECT_FOR_PARAMETER]
    assert not missing, f"add {missing} to OBJECT_FOR_PARAMETER so this URL is isolation-tested"
    return {name: OBJECT_FOR_PARAMETER[name](client) for name in parameters}


def test_every_client_facing_url_with_an_object_is_covered():
    """The walk really finds the API paths (guards against an empty parametrisation)."""
    assert any(True for _ in _api_cases())


@pytest.mark.django_db
def test_every_client_area_url_is_404_for_another_clients_object(
    client_a_web, client_b_web, client_a
):
    for name, parameters in _portal_cases():
        url = reverse(f"portal:{name}", kwargs=_values_for(parameters, client_a))
        own = client_a_web.get(url).status_code
        if own != 405:  # POST-only URLs answer 405 to a GET before looking anything up
            assert own != 404, f"client A must reach its own {url}"
            assert client_b_web.get(url).status_code == 404, url
        assert client_b_web.post(url).status_code == 404, url
        assert client_a_web.post(url).status_code != 404, f"client A must reach its own {url}"


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "parameters"), list(_api_cases()))
def test_api_path_is_404_for_another_clients_object(
    method, path, parameters, client_a, client_a_user, client_b_user
):
    values = _values_for(parameters, client_a)
    url = path.format(**values).removeprefix("/api/v1")
    body = API_BODIES.get((method, path), {})
    own = ApiClient(token_for(client_a_user)).request(method, url, body)
    other = ApiClient(token_for(client_b_user)).request(method, url, body)
    if own.status_code == 403:
        assert other.status_code == 403, "a staff-only endpoint answers 403 to every client"
        return
    assert own.status_code < 400, (
        f"client A must reach its own object: {own.status_code} {own.content[:300]!r}"
    )
    assert other.status_code == 404, other.content[:300]
