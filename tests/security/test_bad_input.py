"""Bad input everywhere: property tests over the API bodies and the main staff forms.

Each example takes a body (or form) that would be accepted, replaces one field with something
hostile (huge strings, NUL bytes, unicode and IDN names, negative and huge numbers, wrong
types) and sends it. The answer is never a 5xx; a refusal is a 4xx that names the field (API:
the field is in a 422's `loc`; forms: the field has an error), and a refusal stores nothing:
the row count of every Hostwerk table is the same before and after.

Each example runs in a savepoint that is rolled back, so the examples do not see each other.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostwerk.core.audit import Actor
from hostwerk.provisioning.zones import zone_create
from tests.billing.factories import InvoiceFactory
from tests.billing.test_lifecycle import due_service
from tests.dns.factories import ForwardingServerFactory
from tests.mail.conftest import make_hosting_service

pytestmark = pytest.mark.django_db

BOUNDED = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
    derandomize=True,
)

# What an attacker or a broken client sends. Strings, numbers and other JSON types.
HOSTILE_STRINGS = [
    "",
    " ",
    "x" * 10_000,
    "a" * 300 + ".nl",
    ("label." * 60) + "nl",
    "a\x00b",
    "\x00",
    "info\x00@anna.nl",
    "bücher.nl",
    "xn--bcher-kva.nl",
    "xn--zz.nl",
    "xn--.nl",
    "пример.рф",
    "例え.テスト",
    "💩.nl",
    "\u202e\u0644\u0627",
    "\ud7ff\ufeff\u200b",
    "-1",
    "-0.01",
    "1e400",
    "99999999999999999999999999999999",
    "NaN",
    "Infinity",
    "1.123456789",
    "0x10",
    "2027-02-30",
    "9999-12-31",
    "0000-01-01",
    "<script>alert(1)</script>",
    "'; DROP TABLE clients; --",
    "../../etc/passwd",
    "%s%s%n",
    "\r\nX-Injected: yes",
]
HOSTILE_NUMBERS = [
    0,
    -1,
    -(2**31),
    2**31,
    2**63,
    -(2**63) - 1,
    10**30,
    -(10**30),
    1.5,
    -0.0,
    1e308,
    -1e308,
]
HOSTILE_OTHERS = [None, True, False, [], {}, ["a", "b"], {"nested": "x"}, [None]]

json_values = st.one_of(
    st.sampled_from(HOSTILE_STRINGS + HOSTILE_NUMBERS + HOSTILE_OTHERS),
    st.text(max_size=40),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
)
form_values = st.one_of(
    st.sampled_from(HOSTILE_STRINGS + [str(n) for n in HOSTILE_NUMBERS]),
    st.text(max_size=40),
    st.integers().map(str),
)


@pytest.fixture
def forwarding_server(db):
    return ForwardingServerFactory()


@pytest.fixture
def staff_actor(staff_user):
    return Actor.for_user(staff_user)


def hostwerk_row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model.__module__.startswith("hostwerk.")
    }


def in_rolled_back_savepoint(check: Callable[[], None]) -> None:
    with transaction.atomic():
        check()
        transaction.set_rollback(True)


def replaced(body: dict, path: tuple, value) -> dict:
    """A deep copy of body with the value at path (keys and list indexes) replaced."""
    body = json.loads(json.dumps(body))
    target = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return body


def api_send(api, method: str, url: str, body) -> object:
    web = api.web
    sender = web.post if method == "POST" else web.patch
    return sender(
        f"/api/v1{url}",
        json.dumps(body, allow_nan=True),
        content_type="application/json",
        headers=api.headers,
    )


def check_api_answer(response, path: tuple, before: dict) -> None:
    status = response.status_code
    assert status < 500, (path, status, response.content[:500])
    if status < 400:
        return
    assert hostwerk_row_counts() == before, f"refused {path} with {status} but stored rows"
    if status == 422:
        locations = [tuple(detail["loc"]) for detail in response.json()["detail"]]
        field = path[-1] if not isinstance(path[-1], int) else path[-2]
        assert any(field in location for location in locations), (path, locations)


def api_property(api, method: str, url: str, base: dict, paths: list[tuple]):
    """Send base with each field in paths replaced by a hostile value; check each answer."""

    @BOUNDED
    @given(path=st.sampled_from(paths), value=json_values)
    def run(path, value):
        def check():
            before = hostwerk_row_counts()
            response = api_send(api, method, url, replaced(base, path, value))
            check_api_answer(response, path, before)

        in_rolled_back_savepoint(check)

    # The base itself is accepted: otherwise every refusal above proves nothing.
    def base_is_accepted():
        response = api_send(api, method, url, base)
        assert response.status_code < 300, response.content[:500]

    in_rolled_back_savepoint(base_is_accepted)
    run()


def form_property(
    web,
    url: str,
    base: dict,
    fields: list[str],
    *,
    form_key: str | None = None,
    related: dict[str, str] | None = None,
):
    """Post the form with each field replaced by a hostile value; a refusal names the field."""

    def post(data):
        return web.post(url, data)

    @BOUNDED
    @given(field=st.sampled_from(fields), value=form_values)
    def run(field, value):
        def check():
            before = hostwerk_row_counts()
            response = post({**base, field: value})
            assert response.status_code < 500, (field, response.status_code)
            if response.status_code in (200, 400, 422):
                assert hostwerk_row_counts() == before, f"refused {field} but stored rows"
                context = response.context
                forms = [
                    context[key]
                    for key in ([form_key] if form_key else ["form", "options", "formset"])
                    if context and key in context
                ]
                errors = _error_fields(forms)
                assert errors, (field, value, "refused without an error next to a field")
                bare = field.rsplit("-", 1)[-1]
                named = {bare, (related or {}).get(bare), "__all__"}
                assert named & errors, (field, errors)

        in_rolled_back_savepoint(check)

    def base_is_accepted():
        response = post(base)
        assert response.status_code in (301, 302, 303), (
            response.status_code,
            _context_errors(response),
        )

    in_rolled_back_savepoint(base_is_accepted)
    run()


def _error_fields(forms) -> set[str]:
    fields: set[str] = set()
    for form in forms:
        if hasattr(form, "forms"):  # a formset
            fields |= _error_fields(form.forms)
            if form.non_form_errors():
                fields.add("__all__")
        elif form.errors:
            fields |= set(form.errors)
    return fields


def _context_errors(response):
    if not response.context:
        return response.content[:300]
    return {
        key: response.context[key].errors
        for key in ("form", "options", "formset", "billing_form", "payment_form")
        if key in response.context
    }


# The API ---------------------------------------------------------------------------------------

CLIENT_BODY = {
    "first_name": "Anna",
    "last_name": "Aalbers",
    "company": "Bakkerij",
    "email": "nieuw@example.nl",
    "phone": "+31 20 123 4567",
    "address1": "Dorpsstraat 1",
    "postcode": "1234 AB",
    "city": "Utrecht",
    "country": "NL",
    "language": "nl",
    "invite": False,
}


def test_api_client_create(staff_api):
    api_property(
        staff_api,
        "POST",
        "/clients",
        CLIENT_BODY,
        [(key,) for key in CLIENT_BODY] + [("vat_number",)],
    )


def test_api_client_update(staff_api, client_a):
    body = {"city": "Zwolle", "phone": "+31 38 123 4567", "country": "NL", "status": "active"}
    paths = [(key,) for key in (*body, "email", "first_name", "language", "postcode", "vat_number")]
    api_property(staff_api, "PATCH", f"/clients/{client_a.pk}", body, paths)


def test_api_order_place(staff_api, client_a, hosting, tlds):
    body = {
        "client_id": client_a.pk,
        "items": [
            {"product_id": hosting.pk, "domain": "bakkerij.nl", "billing_cycle": "annually"},
            {"domain": "bakkerij.com", "action": "register", "years": 1},
        ],
        "payment_method": "",
    }
    paths = [
        ("client_id",),
        ("items",),
        ("payment_method",),
        ("generate_invoice",),
        ("items", 0, "product_id"),
        ("items", 0, "domain"),
        ("items", 0, "billing_cycle"),
        ("items", 0, "price"),
        ("items", 0, "domain_choice"),
        ("items", 1, "domain"),
        ("items", 1, "years"),
        ("items", 1, "action"),
        ("items", 1, "auth_code"),
    ]
    api_property(staff_api, "POST", "/orders", body, paths)


def test_api_dns_zone_and_record_create(staff_api, forwarding_server, client_a, staff_actor):
    api_property(
        staff_api, "POST", "/dns/zones", {"domain": "nieuw.nl"}, [("domain",), ("client_id",)]
    )
    zone_create(actor=staff_actor, domain="aalbers.nl", client=client_a)
    record = {"name": "shop", "type": "A", "content": "192.0.2.7", "ttl": 3600}
    paths = [(key,) for key in (*record, "priority")]
    api_property(staff_api, "POST", "/dns/zones/aalbers.nl/records", record, paths)


def test_api_payment_booking(staff_api):
    invoice = InvoiceFactory()
    body = {"amount": "20.00", "method": "bank_transfer", "reference": "NL-77", "kind": "payment"}
    paths = [(key,) for key in (*body, "paid_on")]
    api_property(staff_api, "POST", f"/invoices/{invoice.pk}/payments", body, paths)


def test_api_service_billing(staff_api):
    service = due_service()
    body = {"next_due_date": "2027-04-30", "recurring_amount": "12.50", "billing_cycle": "monthly"}
    paths = [(key,) for key in (*body, "no_suspend_until")]
    api_property(staff_api, "PATCH", f"/services/{service.pk}", body, paths)


def test_api_mailbox_create(staff_api, plesk_servers, catalogue, client_a):
    service = make_hosting_service(plesk_servers, catalogue["hosting"], client_a, "anna.nl")
    body = {"service_id": service.pk, "address": "info@anna.nl", "password": "Zeer-geheim-42!"}
    paths = [(key,) for key in (*body, "quota_mb")]
    api_property(staff_api, "POST", "/mailboxes", body, paths)


# The staff forms -------------------------------------------------------------------------------

CLIENT_FORM = {
    "first_name": "Anna",
    "last_name": "Aalbers",
    "company": "",
    "email": "nieuw@example.nl",
    "phone": "+31 20 123 4567",
    "address1": "Dorpsstraat 1",
    "address2": "",
    "postcode": "1234 AB",
    "city": "Utrecht",
    "state": "",
    "country": "NL",
    "language": "nl",
    "vat_number": "",
    "legal_form": "",
    "registration_number": "",
    "payment_method": "",
    "status": "active",
    "notes": "",
}


def test_form_client_create(staff_web):
    fields = ["first_name", "last_name", "email", "phone", "postcode", "country", "language"]
    form_property(staff_web, reverse("staff:client_create"), CLIENT_FORM, fields)


def test_form_client_update(staff_web, client_a):
    fields = ["first_name", "email", "phone", "country", "status", "vat_number", "payment_method"]
    url = reverse("staff:client_edit", args=[client_a.pk])
    form_property(staff_web, url, CLIENT_FORM, fields)


def test_form_order_entry(staff_web, client_a, hosting, tlds):
    base = {
        "client": client_a.pk,
        "items-TOTAL_FORMS": 2,
        "items-INITIAL_FORMS": 0,
        "items-MIN_NUM_FORMS": 1,
        "items-MAX_NUM_FORMS": 1000,
        "generate_invoice": "on",
        "items-0-what": hosting.pk,
        "items-0-domain": "bakkerij.nl",
        "items-0-domain_choice": "external",
        "items-0-billing_cycle": "annually",
        "items-1-what": "register",
        "items-1-domain": "bakkerij.com",
        "items-1-years": "1",
    }
    fields = [
        "client",
        "items-0-what",
        "items-0-domain",
        "items-0-billing_cycle",
        "items-0-price",
        "items-1-domain",
        "items-1-years",
        "payment_method",
    ]
    form_property(staff_web, reverse("staff:order_entry"), base, fields)


def test_form_dns_record_create(staff_web, staff_actor, forwarding_server):
    zone = zone_create(actor=staff_actor, domain="example.nl")
    base = {"name": "shop", "type": "A", "ttl": "", "priority": "", "content": "192.0.2.7"}
    form_property(staff_web, reverse("staff:zone_record_create", args=[zone.pk]), base, list(base))


def test_form_payment_booking(staff_web):
    invoice = InvoiceFactory()
    base = {
        "kind": "payment",
        "amount": "10.00",
        "method": "bank_transfer",
        "reference": "NL-1",
        "paid_on": "2026-01-05",
        "token": "a" * 32,
    }
    url = reverse("staff:invoice_payment_add", args=[invoice.pk])
    form_property(staff_web, url, base, list(base), form_key="payment_form")


def test_form_service_billing(staff_web):
    service = due_service()
    base = {
        "next_due_date": "2027-04-30",
        "recurring_amount": "12.50",
        "billing_cycle": "monthly",
        "no_suspend_until": "",
    }
    url = reverse("staff:service_billing", args=[service.pk])
    form_property(staff_web, url, base, list(base), form_key="billing_form")


def test_form_mailbox_create(staff_web, plesk_servers, catalogue, client_a):
    make_hosting_service(plesk_servers, catalogue["hosting"], client_a, "anna.nl")
    base = {
        "domain": "anna.nl",
        "local_part": "boekhouding",
        "password": "Zeer-geheim-42!",
        "password_again": "Zeer-geheim-42!",
        "quota_mb": "",
    }
    # A changed password no longer matches its repetition: the error stands beside the second.
    form_property(
        staff_web,
        "/staff/mail/mailboxes/new/",
        base,
        list(base),
        related={"password": "password_again"},
    )
