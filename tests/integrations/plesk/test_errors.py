"""How PleskClient turns Plesk's error codes, transport trouble and odd answers into exceptions."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from lxml import etree

from hostwerk.core.errors import PermanentError, TransientError
from hostwerk.integrations.plesk import (
    Customer,
    CustomerSpec,
    PleskAuthError,
    PleskBadPacket,
    PleskCertificateError,
    PleskClient,
    PleskError,
    PleskInvalidValue,
    PleskObjectExists,
    PleskObjectNotFound,
    PleskUnavailable,
    PleskUnexpectedAnswer,
    Webspace,
    WebspaceSpec,
)
from hostwerk.sandbox.faults import Fault
from hostwerk.sandbox.plesk.server import PleskSandbox, start
from hostwerk.sandbox.threads import RunningServer, serve_in_thread


def test_wrong_password_is_a_permanent_auth_error_that_names_the_server(make_client):
    client = make_client(password="wrong")

    with pytest.raises(PleskAuthError) as caught:
        client.server_info()

    error = caught.value
    assert str(error) == (
        "Plesk server plesk1 refused the login (1001): Authentication failed - wrong password."
    )
    assert (error.code, error.text, error.operation) == (
        1001,
        "Authentication failed - wrong password.",
        "",
    )
    assert isinstance(error, PermanentError)


def test_wrong_secret_key_is_an_auth_error_with_code_11003(make_client):
    client = make_client(secret_key="not-the-key")

    with pytest.raises(PleskAuthError) as caught:
        client.server_info()

    assert str(caught.value) == (
        "Plesk server plesk1 refused the secret key (11003): Secret key validation failed"
    )
    assert caught.value.code == 11003


def test_a_second_customer_with_the_same_login_is_object_exists(
    plesk_client: PleskClient, customer: Customer
):
    with pytest.raises(PleskObjectExists) as caught:
        plesk_client.customer_add(
            CustomerSpec(login="stevelow", password="secret123", pname="Steve Other")
        )

    error = caught.value
    assert str(error) == (
        "Plesk server plesk1 could not create customer stevelow (1007): "
        "User account stevelow already exists."
    )
    assert (error.code, error.operation) == (1007, "customer.add")


def test_a_second_webspace_with_the_same_name_is_object_exists(
    plesk_client: PleskClient, customer: Customer, webspace: Webspace
):
    with pytest.raises(PleskObjectExists) as caught:
        plesk_client.webspace_add(
            WebspaceSpec(
                name="example.com",
                owner_id=customer.id,
                plan_name="Default Domain",
                ip_address="192.0.2.10",
                ftp_login="otheruser",
                ftp_password="S3cret!pw",
            )
        )

    assert caught.value.text == (
        "Unable to create the domain example.com because a DNS record pointing to the host "
        "example.com already exists."
    )


def test_deleting_an_unknown_customer_is_object_not_found(plesk_client: PleskClient):
    with pytest.raises(PleskObjectNotFound) as caught:
        plesk_client.customer_del(id=99)

    assert str(caught.value) == (
        "Plesk server plesk1 could not delete customer 99 (1013): Object not found."
    )
    assert caught.value.operation == "customer.del"


def test_a_webspace_for_an_unknown_owner_is_object_not_found_1015(plesk_client: PleskClient):
    with pytest.raises(PleskObjectNotFound) as caught:
        plesk_client.webspace_add(
            WebspaceSpec(
                name="example.com",
                owner_id=99,
                plan_name="Default Domain",
                ip_address="192.0.2.10",
                ftp_login="exampleuser",
                ftp_password="S3cret!pw",
            )
        )

    assert (caught.value.code, caught.value.text) == (1015, "Object owner not found.")


def test_reading_mail_of_an_unknown_site_raises_instead_of_returning_none(
    plesk_client: PleskClient,
):
    with pytest.raises(PleskObjectNotFound) as caught:
        plesk_client.mail_get(site_id=42, name="info")

    assert (caught.value.code, caught.value.text) == (1015, "site does not exist")


def test_switching_to_an_unknown_plan_is_object_not_found(
    plesk_client: PleskClient, webspace: Webspace
):
    with pytest.raises(PleskObjectNotFound) as caught:
        plesk_client.webspace_switch_plan(id=webspace.id, plan_name="Gold")

    assert str(caught.value) == (
        "Plesk server plesk1 could not find service plan Gold (1013): Object not found."
    )


def test_an_invalid_domain_name_is_invalid_value(plesk_client: PleskClient, customer: Customer):
    with pytest.raises(PleskInvalidValue) as caught:
        plesk_client.webspace_add(
            WebspaceSpec(
                name="not_a_domain",
                owner_id=customer.id,
                plan_name="Default Domain",
                ip_address="192.0.2.10",
                ftp_login="exampleuser",
                ftp_password="S3cret!pw",
            )
        )

    assert str(caught.value) == (
        "Plesk server plesk1 could not create webspace not_a_domain (1019): "
        "The domain name not_a_domain is invalid."
    )


def test_an_ip_address_outside_the_pool_is_object_not_found_1018(
    plesk_client: PleskClient, customer: Customer
):
    with pytest.raises(PleskObjectNotFound) as caught:
        plesk_client.webspace_add(
            WebspaceSpec(
                name="example.com",
                owner_id=customer.id,
                plan_name="Default Domain",
                ip_address="203.0.113.5",
                ftp_login="exampleuser",
                ftp_password="S3cret!pw",
            )
        )

    assert caught.value.code == 1018


def test_a_packet_with_elements_out_of_order_is_a_bad_packet(plesk_client: PleskClient):
    # The XML declaration takes line 1, so the packet starts on line 2.
    packet = etree.fromstring(
        "<packet><customer><add><gen_info><login>x1</login><pname>X</pname>"
        "<passwd>secret123</passwd></gen_info></add></customer></packet>"
    )

    with pytest.raises(PleskBadPacket) as caught:
        plesk_client.request(packet)

    assert str(caught.value) == (
        "Plesk server plesk1 rejected the request (1014): Parser error: Request is invalid. "
        "Error in line 2: Element 'login': This element is not expected. Expected is ( pname )."
    )


def test_an_unsupported_protocol_version_is_a_bad_packet_1005(plesk_client: PleskClient):
    packet = etree.fromstring('<packet version="100.0.0"><server><get_protos/></server></packet>')

    with pytest.raises(PleskBadPacket) as caught:
        plesk_client.request(packet)

    assert (caught.value.code, caught.value.text) == (
        1005,
        "XML API protocol version not supported.",
    )


def test_a_timeout_is_transient_and_says_how_long_it_waited(plesk: PleskSandbox):
    plesk.state.faults.add(Fault(operation="server.get", mode="delay", delay=1.0))

    with (
        PleskClient(
            plesk.url, login="admin", password="sandbox", name="plesk1", timeout=0.3
        ) as client,
        pytest.raises(PleskUnavailable) as caught,
    ):
        client.server_info()

    assert str(caught.value) == "Plesk server plesk1 did not answer within 0.3 seconds."
    assert caught.value.code == "timeout"
    assert isinstance(caught.value, TransientError)


def test_a_refused_connection_is_transient(make_client):
    with start() as stopped_at_once:
        url = stopped_at_once.url
    client = make_client(url)

    with pytest.raises(PleskUnavailable) as caught:
        client.server_info()

    assert caught.value.code == "connection"
    assert str(caught.value).startswith("Could not reach Plesk server plesk1: ")


class _CannedAnswer(BaseHTTPRequestHandler):
    """Answers every POST with the status and body set on the server."""

    server: _CannedServer

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(self.server.status)
        self.send_header("Content-Type", self.server.content_type)
        self.send_header("Content-Length", str(len(self.server.body)))
        self.end_headers()
        self.wfile.write(self.server.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _CannedServer(ThreadingHTTPServer):
    daemon_threads = True
    status = 200
    body = b""
    content_type = "text/html"


@pytest.fixture
def canned() -> Iterator[RunningServer]:
    running = serve_in_thread(_CannedServer(("127.0.0.1", 0), _CannedAnswer), "canned")
    try:
        yield running
    finally:
        running.stop()


def _answer(canned: RunningServer, status: int, body: bytes, content_type: str) -> PleskClient:
    server = canned.server
    assert isinstance(server, _CannedServer)
    server.status, server.body, server.content_type = status, body, content_type
    return PleskClient(
        f"http://127.0.0.1:{canned.port}", login="admin", password="x", name="plesk1", timeout=2
    )


def test_an_http_500_error_page_is_transient(canned: RunningServer):
    client = _answer(canned, 500, b"<html><body>Internal Server Error</body></html>", "text/html")

    with pytest.raises(PleskUnavailable) as caught:
        client.server_info()

    assert str(caught.value) == (
        "Plesk server plesk1 answered HTTP 500 with something that is not a Plesk packet; "
        "try again later."
    )
    assert caught.value.code == 500


def test_an_http_503_is_transient(canned: RunningServer):
    client = _answer(canned, 503, b"busy", "text/plain")

    with pytest.raises(PleskUnavailable) as caught:
        client.server_info()

    assert caught.value.code == 503


def test_an_answer_that_is_not_xml_is_transient(canned: RunningServer):
    client = _answer(canned, 200, b"Service temporarily unavailable", "text/plain")

    with pytest.raises(PleskUnavailable) as caught:
        client.server_info()

    assert caught.value.code == 200


def test_an_http_404_means_a_wrong_address_and_is_permanent(canned: RunningServer):
    client = _answer(canned, 404, b"Not Found", "text/plain")

    with pytest.raises(PleskUnexpectedAnswer) as caught:
        client.server_info()

    assert str(caught.value) == (
        f"Plesk server plesk1 answered HTTP 404 at http://127.0.0.1:{canned.port}"
        "/enterprise/control/agent.php; check the server address."
    )


def test_an_http_500_that_carries_an_error_packet_raises_the_packets_error(
    canned: RunningServer,
):
    client = _answer(
        canned,
        500,
        b"<packet version='1.6.9.1'><webspace><add><result><status>error</status>"
        b"<errcode>1007</errcode><errtext>Unable to create the domain example.com because a "
        b"DNS record pointing to the host example.com already exists.</errtext></result>"
        b"</add></webspace></packet>",
        "text/xml",
    )

    with pytest.raises(PleskObjectExists) as caught:
        client.webspace_add(
            WebspaceSpec(
                name="example.com",
                owner_id=2,
                plan_name="Default Domain",
                ip_address="192.0.2.10",
                ftp_login="exampleuser",
                ftp_password="S3cret!pw",
            )
        )

    assert caught.value.code == 1007


def test_a_packet_without_the_result_is_an_unexpected_answer(canned: RunningServer):
    client = _answer(
        canned, 200, b"<packet version='1.6.9.1'><server><get/></server></packet>", "text/xml"
    )

    with pytest.raises(PleskUnexpectedAnswer) as caught:
        client.server_info()

    assert str(caught.value) == "Plesk server plesk1 did not send a result for server.get."
    assert isinstance(caught.value, PleskError)


def test_tls_with_verification_refuses_a_self_signed_certificate_permanently(make_client):
    with start(name="secure", tls=True) as sandbox:
        assert sandbox.url.startswith("https://")
        client = make_client(sandbox.url, name="secure")

        with pytest.raises(PleskCertificateError) as caught:
            client.server_info()

    assert str(caught.value) == (
        "Plesk server secure presented a TLS certificate that cannot be verified "
        "(self-signed certificate); install a trusted certificate or switch off certificate "
        "verification for this server."
    )
    assert "CERTIFICATE_VERIFY_FAILED" in caught.value.text
    assert isinstance(caught.value, PermanentError)


def test_tls_without_verification_talks_to_a_self_signed_server():
    with (
        start(name="secure", tls=True) as sandbox,
        PleskClient(
            sandbox.url,
            login="admin",
            password="sandbox",
            name="secure",
            timeout=5,
            verify_tls=False,
        ) as client,
    ):
        assert client.server_info().hostname == "secure"
