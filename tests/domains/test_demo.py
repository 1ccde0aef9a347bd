"""The demo's domain: the demo client holds an active .nl domain, and the started EPP simulator
is given it through its control endpoint, so the domain page and a sync work in the demo."""

from __future__ import annotations

import pytest

from hostwerk.demo.setup import CLIENT_EMAIL, demo_registry_seed, load_demo_data
from hostwerk.domains.models import Domain, DomainStatus
from tests.sandbox.epp.support import reset_sandbox

pytestmark = pytest.mark.django_db


def test_demo_client_has_an_active_nl_domain_that_the_simulator_holds(epp_sandbox, monkeypatch):
    reset_sandbox(epp_sandbox)
    monkeypatch.setenv("HOSTWERK_DEMO_EPP_PORT", str(epp_sandbox.port))
    monkeypatch.setenv("HOSTWERK_DEMO_EPP_CONTROL_PORT", epp_sandbox.control_url.rsplit(":", 1)[1])

    load_demo_data()
    domain = Domain.objects.get(name="bakkerij-klant.nl")
    assert (domain.client.email, domain.status, domain.tld.name) == (
        CLIENT_EMAIL,
        DomainStatus.ACTIVE,
        "nl",
    )

    demo_registry_seed()
    demo_registry_seed()  # a second start finds it there already

    held = epp_sandbox.state.domains["bakkerij-klant.nl"]
    assert held.sponsor == "admin"
    domain.refresh_from_db()
    assert domain.registrant_handle == held.registrant
    assert domain.roid == held.roid
    assert domain.last_synced_at is not None
    assert Domain.objects.count() == 1
