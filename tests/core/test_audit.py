"""The audit trail names who acted: staff, client, staff as client, or the system."""

import pytest

from hostwerk.core.audit import Actor, audit_record


@pytest.mark.django_db
def test_actor_kinds_and_labels(staff_user, client_a_user, client_a):
    assert Actor.for_user(staff_user).kind == "staff"
    assert Actor.for_user(client_a_user).kind == "client"
    impersonating = Actor.for_user(staff_user, as_client=client_a)
    assert impersonating.kind == "staff_as_client"
    assert impersonating.label == f"{staff_user.email} as client {client_a.number}"
    assert Actor.system(via="cron").label == "system (cron)"


@pytest.mark.django_db
def test_audit_record_serialises_values(staff_user, client_a):
    from decimal import Decimal

    event = audit_record(
        actor=Actor.for_user(staff_user),
        action="test.thing",
        obj=client_a,
        client=client_a,
        data={"amount": Decimal("1.50")},
    )
    event.refresh_from_db()
    assert event.data == {"amount": "1.50"}
    assert event.object_type == "clients.client"
