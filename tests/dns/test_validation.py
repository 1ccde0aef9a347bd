"""Record checks: every type, names (relative, absolute, IDN, wildcards), TTL and priority bounds,
CNAME exclusivity and duplicates; a refused record changes nothing."""

from __future__ import annotations

import pytest

from hostwerk.dns.actions import record_create, record_update
from hostwerk.dns.models import Record, ZoneChange
from hostwerk.dns.validation import (
    RecordInvalid,
    RecordValues,
    record_check_zone,
    record_clean,
    template_record_clean,
)
from tests.dns.factories import RecordFactory, ZoneFactory

ZONE = "example.nl"


def clean(**fields) -> RecordValues:
    return record_clean(zone_name=ZONE, **fields)


def errors_of(**fields) -> dict[str, str]:
    with pytest.raises(RecordInvalid) as refused:
        clean(**fields)
    return refused.value.errors


# Names.


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("", "@"),
        ("@", "@"),
        ("www", "www"),
        ("WWW", "www"),
        ("www.example.nl", "www"),
        ("www.example.nl.", "www"),
        ("example.nl.", "@"),
        ("Example.NL", "@"),
        ("_dmarc", "_dmarc"),
        ("_sip._tcp", "_sip._tcp"),
        ("selector1._domainkey", "selector1._domainkey"),
        ("*", "*"),
        ("*.shop", "*.shop"),
        ("bücher", "xn--bcher-kva"),
        ("winkel.bücher", "winkel.xn--bcher-kva"),
        ("a.b.c", "a.b.c"),
    ],
)
def test_names_are_stored_relative_as_a_labels(typed, stored):
    assert clean(name=typed, type="A", content="192.0.2.1").name == stored


def test_idn_zone_names_accept_unicode_and_a_labels_alike():
    values = record_clean(
        zone_name="xn--bcher-kva.nl", name="www.bücher.nl", type="A", content="192.0.2.1"
    )
    assert values.name == "www"


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("www.other.nl.", "outside the zone"),
        ("a..b", "two dots"),
        ("-bad", "hyphen"),
        ("www.*", "wildcard"),
        ("has space", "spaces"),
        ("x" * 64, "63 characters"),
        ("xn--zzzz", "not a valid international"),
    ],
)
def test_bad_names_are_refused_with_a_reason(typed, fragment):
    errors = errors_of(name=typed, type="A", content="192.0.2.1")
    assert list(errors) == ["name"]
    assert fragment in errors["name"]


# Contents per type.


def test_a_and_aaaa_take_addresses_of_their_own_family():
    assert clean(name="@", type="A", content=" 192.0.2.10 ").content == "192.0.2.10"
    assert clean(name="@", type="AAAA", content="2001:DB8:0::10").content == "2001:db8::10"
    assert errors_of(name="@", type="A", content="999.1.1.1") == {
        "content": "Enter an IPv4 address such as 192.0.2.10."
    }
    assert "AAAA" in errors_of(name="@", type="A", content="2001:db8::1")["content"]
    assert "A record" in errors_of(name="@", type="AAAA", content="192.0.2.1")["content"]


@pytest.mark.parametrize(
    ("record_type", "typed", "stored"),
    [
        ("CNAME", "www.provider.nl", "www.provider.nl."),
        ("CNAME", "www.provider.nl.", "www.provider.nl."),
        ("CNAME", "web", "web.example.nl."),
        ("CNAME", "@", "example.nl."),
        ("CNAME", "s1._domainkey.mailer.com", "s1._domainkey.mailer.com."),
        ("NS", "ns1.other.net", "ns1.other.net."),
        ("CNAME", "bücher.de", "xn--bcher-kva.de."),
    ],
)
def test_targets_are_absolute_host_names_with_trailing_dot(record_type, typed, stored):
    assert clean(name="shop", type=record_type, content=typed).content == stored


def test_mx_takes_priority_from_its_own_field_or_from_the_content():
    values = clean(name="@", type="MX", content="mn-mx1.example.nl.", priority=10)
    assert (values.priority, values.content) == (10, "mn-mx1.example.nl.")
    values = clean(name="@", type="MX", content="20 mail")
    assert (values.priority, values.content) == (20, "mail.example.nl.")
    assert clean(name="@", type="MX", content=".", priority=0).content == "."
    assert "priority" in errors_of(name="@", type="MX", content="mail.example.nl")
    errors = errors_of(name="@", type="MX", content="mail_x.example.nl", priority=10)
    assert "only hold letters, digits and hyphens" in errors["content"]


@pytest.mark.parametrize("priority", [-1, 65536, "ten"])
def test_priorities_are_0_to_65535(priority):
    assert (
        "0 to 65535"
        in errors_of(name="@", type="MX", content="mail", priority=priority)["priority"]
    )


def test_priority_is_dropped_for_types_without_one():
    assert clean(name="@", type="A", content="192.0.2.1", priority=5).priority is None


def test_srv_needs_service_name_weight_port_and_target():
    values = clean(name="_sip._tcp", type="SRV", content="5 5060 sip.example.nl", priority=10)
    assert (values.priority, values.content) == (10, "5 5060 sip.example.nl.")
    values = clean(name="_sip._tcp", type="SRV", content="10 5 5060 sip")
    assert (values.priority, values.content) == (10, "5 5060 sip.example.nl.")
    assert (
        "_service._protocol"
        in errors_of(name="sip", type="SRV", content="5 5060 sip.example.nl", priority=10)["name"]
    )
    assert (
        "weight, port and target"
        in errors_of(name="_sip._tcp", type="SRV", content="5060 sip.example.nl", priority=10)[
            "content"
        ]
    )
    assert (
        "port"
        in errors_of(name="_sip._tcp", type="SRV", content="5 70000 sip.example.nl", priority=10)[
            "content"
        ]
    )


def test_txt_is_quoted_and_split_into_255_byte_strings():
    assert clean(name="@", type="TXT", content="v=spf1 mx -all").content == '"v=spf1 mx -all"'
    assert clean(name="@", type="TXT", content='"already" "quoted"').content == (
        '"already" "quoted"'
    )
    assert clean(name="@", type="TXT", content='say "hi"').content == '"say \\"hi\\""'
    long = clean(name="_dkim", type="TXT", content="k" * 300).content
    assert long == '"' + "k" * 255 + '" "' + "k" * 45 + '"'
    assert "closed with a quote" in errors_of(name="@", type="TXT", content='"open')["content"]
    assert "at most" in errors_of(name="@", type="TXT", content="x" * 5000)["content"]


def test_caa_has_flags_tag_and_value():
    assert clean(name="@", type="CAA", content='0 issue "letsencrypt.org"').content == (
        '0 issue "letsencrypt.org"'
    )
    assert clean(name="@", type="CAA", content="issue letsencrypt.org").content == (
        '0 issue "letsencrypt.org"'
    )
    assert (
        "issue, issuewild or iodef"
        in errors_of(name="@", type="CAA", content='0 allow "letsencrypt.org"')["content"]
    )
    assert "flags" in errors_of(name="@", type="CAA", content='300 issue "x.org"')["content"]


def test_apex_cannot_be_cname_or_ns():
    assert "cannot be a CNAME" in errors_of(name="@", type="CNAME", content="other.nl.")["name"]
    assert "settings" in errors_of(name="@", type="NS", content="ns1.other.net")["name"]
    assert clean(name="shop", type="NS", content="ns1.other.net").name == "shop"


def test_a_cname_cannot_point_to_itself():
    assert "own name" in errors_of(name="www", type="CNAME", content="www")["content"]


def test_unknown_types_are_refused():
    assert "A, AAAA, CNAME" in errors_of(name="@", type="PTR", content="x")["type"]


# TTL.


@pytest.mark.parametrize(
    ("ttl", "stored"), [(None, 3600), ("", 3600), (60, 60), ("604800", 604800)]
)
def test_ttl_defaults_and_bounds(ttl, stored):
    assert clean(name="@", type="A", content="192.0.2.1", ttl=ttl).ttl == stored


@pytest.mark.parametrize("ttl", [59, 604801, 0, "an hour"])
def test_ttl_outside_bounds_is_refused(ttl):
    assert "ttl" in errors_of(name="@", type="A", content="192.0.2.1", ttl=ttl)


def test_every_bad_field_is_reported_at_once():
    errors = errors_of(name="a..b", type="MX", content="", ttl=5, priority="x")
    assert set(errors) == {"name", "ttl", "priority", "content"}


# Rules between records.


class Existing:
    def __init__(self, name, type, content, priority=None):
        self.name, self.type, self.content, self.priority = name, type, content, priority


def test_cname_must_be_alone_at_its_name():
    cname = clean(name="www", type="CNAME", content="other.nl.")
    with pytest.raises(RecordInvalid) as refused:
        record_check_zone(values=cname, others=[Existing("www", "A", "192.0.2.1")])
    assert "must be the only record" in refused.value.errors["name"]
    address = clean(name="www", type="A", content="192.0.2.1")
    with pytest.raises(RecordInvalid) as refused:
        record_check_zone(values=address, others=[Existing("www", "CNAME", "other.nl.")])
    assert "is a CNAME" in refused.value.errors["name"]
    record_check_zone(values=address, others=[Existing("shop", "CNAME", "other.nl.")])


def test_the_same_record_twice_is_refused():
    values = clean(name="@", type="MX", content="mail", priority=10)
    with pytest.raises(RecordInvalid) as refused:
        record_check_zone(values=values, others=[Existing("@", "MX", "mail.example.nl.", 10)])
    assert refused.value.errors == {"content": "This record is already in the zone."}
    record_check_zone(values=values, others=[Existing("@", "MX", "mail.example.nl.", 20)])


# Templates.


def test_template_records_keep_their_variables():
    values = template_record_clean(name="mn-mx1", type="A", content="{mail_ip}")
    assert values.content == "{mail_ip}"
    values = template_record_clean(name="@", type="MX", content="10 mn-mx1.{domain}.")
    assert (values.priority, values.content) == (10, "mn-mx1.{domain}.")
    with pytest.raises(RecordInvalid) as refused:
        template_record_clean(name="@", type="A", content="{webip}")
    assert "{webip}" in refused.value.errors["content"]
    with pytest.raises(RecordInvalid):
        template_record_clean(name="@", type="A", content="{web_ip")


# Through the actions: refused input changes nothing.


@pytest.mark.django_db
def test_refused_record_changes_nothing(staff_actor):
    zone = ZoneFactory(name="example.nl")
    existing = RecordFactory(zone=zone, name="www", type="A", content="192.0.2.1")
    version = zone.version
    with pytest.raises(RecordInvalid):
        record_create(actor=staff_actor, zone=zone, name="www", type="CNAME", content="other.nl")
    with pytest.raises(RecordInvalid):
        record_update(actor=staff_actor, record=existing, name="www", type="A", content="1.2.3")
    zone.refresh_from_db()
    existing.refresh_from_db()
    assert list(Record.objects.filter(zone=zone)) == [existing]
    assert existing.content == "192.0.2.1"
    assert zone.version == version
    assert ZoneChange.objects.count() == 0
