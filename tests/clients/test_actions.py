"""Client writes are atomic and audited with before and after (R10)."""

import pytest

from hostwerk.clients.actions import FIRST_CLIENT_NUMBER, client_create, client_update
from hostwerk.core.audit import Actor
from hostwerk.core.models import AuditEvent


@pytest.mark.django_db
def test_client_create_numbers_clients_and_audits(staff_user):
    actor = Actor.for_user(staff_user)
    first = client_create(
        actor=actor, values={"first_name": "A", "last_name": "B", "email": "a@b.nl"}
    )
    second = client_create(
        actor=actor, values={"first_name": "C", "last_name": "D", "email": "c@d.nl"}
    )
    assert second.number == first.number + 1
    assert first.number >= FIRST_CLIENT_NUMBER
    event = AuditEvent.objects.get(action="client.create", object_id=str(first.pk))
    assert event.actor == staff_user
    assert event.actor_kind == "staff"
    assert event.client == first


@pytest.mark.django_db
def test_client_update_records_only_changed_fields(staff_user, client_a):
    actor = Actor.for_user(staff_user)
    client_update(actor=actor, client=client_a, values={"city": "Utrecht", "first_name": "Anna"})
    event = AuditEvent.objects.get(action="client.update")
    assert event.changes == {"city": ["Amsterdam", "Utrecht"]}


@pytest.mark.django_db
def test_client_update_without_changes_writes_no_event(staff_user, client_a):
    client_update(actor=Actor.for_user(staff_user), client=client_a, values={"city": "Amsterdam"})
    assert not AuditEvent.objects.filter(action="client.update").exists()
