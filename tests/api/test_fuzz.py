"""API fuzzing: schemathesis sends generated (valid and invalid) requests to every operation of
/api/v1/openapi.json with a staff token and a client token. No answer may be a 5xx, and every
answer must match the schema. Bounded (few examples per operation) so it stays well under a minute.

The requests go to the Django WSGI application in this process, so each example sees the test
database of its test and the whole run is rolled back afterwards.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client as WebClient
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from tests.factories import ClientFactory, ClientUserFactory, StaffUserFactory
from tests.support.api import token_for

# Examples per operation and token; 48 operations, staff and client token.
MAX_EXAMPLES = 4
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]


def _load_schema(*, coverage: bool):
    # The schema as served; loading it touches no database, so it can happen at collection.
    response = WebClient().get("/api/v1/openapi.json")
    assert response.status_code == 200, response.content
    loaded = schemathesis.openapi.from_dict(response.json())
    loaded.app = get_wsgi_application()
    # Boundary values (the coverage phase) stay on; methods an operation does not have are a
    # 405 from the router for every path alike and not worth the time.
    loaded.config.phases.coverage.unexpected_methods = set()
    loaded.config.phases.coverage.enabled = coverage
    return loaded


# With the staff token every operation is reached, so the boundary values go there; the client
# token gets the random examples only, which keeps the whole run within half a minute.
staff_schema = _load_schema(coverage=True)
client_schema = _load_schema(coverage=False)


@pytest.fixture(autouse=True)
def _keep_the_test_connection(db):
    # Like Django's test client: a request must not close the connection that holds the test's
    # transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def staff_token(db):
    return token_for(StaffUserFactory(email="fuzz-staff@provider.test"))


@pytest.fixture
def client_token(db):
    client = ClientFactory(first_name="Fien", last_name="Fuzz", email="fien@example.nl")
    return token_for(ClientUserFactory(client=client, email="fuzz-client@example.nl"))


BOUNDED = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@staff_schema.parametrize()
@BOUNDED
def test_api_with_a_staff_token(case, staff_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {staff_token}"}, checks=CHECKS)


@client_schema.parametrize()
@BOUNDED
def test_api_with_a_client_token(case, client_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {client_token}"}, checks=CHECKS)


@pytest.mark.django_db
def test_a_page_beyond_any_list_is_refused_naming_the_parameter(staff_api):
    response = staff_api.get("/orders", {"page": 10**32})
    assert response.status_code == 422
    assert "page" in response.content.decode()
