"""Accepting domain items against the EPP simulator over TLS (R3 domain part, R4, R5, R7)."""

from __future__ import annotations

import pytest

from hostwerk.core.audit import Actor
from hostwerk.core.models import AuditEvent
from hostwerk.dns.models import Record, Zone
from hostwerk.domains.models import Domain, DomainStatus, EppLogEntry, RegistrarContact
from hostwerk.orders.acceptance import order_accept, order_plan
from hostwerk.orders.actions import order_place
from hostwerk.orders.items import ItemRequest
from hostwerk.orders.models import Order
from hostwerk.provisioning.models import ProvisioningStep, Service
from tests.factories import ClientFactory, RegistrarFactory, TldFactory

pytestmark = pytest.mark.django_db


def place(staff_user, client, *items):
    return order_place(
        actor=Actor.for_user(staff_user),
        client=client,
        channel="staff",
        items=list(items),
        generate_invoice=False,
        send_confirmation=False,
        send_invoice_email=False,
    )


def accept(staff_user, order, overrides=None):
    return order_accept(actor=Actor.for_user(staff_user), order=order, overrides=overrides)


def by_kind(outcome):
    return {item.kind: item for item in outcome.items}


def test_r4_r5_domain_fails_on_missing_phone_then_registers_after_the_fix(
    staff_user, catalogue, registry, plesk_servers
):
    """The issue's scenario: hosting plus a .nl domain for a client without a phone number."""
    client = ClientFactory(first_name="Anna", last_name="Aalbers", phone="")
    order = place(
        staff_user,
        client,
        ItemRequest(
            product_id=catalogue["hosting"].pk, domain="aalbers.nl", domain_choice="register"
        ),
    )

    with registry.no_commands():
        first = by_kind(accept(staff_user, order))

    assert first["hosting"].status == "accepted"
    assert first["domain_register"].status == "failed"
    assert "phone number" in first["domain_register"].error
    assert first["domain_register"].error_field == f"/staff/clients/{client.pk}/edit/#id_phone"
    assert registry.domain_names() == []
    plesk_before = plesk_servers.state("plesk1").counts()
    hosting_steps = list(
        ProvisioningStep.objects.filter(service__isnull=False).values_list("name", "attempts")
    )

    client.phone = "+31612345678"
    client.save()
    second = by_kind(accept(staff_user, Order.objects.get(pk=order.pk)))

    assert second["domain_register"].status == "accepted"
    assert Order.objects.get(pk=order.pk).status == "active"
    assert registry.domain_names() == ["aalbers.nl"]
    assert len(registry.contact_ids()) == 1
    registered = registry.state.domains["aalbers.nl"]
    assert registered.sponsor == "admin"
    assert registered.registrant == registry.contact_ids()[0]
    assert registered.contacts == [
        ("admin", registered.registrant),
        ("tech", registered.registrant),
    ]
    assert registry.state.contacts[registered.registrant].voice == "+31.612345678"
    assert registry.state.contacts[registered.registrant].legal_form == "PERSOON"
    # The hosting was not touched again.
    assert plesk_servers.state("plesk1").counts() == plesk_before
    assert (
        list(ProvisioningStep.objects.filter(service__isnull=False).values_list("name", "attempts"))
        == hosting_steps
    )
    domain = Domain.objects.get(name="aalbers.nl")
    assert domain.status == DomainStatus.ACTIVE
    assert domain.expires_at is not None and domain.expires_at.date() == registered.expires.date()
    assert domain.registrant_handle == registered.registrant
    assert domain.roid == registered.roid
    assert domain.nameservers == ["ns1.hostwerk.test", "ns2.hostwerk.test"]
    # R7: the zone exists after the registration, and follows the hosting accepted earlier.
    zone = Zone.objects.get(name="aalbers.nl")
    web = Record.objects.get(zone=zone, name="@", type="A")
    assert web.content == plesk_servers.servers["plesk1"].web_ip


def test_r5_every_missing_field_is_listed_at_once_without_a_registry_call(staff_user, registry):
    client = ClientFactory(phone="", postcode="", city="", legal_form="", company="Leeg BV")
    order = place(staff_user, client, ItemRequest(domain_action="register", domain="leeg.nl"))
    logged = EppLogEntry.objects.count()  # the availability check while ordering

    with registry.no_commands():
        [item] = accept(staff_user, order).items

    assert item.status == "failed"
    assert item.error == (
        "The registrar needs the owner's phone number, postcode, city and legal form "
        "(the owner is a business, Leeg BV): add them on the client's profile."
    )
    assert item.error_field.endswith("#id_phone")
    assert EppLogEntry.objects.count() == logged


def test_r3_plan_proposes_the_tlds_registrar_with_register_on(staff_user, owner, registry):
    order = place(staff_user, owner, ItemRequest(domain_action="register", domain="plan.nl"))
    [plan] = order_plan(order=order)
    assert (plan.registrar, plan.register, plan.blocked) == (registry.registrar, True, "")


def test_r3_tld_without_registrar_blocks_the_item_until_one_is_chosen(
    staff_user, owner, registry, forwarding_server
):
    TldFactory(name="eu", registrar=None)
    order = place(staff_user, owner, ItemRequest(domain_action="register", domain="zonder.eu"))
    [plan] = order_plan(order=order)
    assert plan.registrar is None
    assert "no registrar" in plan.blocked

    [item] = accept(staff_user, order).items
    assert item.status == "failed"
    assert "no registrar" in item.error
    assert Domain.objects.count() == 0

    [item] = accept(staff_user, order, {item.pk: {"registrar": registry.registrar.pk}}).items
    assert item.status == "accepted"
    assert registry.domain_names() == ["zonder.eu"]


def test_unticking_register_accepts_without_a_registry_call_and_audits_it(
    staff_user, owner, registry
):
    order = place(staff_user, owner, ItemRequest(domain_action="register", domain="handmatig.nl"))
    item = order.items.get()

    with registry.no_commands():
        [result] = accept(staff_user, order, {item.pk: {"register": False}}).items

    assert result.status == "accepted"
    domain = Domain.objects.get(name="handmatig.nl")
    assert domain.status == DomainStatus.ACTIVE
    assert AuditEvent.objects.get(action="order_item.accept").data["register"] is False
    assert AuditEvent.objects.filter(
        action="domain.accept_without_registration", object_id=str(domain.pk)
    ).exists()


def test_r4_a_lost_answer_to_the_create_is_adopted_not_registered_twice(
    staff_user, owner, registry, forwarding_server
):
    order = place(staff_user, owner, ItemRequest(domain_action="register", domain="verloren.nl"))
    registry.fail_next("domain:create", mode="drop_after_commit")

    [item] = accept(staff_user, order).items

    assert item.status == "accepted"
    assert registry.domain_names() == ["verloren.nl"]
    assert AuditEvent.objects.get(action="domain.register").data["adopted"] is True


def test_r4_a_create_lost_before_the_registry_acted_fails_and_the_retry_registers_once(
    staff_user, owner, registry, forwarding_server
):
    order = place(staff_user, owner, ItemRequest(domain_action="register", domain="opnieuw.nl"))
    registry.fail_next("domain:create", mode="drop_before")

    [item] = accept(staff_user, order).items
    assert item.status == "failed"
    assert "nothing was registered" in item.error
    assert Domain.objects.get(name="opnieuw.nl").status == DomainStatus.PENDING

    [item] = accept(staff_user, Order.objects.get(pk=order.pk)).items
    assert item.status == "accepted"
    assert registry.domain_names() == ["opnieuw.nl"]
    assert len(registry.contact_ids()) == 1


def test_a_name_someone_else_registered_in_the_meantime_is_refused_not_adopted(
    staff_user, owner, registry, forwarding_server
):
    order = place(staff_user, owner, ItemRequest(domain_action="register", domain="bezet.nl"))
    registry.seed_domain("bezet.nl", account="other")

    [item] = accept(staff_user, order).items

    assert item.status == "failed"
    assert "bezet.nl is already registered by someone else" in item.error
    assert registry.state.domains["bezet.nl"].sponsor == "other"
    assert Domain.objects.get(name="bezet.nl").status == DomainStatus.PENDING


def test_a_second_domain_for_the_same_client_reuses_its_contact(
    staff_user, owner, registry, forwarding_server
):
    order = place(
        staff_user,
        owner,
        ItemRequest(domain_action="register", domain="een.nl"),
        ItemRequest(domain_action="register", domain="twee.com"),
    )
    assert [item.status for item in accept(staff_user, order).items] == ["accepted", "accepted"]
    assert registry.domain_names() == ["een.nl", "twee.com"]
    assert len(registry.contact_ids()) == 1
    assert RegistrarContact.objects.get().handle == registry.contact_ids()[0]
    assert [
        entry.command for entry in EppLogEntry.objects.filter(command__startswith="contact")
    ] == ["contact:create"]


def test_changed_contact_data_is_updated_once_before_the_next_registration(
    staff_user, owner, registry, forwarding_server
):
    first = place(staff_user, owner, ItemRequest(domain_action="register", domain="eerste.nl"))
    accept(staff_user, first)
    owner.city = "Utrecht"
    owner.postcode = "3511 AB"
    owner.save()
    second = place(staff_user, owner, ItemRequest(domain_action="register", domain="tweede.nl"))

    [item] = accept(staff_user, second).items

    assert item.status == "accepted"
    [handle] = registry.contact_ids()
    assert registry.state.contacts[handle].city == "Utrecht"
    assert list(
        EppLogEntry.objects.filter(command__startswith="contact")
        .order_by("id")
        .values_list("command", flat=True)
    ) == ["contact:create", "contact:update"]


def test_a_person_without_company_registers_a_nl_domain_as_persoon_without_a_legal_form_set(
    staff_user, registry, forwarding_server
):
    """A client without a company is a natural person: SIDN gets PERSOON, nobody chose it."""
    client = ClientFactory(legal_form="", company="", registration_number="")
    order = place(staff_user, client, ItemRequest(domain_action="register", domain="jansen.nl"))

    [item] = accept(staff_user, order).items

    assert (item.status, item.error) == ("accepted", "")
    assert registry.domain_names() == ["jansen.nl"]
    [handle] = registry.contact_ids()
    contact = registry.state.contacts[handle]
    assert (contact.legal_form, contact.legal_form_registration_number) == ("PERSOON", None)
    client.refresh_from_db()
    assert client.legal_form == ""  # nothing was written on the client to make it work


def test_sidn_legal_form_is_asked_for_a_business_and_sent_with_the_updated_contact(
    staff_user, registry, forwarding_server
):
    """.com needs no legal form; .nl does for a business (SIDN): preflight asks for it once."""
    client = ClientFactory(legal_form="", company="Bakker Bouw")
    com = place(staff_user, client, ItemRequest(domain_action="register", domain="bakker.com"))
    assert accept(staff_user, com).items[0].status == "accepted"
    [handle] = registry.contact_ids()
    assert registry.state.contacts[handle].legal_form is None

    nl = place(staff_user, client, ItemRequest(domain_action="register", domain="bakker.nl"))
    with registry.no_commands():
        [item] = accept(staff_user, nl).items
    assert item.error == (
        "The registrar needs the owner's legal form (the owner is a business, Bakker Bouw): "
        "add it on the client's profile."
    )
    assert item.error_field.endswith("#id_legal_form")

    client.legal_form = "EENMANSZAAK"
    client.save()
    with registry.no_commands():
        [item] = accept(staff_user, Order.objects.get(pk=nl.pk)).items
    assert item.error == (
        "The registrar needs the owner's chamber of commerce number: add it on the client's profile."
    )

    client.registration_number = "12345678"
    client.save()
    [item] = accept(staff_user, Order.objects.get(pk=nl.pk)).items
    assert item.status == "accepted"
    assert registry.contact_ids() == [handle]
    contact = registry.state.contacts[handle]
    assert (contact.legal_form, contact.legal_form_registration_number) == (
        "EENMANSZAAK",
        "12345678",
    )
    assert registry.domain_names() == ["bakker.com", "bakker.nl"]


def test_transfer_is_accepted_when_the_registry_takes_the_request_and_completes_by_poll(
    staff_user, owner, registry, forwarding_server
):
    from hostwerk.domains.sync import registrar_poll

    registry.seed_domain("verhuis.com", account="other", auth_code="Geheim-123")
    order = place(
        staff_user,
        owner,
        ItemRequest(domain_action="transfer", domain="verhuis.com", auth_code="Geheim-123"),
    )

    [item] = accept(staff_user, order).items

    assert item.status == "accepted"
    domain = Domain.objects.get(name="verhuis.com")
    assert domain.status == DomainStatus.PENDING_TRANSFER
    assert domain.auth_code == "Geheim-123"
    assert Order.objects.get(pk=order.pk).status == "active"

    status, _body = registry.control("POST", "/transfers/approve", {"name": "verhuis.com"})
    assert status == 200
    assert registrar_poll(actor=Actor.system(), registrar=registry.registrar) >= 1

    domain.refresh_from_db()
    assert domain.status == DomainStatus.ACTIVE
    assert domain.expires_at is not None
    assert Zone.objects.filter(name="verhuis.com").exists()


def test_transfer_with_a_wrong_auth_code_says_what_to_do(staff_user, owner, registry):
    registry.seed_domain("slot.com", account="other", auth_code="Juist-123")
    order = place(
        staff_user,
        owner,
        ItemRequest(domain_action="transfer", domain="slot.com", auth_code="Fout-123"),
    )

    [item] = accept(staff_user, order).items

    assert item.status == "failed"
    assert "auth code for slot.com is wrong" in item.error
    assert item.error_field == f"/staff/domains/{Domain.objects.get(name='slot.com').pk}/"


def test_unreachable_registrar_fails_the_item_with_a_retry_hint(staff_user, owner, registry):
    order = place(staff_user, owner, ItemRequest(domain_action="register", domain="weg.nl"))
    registry.registrar.port = 9
    registry.registrar.save()

    [item] = accept(staff_user, order).items

    assert item.status == "failed"
    assert "Could not reach registrar Sandbox registry" in item.error
    assert "Nothing was sent" in item.error
    assert item.error_field == f"/django-admin/domains/registrar/{registry.registrar.pk}/change/"


def test_a_domain_name_live_for_another_client_is_not_taken_over(staff_user, owner, registry):
    from tests.domains.factories import DomainFactory

    other = DomainFactory(name="gedeeld.nl", tld=registry.registrar.tlds.get(name="nl"))
    order = place(
        staff_user, owner, ItemRequest(domain_action="register", domain="gedeeld.nl", years=1)
    )

    [item] = accept(staff_user, order).items
    assert item.status == "failed"
    assert "already in Hostwerk" in item.error
    assert item.error_field == f"/staff/domains/{other.pk}/"


def test_other_registrar_chosen_by_staff_is_used(staff_user, owner, registry, forwarding_server):
    unused = RegistrarFactory(name="Unused")
    order = place(staff_user, owner, ItemRequest(domain_action="register", domain="keuze.nl"))
    item = order.items.get()
    [plan] = order_plan(order=order, overrides={item.pk: {"registrar": unused.pk}})
    assert plan.registrar == unused
    assert Service.objects.count() == 0
