"""hostwerk.sandbox.powerdns: pdns_server in its own directory on loopback, for tests and the demo."""

from __future__ import annotations

import socket
import sqlite3

import pytest

from hostwerk.integrations.powerdns import PowerDnsClient
from hostwerk.sandbox.powerdns import (
    PowerDnsStartError,
    free_port,
    missing_parts,
    powerdns_available,
    prepare,
    start,
)
from tests.conftest import skip_or_fail
from tests.support.powerdns import dns_answer

pytestmark = pytest.mark.pdns


@pytest.fixture(autouse=True)
def _needs_powerdns() -> None:
    if not powerdns_available():
        skip_or_fail("PowerDNS is not installed; missing " + ", ".join(missing_parts()))


def test_prepare_writes_a_loopback_config_and_creates_the_database(tmp_path):
    command = prepare(tmp_path, dns_port=25353, api_port=28081, api_key="secret")

    assert command[1:] == [f"--config-dir={tmp_path}"]
    assert command[0].endswith("pdns_server")
    config = dict(line.split("=", 1) for line in (tmp_path / "pdns.conf").read_text().splitlines())
    assert config["local-address"] == "127.0.0.1"
    assert config["local-port"] == "25353"
    assert config["webserver-address"] == "127.0.0.1"
    assert config["webserver-port"] == "28081"
    assert config["webserver-allow-from"] == "127.0.0.1/32,::1/128"
    assert config["api"] == "yes"
    assert config["api-key"] == "secret"
    assert config["socket-dir"] == str(tmp_path)
    assert config["daemon"] == config["guardian"] == "no"
    assert config["setuid"] == config["setgid"] == ""
    assert (tmp_path / "pdns.conf").stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(tmp_path / "pdns.sqlite3") as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert {"domains", "records", "domainmetadata", "cryptokeys", "comments"} <= tables


def test_prepare_keeps_an_existing_database(tmp_path):
    prepare(tmp_path, dns_port=25353, api_port=28081, api_key="secret")
    with sqlite3.connect(tmp_path / "pdns.sqlite3") as connection:
        connection.execute("INSERT INTO domains (name, type) VALUES ('kept.example', 'NATIVE')")

    prepare(tmp_path, dns_port=25354, api_port=28082, api_key="other")

    with sqlite3.connect(tmp_path / "pdns.sqlite3") as connection:
        names = [row[0] for row in connection.execute("SELECT name FROM domains")]
    assert names == ["kept.example"]


def test_start_answers_on_chosen_ports_and_stops_with_the_block(tmp_path):
    with start(tmp_path / "pdns") as server:
        assert server.running
        assert server.dns_host == "127.0.0.1"
        assert server.api_url == f"http://127.0.0.1:{server.api_port}"
        with PowerDnsClient(server.api_url, api_key=server.api_key, timeout=5) as client:
            client.zone_create(name="example.nl.", nameservers=["ns1.hostwerk.test."])
        assert dns_answer(server, "example.nl.", "NS") == ("NOERROR", ["ns1.hostwerk.test."])

    assert not server.running
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.api_port), timeout=1).close()


def test_start_on_given_ports_with_a_given_key(tmp_path):
    dns_port = free_port(udp_too=True)
    api_port = free_port(exclude={dns_port})

    with start(tmp_path, dns_port=dns_port, api_port=api_port, api_key="given-key") as server:
        assert (server.dns_port, server.api_port, server.api_key) == (
            dns_port,
            api_port,
            "given-key",
        )
        assert PowerDnsClient(server.api_url, api_key="given-key", timeout=5).zone_list() == []


def test_zones_survive_a_restart_in_the_same_directory(tmp_path):
    with start(tmp_path) as server:
        PowerDnsClient(server.api_url, api_key=server.api_key, timeout=5).zone_create(
            name="example.nl.", nameservers=["ns1.hostwerk.test."]
        )

    with start(tmp_path) as server:
        client = PowerDnsClient(server.api_url, api_key=server.api_key, timeout=5)
        assert client.zone_list() == ["example.nl."]


def test_a_taken_dns_port_fails_with_the_server_log(tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]

        with pytest.raises(PowerDnsStartError) as caught:
            start(tmp_path, dns_port=port, api_port=free_port())

    assert "exited" in str(caught.value)
    assert str(port) in str(caught.value)
