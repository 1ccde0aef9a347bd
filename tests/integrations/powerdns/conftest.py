"""The real PowerDNS server fixtures for the client tests."""

from tests.support.powerdns import powerdns_client, powerdns_server  # noqa: F401
