"""PowerDnsClient against the real pdns_server, proven with DNS queries to the server itself."""

from __future__ import annotations

import threading

import pytest

from hostwerk.core.errors import PermanentError, TransientError
from hostwerk.integrations.powerdns import (
    PowerDnsAuthError,
    PowerDnsClient,
    PowerDnsUnavailable,
    PowerDnsValidationError,
    PowerDnsZoneExists,
    PowerDnsZoneNotFound,
    Record,
    RRSet,
)
from hostwerk.sandbox.powerdns import missing_parts, powerdns_available, start
from tests.conftest import skip_or_fail
from tests.support.powerdns import dns_answer

pytestmark = pytest.mark.pdns

NAMESERVERS = ["ns1.hostwerk.test.", "ns2.hostwerk.test."]


def default_zone(client: PowerDnsClient, name: str = "example.nl.") -> None:
    client.zone_create(
        name=name,
        nameservers=NAMESERVERS,
        rrsets=[
            RRSet(name, "A", 300, ["80.247.175.4"]),
            RRSet(f"www.{name}", "A", 300, ["80.247.175.4"]),
            RRSet(f"mn-mx1.{name}", "A", 300, ["80.247.175.5"]),
            RRSet(name, "MX", 300, [f"10 mn-mx1.{name}"]),
        ],
    )


# Creating and reading zones.


def test_created_zone_answers_a_mx_and_ns_over_dns(powerdns_client, powerdns_server):
    default_zone(powerdns_client)

    assert dns_answer(powerdns_server, "www.example.nl.", "A") == ("NOERROR", ["80.247.175.4"])
    assert dns_answer(powerdns_server, "example.nl.", "MX") == (
        "NOERROR",
        ["10 mn-mx1.example.nl."],
    )
    assert dns_answer(powerdns_server, "mn-mx1.example.nl.", "A") == (
        "NOERROR",
        ["80.247.175.5"],
    )
    assert dns_answer(powerdns_server, "example.nl.", "NS", tcp=True) == ("NOERROR", NAMESERVERS)


def test_zone_create_returns_the_zone_with_soa_and_ns_added(powerdns_client):
    zone = powerdns_client.zone_create(
        name="example.nl.",
        nameservers=NAMESERVERS,
        rrsets=[RRSet("www.example.nl.", "a", 3600, [Record("192.0.2.10")])],
    )

    assert zone.name == "example.nl."
    assert zone.kind == "Native"
    assert zone.serial > 0
    assert [(rrset.name, rrset.type) for rrset in zone.rrsets] == [
        ("example.nl.", "NS"),
        ("example.nl.", "SOA"),
        ("www.example.nl.", "A"),
    ]
    assert zone.rrset("example.nl.", "NS").contents == NAMESERVERS
    assert zone.rrset("WWW.example.nl.", "a") == RRSet(
        "www.example.nl.", "A", 3600, [Record("192.0.2.10", disabled=False)]
    )
    soa = zone.rrset("example.nl.", "SOA").contents[0].split()
    assert soa[:2] == ["ns1.hostwerk.test.", "hostmaster.example.nl."]
    assert int(soa[2]) == zone.serial


def test_zone_get_reads_back_what_was_created(powerdns_client):
    created = powerdns_client.zone_create(name="example.nl.", nameservers=NAMESERVERS)

    assert powerdns_client.zone_get("example.nl.") == created
    assert powerdns_client.zone_get("EXAMPLE.nl") == created


def test_zone_get_of_an_unknown_zone_is_none(powerdns_client):
    assert powerdns_client.zone_get("example.nl.") is None


def test_zone_list_and_exists_see_created_zones(powerdns_client):
    powerdns_client.zone_create(name="b.example.", nameservers=NAMESERVERS)
    powerdns_client.zone_create(name="a.example.", nameservers=NAMESERVERS, kind="Master")

    assert powerdns_client.zone_list() == ["a.example.", "b.example."]
    assert powerdns_client.zone_exists("a.example.") is True
    assert powerdns_client.zone_exists("c.example.") is False
    assert powerdns_client.zone_get("a.example.").kind == "Master"


def test_creating_an_existing_zone_raises_zone_exists_and_changes_nothing(
    powerdns_client, powerdns_server
):
    default_zone(powerdns_client)
    before = powerdns_client.zone_get("example.nl.")

    with pytest.raises(PowerDnsZoneExists) as caught:
        powerdns_client.zone_create(
            name="example.nl.",
            nameservers=NAMESERVERS,
            rrsets=[RRSet("www.example.nl.", "A", 300, ["192.0.2.99"])],
        )

    assert isinstance(caught.value, PermanentError)
    assert caught.value.code == 409
    assert caught.value.message == "PowerDNS already has a zone named 'example.nl.'."
    assert powerdns_client.zone_get("example.nl.") == before
    assert dns_answer(powerdns_server, "www.example.nl.", "A") == ("NOERROR", ["80.247.175.4"])


def test_zone_with_an_unusual_name_is_reached_through_its_escaped_id(powerdns_client):
    powerdns_client.zone_create(name="with_underscore.example.", nameservers=NAMESERVERS)

    powerdns_client.zone_replace_rrsets(
        name="with_underscore.example.",
        replace=[RRSet("www.with_underscore.example.", "A", 60, ["192.0.2.7"])],
    )

    zone = powerdns_client.zone_get("with_underscore.example.")
    assert zone.rrset("www.with_underscore.example.", "A").contents == ["192.0.2.7"]
    powerdns_client.zone_delete("with_underscore.example.")
    assert powerdns_client.zone_get("with_underscore.example.") is None


# Changing record sets.


def test_replacing_rrsets_changes_the_answers_and_bumps_the_serial(
    powerdns_client, powerdns_server
):
    default_zone(powerdns_client)
    serial_before = powerdns_client.zone_get("example.nl.").serial

    powerdns_client.zone_replace_rrsets(
        name="example.nl.",
        replace=[
            RRSet("www.example.nl.", "A", 300, ["192.0.2.20", "192.0.2.21"]),
            RRSet(
                "example.nl.", "MX", 300, ["10 spamx.example.nl.", "20 spamx-fallback.example.nl."]
            ),
            RRSet("example.nl.", "TXT", 300, ['"v=spf1 mx -all"']),
        ],
    )

    assert dns_answer(powerdns_server, "www.example.nl.", "A") == (
        "NOERROR",
        ["192.0.2.20", "192.0.2.21"],
    )
    assert dns_answer(powerdns_server, "example.nl.", "MX") == (
        "NOERROR",
        ["10 spamx.example.nl.", "20 spamx-fallback.example.nl."],
    )
    assert dns_answer(powerdns_server, "example.nl.", "TXT") == ("NOERROR", ['"v=spf1 mx -all"'])
    assert powerdns_client.zone_get("example.nl.").serial > serial_before


def test_deleting_an_rrset_removes_it_from_dns(powerdns_client, powerdns_server):
    default_zone(powerdns_client)

    powerdns_client.zone_replace_rrsets(
        name="example.nl.",
        replace=[RRSet("mn-mx1.example.nl.", "A", 300, [])],
        delete=[("www.example.nl.", "A")],
    )

    assert dns_answer(powerdns_server, "www.example.nl.", "A") == ("NXDOMAIN", [])
    assert dns_answer(powerdns_server, "mn-mx1.example.nl.", "A") == ("NXDOMAIN", [])
    zone = powerdns_client.zone_get("example.nl.")
    assert zone.rrset("www.example.nl.", "A") is None
    assert zone.rrset("example.nl.", "MX").contents == ["10 mn-mx1.example.nl."]


def test_deleting_a_missing_rrset_is_harmless(powerdns_client):
    default_zone(powerdns_client)

    powerdns_client.zone_replace_rrsets(name="example.nl.", delete=[("nothing.example.nl.", "A")])

    assert powerdns_client.zone_get("example.nl.").rrset("www.example.nl.", "A") is not None


def test_replace_and_delete_in_one_call_are_all_or_nothing(powerdns_client, powerdns_server):
    default_zone(powerdns_client)
    before = powerdns_client.zone_get("example.nl.")

    with pytest.raises(PowerDnsValidationError):
        powerdns_client.zone_replace_rrsets(
            name="example.nl.",
            replace=[
                RRSet("www.example.nl.", "A", 300, ["192.0.2.50"]),
                RRSet("bad.example.nl.", "A", 300, ["not-an-address"]),
            ],
            delete=[("mn-mx1.example.nl.", "A")],
        )

    assert powerdns_client.zone_get("example.nl.") == before
    assert dns_answer(powerdns_server, "www.example.nl.", "A") == ("NOERROR", ["80.247.175.4"])


def test_disabled_records_are_kept_but_not_served(powerdns_client, powerdns_server):
    default_zone(powerdns_client)

    powerdns_client.zone_replace_rrsets(
        name="example.nl.",
        replace=[
            RRSet(
                "www.example.nl.",
                "A",
                300,
                [Record("192.0.2.1"), Record("192.0.2.2", disabled=True)],
            )
        ],
    )

    assert dns_answer(powerdns_server, "www.example.nl.", "A") == ("NOERROR", ["192.0.2.1"])
    assert powerdns_client.zone_get("example.nl.").rrset("www.example.nl.", "A").records == (
        Record("192.0.2.1"),
        Record("192.0.2.2", disabled=True),
    )


def test_an_empty_change_sends_nothing(powerdns_client):
    # No zone exists, so any request would fail with 404.
    powerdns_client.zone_replace_rrsets(name="example.nl.", replace=[], delete=[])


# Errors.


def test_invalid_record_content_raises_validation_error_with_powerdns_text(powerdns_client):
    default_zone(powerdns_client)

    with pytest.raises(PowerDnsValidationError) as caught:
        powerdns_client.zone_replace_rrsets(
            name="example.nl.", replace=[RRSet("x.example.nl.", "A", 300, ["999.1.1.1"])]
        )

    assert isinstance(caught.value, PermanentError)
    assert caught.value.code == 422
    assert caught.value.message == (
        "Record x.example.nl./A '999.1.1.1': Parsing record content "
        "(try 'pdnsutil check-zone'): unable to parse IP address"
    )


@pytest.mark.parametrize(
    ("rrset", "message"),
    [
        (
            RRSet("example.nl.", "MX", 300, ["10 mail.example.nl"]),
            "Record example.nl./MX '10 mail.example.nl': Not in expected format "
            "(parsed as '10 mail.example.nl.')",
        ),
        (
            RRSet("www.other.nl.", "A", 300, ["192.0.2.1"]),
            "RRset www.other.nl. IN A: Name is out of zone",
        ),
        (
            RRSet("www.example.nl.", "CNAME", 300, ["example.nl."]),
            "RRset www.example.nl. IN CNAME: Conflicts with pre-existing RRset",
        ),
    ],
    ids=["relative-mx-target", "out-of-zone", "cname-conflict"],
)
def test_validation_errors_carry_the_powerdns_message(powerdns_client, rrset, message):
    default_zone(powerdns_client)

    with pytest.raises(PowerDnsValidationError) as caught:
        powerdns_client.zone_replace_rrsets(name="example.nl.", replace=[rrset])

    assert caught.value.message == message


def test_zone_name_without_trailing_dot_raises_validation_error(powerdns_client):
    with pytest.raises(PowerDnsValidationError) as caught:
        powerdns_client.zone_create(name="nodot.nl", nameservers=NAMESERVERS)

    assert caught.value.message == "DNS Name 'nodot.nl' is not canonical"
    assert powerdns_client.zone_list() == []


def test_unknown_zone_kind_is_refused_before_sending(powerdns_client):
    with pytest.raises(ValueError):
        powerdns_client.zone_create(name="example.nl.", kind="Foo")

    assert powerdns_client.zone_list() == []


@pytest.mark.parametrize(
    "change",
    [
        {"delete": [("example.nl.", "SOA")]},
        {"delete": [("example.nl.", "ns")]},
        {"replace": [RRSet("example.nl.", "NS", 3600, [])]},
    ],
    ids=["delete-soa", "delete-apex-ns", "empty-apex-ns"],
)
def test_removing_soa_or_apex_ns_is_refused(powerdns_client, powerdns_server, change):
    default_zone(powerdns_client)

    with pytest.raises(PowerDnsValidationError) as caught:
        powerdns_client.zone_replace_rrsets(name="example.nl.", **change)

    assert caught.value.code == "refused_by_client"
    assert dns_answer(powerdns_server, "example.nl.", "NS") == ("NOERROR", NAMESERVERS)


def test_changing_an_unknown_zone_raises_zone_not_found(powerdns_client):
    with pytest.raises(PowerDnsZoneNotFound) as caught:
        powerdns_client.zone_replace_rrsets(
            name="example.nl.", replace=[RRSet("www.example.nl.", "A", 300, ["192.0.2.1"])]
        )

    assert caught.value.code == 404


def test_deleted_zone_is_gone_from_api_and_dns(powerdns_client, powerdns_server):
    default_zone(powerdns_client)

    powerdns_client.zone_delete("example.nl.")

    assert powerdns_client.zone_get("example.nl.") is None
    assert dns_answer(powerdns_server, "www.example.nl.", "A") == ("REFUSED", [])
    with pytest.raises(PowerDnsZoneNotFound):
        powerdns_client.zone_delete("example.nl.")


def test_wrong_api_key_raises_auth_error(powerdns_server):
    client = PowerDnsClient(powerdns_server.api_url, api_key="wrong", timeout=5)

    with pytest.raises(PowerDnsAuthError) as caught:
        client.zone_list()

    assert caught.value.code == 401
    with pytest.raises(PowerDnsAuthError):
        client.zone_create(name="example.nl.", nameservers=NAMESERVERS)


def test_api_url_with_the_api_path_is_accepted(powerdns_server, powerdns_client):
    client = PowerDnsClient(
        f"{powerdns_server.api_url}/api/v1/", api_key=powerdns_server.api_key, timeout=5
    )

    client.zone_create(name="example.nl.", nameservers=NAMESERVERS)

    assert powerdns_client.zone_list() == ["example.nl."]


# Concurrency: PowerDNS 4.7 on SQLite answers parallel writes with HTTP 500.


def test_concurrent_writes_to_one_zone_from_many_threads_all_land(powerdns_client, powerdns_server):
    default_zone(powerdns_client)
    shared = PowerDnsClient(powerdns_server.api_url, api_key=powerdns_server.api_key, timeout=10)
    failures: list[BaseException] = []

    def write(worker: int) -> None:
        # Half the threads share one client, the others have their own: the lock is per zone
        # for the whole process either way.
        client = (
            shared
            if worker % 2
            else PowerDnsClient(
                powerdns_server.api_url, api_key=powerdns_server.api_key, timeout=10
            )
        )
        try:
            for number in range(5):
                client.zone_replace_rrsets(
                    name="example.nl.",
                    replace=[
                        RRSet(f"host{worker}-{number}.example.nl.", "A", 60, [f"192.0.2.{worker}"])
                    ],
                )
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(1, 11)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    zone = powerdns_client.zone_get("example.nl.")
    written = {rrset.name for rrset in zone.rrsets if rrset.name.startswith("host")}
    assert len(written) == 50
    assert dns_answer(powerdns_server, "host7-4.example.nl.", "A") == ("NOERROR", ["192.0.2.7"])


def test_concurrent_writes_to_different_zones_are_retried_until_they_land(powerdns_client):
    # Different zones have different locks but one SQLite database: the 500s are retried.
    names = [f"zone{index}.example." for index in range(4)]
    for name in names:
        powerdns_client.zone_create(name=name, nameservers=NAMESERVERS)
    failures: list[BaseException] = []

    def write(zone: str, worker: int) -> None:
        try:
            for number in range(5):
                powerdns_client.zone_replace_rrsets(
                    name=zone, replace=[RRSet(f"h{worker}-{number}.{zone}", "A", 60, ["192.0.2.1"])]
                )
        except BaseException as exc:
            failures.append(exc)

    threads = [
        threading.Thread(target=write, args=(zone, worker)) for zone in names for worker in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    for zone in names:
        written = [rrset for rrset in powerdns_client.zone_get(zone).rrsets if rrset.type == "A"]
        assert len(written) == 15


# A server that is gone.


def test_a_stopped_server_gives_transient_errors(tmp_path):
    if not powerdns_available():
        skip_or_fail("PowerDNS is not installed; missing " + ", ".join(missing_parts()))
    server = start(tmp_path / "pdns")
    client = PowerDnsClient(server.api_url, api_key=server.api_key, timeout=5)
    client.zone_create(name="example.nl.", nameservers=NAMESERVERS)

    server.stop()

    with pytest.raises(PowerDnsUnavailable) as caught:
        client.zone_replace_rrsets(
            name="example.nl.", replace=[RRSet("www.example.nl.", "A", 300, ["192.0.2.1"])]
        )
    assert isinstance(caught.value, TransientError)
    with pytest.raises(TransientError):
        client.zone_get("example.nl.")
