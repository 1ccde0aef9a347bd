"""Staff settings pages: registrars and servers (encrypted credentials, connection tests over real
sockets against the simulators), server groups, and billing settings over the environment."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from hostwerk.billing.config import billing_setting
from hostwerk.core.audit import Actor
from hostwerk.core.models import AuditEvent
from hostwerk.domains.models import Registrar
from hostwerk.provisioning.models import Server, ServerGroup
from tests.factories import RegistrarFactory, ServerFactory


def stored_column(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


REGISTRAR = {
    "name": "Registry B.V.",
    "adapter": "epp",
    "host": "epp.registry.test",
    "port": "700",
    "username": "hostwerk",
    "password": "s3cret-pass",
    "verify_tls": "on",
    "active": "on",
    "timeout": "20",
    "ca_file": "",
}


# -- registrars -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_registrar_is_created_with_its_password_encrypted_and_audited_without_it(
    staff_web, staff_user
):
    response = staff_web.post(reverse("staff:registrar_create"), REGISTRAR)
    assert response.status_code == 302
    registrar = Registrar.objects.get(name="Registry B.V.")
    assert registrar.password == "s3cret-pass"
    raw = stored_column("domains_registrar", "password", registrar.pk)
    assert "s3cret" not in raw and raw.startswith("gAAAA")  # a Fernet token
    assert registrar.settings == {"timeout": 20}
    event = AuditEvent.objects.get(action="registrar.create", actor=staff_user)
    assert event.changes["password"] == ["••••", "••••"]
    assert "s3cret" not in str(event.changes)


@pytest.mark.django_db
def test_registrar_edit_with_an_empty_password_keeps_the_stored_one(staff_web, staff_user):
    registrar = RegistrarFactory(name="Registry", password="keep-me", settings={"ca_file": "/x"})
    response = staff_web.post(
        reverse("staff:registrar_edit", args=[registrar.pk]),
        {**REGISTRAR, "name": "Registry", "password": "", "port": "7000"},
    )
    assert response.status_code == 302
    registrar.refresh_from_db()
    assert (registrar.password, registrar.port, registrar.settings) == (
        "keep-me",
        7000,
        {"timeout": 20},
    )
    event = AuditEvent.objects.get(action="registrar.update", actor=staff_user)
    assert event.changes["port"] == [700, 7000]
    assert "password" not in event.changes


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"password": ""}, "password"), ({"port": "70000"}, "port"), ({"host": ""}, "host")],
)
def test_registrar_form_refuses_bad_input_naming_the_field(staff_web, overrides, field):
    response = staff_web.post(reverse("staff:registrar_create"), {**REGISTRAR, **overrides})
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert 'value="Registry B.V."' in response.content.decode()
    assert not Registrar.objects.exists()


@pytest.mark.django_db
def test_registrar_connection_test_logs_in_at_the_registry(staff_web, staff_user, epp_registry):
    response = staff_web.post(
        reverse("staff:registrar_test", args=[epp_registry.registrar.pk]), follow=True
    )
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("Logged in at ")
    assert message.endswith("as admin.")
    event = AuditEvent.objects.get(action="registrar.connection_test", actor=staff_user)
    assert event.data["worked"] is True


@pytest.mark.django_db
def test_registrar_connection_test_reports_a_wrong_password(staff_web, epp_registry):
    registrar = epp_registry.registrar
    registrar.password = "wrong"
    registrar.save()
    response = staff_web.post(reverse("staff:registrar_test", args=[registrar.pk]), follow=True)
    [message] = list(response.context["messages"])
    assert message.level_tag == "error"
    assert str(message).startswith("The connection failed:")


@pytest.mark.django_db
def test_registrar_list_keeps_its_query_count(staff_web, django_assert_max_num_queries):
    RegistrarFactory.create_batch(30)
    with django_assert_max_num_queries(6):
        response = staff_web.get(reverse("staff:registrar_list"))
    assert len(response.context["page_obj"]) == 25


# -- servers and groups -----------------------------------------------------------------------


SERVER = {
    "name": "plesk9",
    "kind": "plesk",
    "hostname": "plesk9.hostwerk.test",
    "api_url": "https://plesk9.hostwerk.test:8443",
    "username": "admin",
    "password": "plesk-pass",
    "api_key": "",
    "web_ip": "192.0.2.91",
    "mail_ip": "192.0.2.92",
    "capacity": "200",
    "active": "on",
    "verify_tls": "on",
    "notes": "",
}


@pytest.mark.django_db
def test_server_is_created_with_encrypted_password_and_audited(staff_web, staff_user):
    group = ServerGroup.objects.create(name="Plesk")
    response = staff_web.post(reverse("staff:server_create"), {**SERVER, "group": group.pk})
    assert response.status_code == 302
    server = Server.objects.get(name="plesk9")
    assert (server.group, server.capacity, server.password) == (group, 200, "plesk-pass")
    assert "plesk-pass" not in stored_column("provisioning_server", "password", server.pk)
    event = AuditEvent.objects.get(action="server.create", actor=staff_user)
    assert event.changes["password"] == ["••••", "••••"]
    assert event.changes["capacity"] == [None, 200]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"web_ip": "not-an-ip"}, "web_ip"), ({"capacity": "-3"}, "capacity"), ({"name": ""}, "name")],
)
def test_server_form_refuses_bad_input_naming_the_field(staff_web, overrides, field):
    response = staff_web.post(reverse("staff:server_create"), {**SERVER, **overrides})
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert 'value="plesk9.hostwerk.test"' in response.content.decode()
    assert not Server.objects.exists()


@pytest.mark.django_db
def test_server_connection_test_reads_the_plesk_server(staff_web, staff_user, plesk_servers):
    server = plesk_servers.servers["plesk1"]
    response = staff_web.post(reverse("staff:server_test", args=[server.pk]), follow=True)
    [message] = list(response.context["messages"])
    assert message.level_tag == "success"
    assert str(message).startswith("Connected to ")
    assert AuditEvent.objects.get(action="server.connection_test", actor=staff_user).data["worked"]


@pytest.mark.django_db
def test_server_connection_test_reports_refused_credentials(staff_web, plesk_servers):
    server = plesk_servers.servers["plesk2"]
    server.password = "wrong"
    server.save()
    response = staff_web.post(reverse("staff:server_test", args=[server.pk]), follow=True)
    [message] = list(response.context["messages"])
    assert message.level_tag == "error"
    assert str(message).startswith("The connection failed:")


@pytest.mark.django_db
def test_server_list_shows_capacity_and_keeps_its_query_count(
    staff_web, django_assert_max_num_queries
):
    for name in ("a-plesk1", "a-plesk2", "a-plesk3"):  # first in the list, which is by name
        ServerFactory(name=name, capacity=10)
    staff_web.get(reverse("staff:server_list"))  # the first view ever counts the services
    with django_assert_max_num_queries(6) as few:
        staff_web.get(reverse("staff:server_list"))
    ServerFactory.create_batch(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff_web.get(reverse("staff:server_list"))
    assert len(response.context["page_obj"]) == 25
    assert "0 of 10" in response.content.decode()


@pytest.mark.django_db
def test_server_group_default_must_be_one_of_its_servers(staff_web, staff_user):
    staff_web.post(reverse("staff:server_group_create"), {"name": "Plesk"})
    group = ServerGroup.objects.get(name="Plesk")
    inside = ServerFactory(name="plesk1", group=group)
    outside = ServerFactory(name="other", group=ServerGroup.objects.create(name="Other"))
    refused = staff_web.post(
        reverse("staff:server_group_edit", args=[group.pk]),
        {"name": "Plesk", "default_server": outside.pk},
    )
    assert refused.status_code == 422
    assert "default_server" in refused.context["form"].errors
    staff_web.post(
        reverse("staff:server_group_edit", args=[group.pk]),
        {"name": "Plesk", "default_server": inside.pk},
    )
    group.refresh_from_db()
    assert group.default_server == inside
    event = AuditEvent.objects.get(action="server_group.update", actor=staff_user)
    assert event.changes == {"default_server": [None, "plesk1"]}
    assert AuditEvent.objects.filter(action="server_group.create").count() == 1


@pytest.mark.django_db
def test_server_group_list_keeps_its_query_count(staff_web, django_assert_max_num_queries):
    for number in range(30):
        ServerGroup.objects.create(name=f"Group {number}")
    with django_assert_max_num_queries(6):
        response = staff_web.get(reverse("staff:server_group_list"))
    assert len(response.context["page_obj"]) == 25


# -- billing settings -------------------------------------------------------------------------


@pytest.mark.django_db
def test_billing_settings_come_from_the_environment_until_staff_override_them(
    staff_web, staff_user, settings
):
    settings.HOSTWERK_INVOICE_DAYS_BEFORE = 14
    settings.HOSTWERK_OVERDUE_NOTICE_DAYS = [1, 7, 14]
    assert billing_setting("invoice_days_before") == 14
    response = staff_web.post(
        reverse("staff:billing_settings"),
        {"invoice_days_before": "21", "overdue_notice_days": "10, 3", "domain_auto_cancel": "on"},
    )
    assert response.status_code == 302
    assert billing_setting("invoice_days_before") == 21
    assert billing_setting("overdue_notice_days") == [3, 10]
    assert billing_setting("domain_auto_cancel") is True
    assert billing_setting("suspend_days_overdue") == settings.HOSTWERK_SUSPEND_DAYS_OVERDUE
    event = AuditEvent.objects.get(action="billing_settings.update", actor=staff_user)
    assert event.changes["invoice_days_before"] == [14, 21]
    assert event.changes["overdue_notice_days"] == [[1, 7, 14], [3, 10]]

    # Emptying a field goes back to the environment's value.
    staff_web.post(reverse("staff:billing_settings"), {"overdue_notice_days": "10, 3"})
    assert billing_setting("invoice_days_before") == 14
    assert billing_setting("domain_auto_cancel") is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"invoice_due_days": "-1"}, "invoice_due_days"),
        ({"overdue_notice_days": "1, 2, 3, 4"}, "overdue_notice_days"),
        ({"overdue_notice_days": "soon"}, "overdue_notice_days"),
        ({"suspend_days_overdue": "0"}, "suspend_days_overdue"),
    ],
)
def test_billing_settings_refuse_bad_input_naming_the_field(staff_web, data, field):
    response = staff_web.post(
        reverse("staff:billing_settings"), {**data, "invoice_days_before": "30"}
    )
    assert response.status_code == 422
    assert list(response.context["form"].errors) == [field]
    assert 'value="30"' in response.content.decode()
    assert billing_setting("invoice_days_before") != 30


@pytest.mark.django_db
def test_the_billing_code_reads_the_override(staff_user, client_a, hosting, settings):
    """An order's invoice is due after the payment term staff set, not the environment's."""
    from hostwerk.billing.actions import billing_settings_update
    from hostwerk.orders.actions import order_place
    from hostwerk.orders.items import ItemRequest

    settings.HOSTWERK_INVOICE_DUE_DAYS = 14
    actor = Actor.for_user(staff_user)
    billing_settings_update(actor=actor, values={"invoice_due_days": 30})
    order = order_place(
        actor=actor,
        client=client_a,
        channel="staff",
        items=[ItemRequest(product_id=hosting.pk, domain="a.nl", domain_choice="external")],
    )
    invoice = order.invoice
    assert invoice.due_on - invoice.issued_on == datetime.timedelta(days=30)
