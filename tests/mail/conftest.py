"""Mail test fixtures: a hosting service on the Plesk simulator, filtering providers (the
SpamExperts simulator, or a partner by e-mail), the real PowerDNS behind a watching proxy, and a
real SMTP listener."""

from __future__ import annotations

import http.client
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

import pytest

from hostwerk.core.audit import Actor
from hostwerk.integrations.plesk import PleskClient
from hostwerk.mail.models import MailFilterProvider, ProviderMode
from hostwerk.provisioning.models import Service, ServiceStatus
from hostwerk.provisioning.modules.plesk import PleskModule
from hostwerk.sandbox.powerdns import RunningPowerDns
from hostwerk.sandbox.threads import serve_in_thread
from tests.mail.factories import ProviderFactory
from tests.support.powerdns import dns_answer, powerdns_client, powerdns_server  # noqa: F401
from tests.support.spamexperts import (  # noqa: F401
    spamexperts_sandbox,
    spamexperts_sandbox_session,
)


@pytest.fixture
def staff_actor(staff_user):
    return Actor.for_user(staff_user)


@pytest.fixture
def client_a_actor(client_a_user):
    return Actor.for_user(client_a_user)


def make_hosting_service(plesk_servers, product, client, domain, server="plesk1") -> Service:
    """A hosting service created on the Plesk simulator the way acceptance does it."""
    service = Service.objects.create(
        client=client,
        product=product,
        server=plesk_servers.servers[server],
        domain=domain,
        billing_cycle="annually",
        recurring_amount="75.00",
    )
    PleskModule().create(service)
    Service.objects.filter(pk=service.pk).update(status=ServiceStatus.ACTIVE)
    service.refresh_from_db()
    return service


@pytest.fixture
def hosting_service(plesk_servers, catalogue, client_a) -> Service:
    """Client A's hosting of anna.nl on plesk1."""
    return make_hosting_service(plesk_servers, catalogue["hosting"], client_a, "anna.nl")


@pytest.fixture
def plesk1(plesk_servers) -> Iterator[PleskClient]:
    """Plesk's own XML API on plesk1, to read back what Hostwerk did there."""
    with PleskClient(plesk_servers.sandboxes["plesk1"].url, login="admin", password="sandbox") as c:
        yield c


@pytest.fixture
def api_provider(spamexperts_sandbox, mail_filter) -> MailFilterProvider:  # noqa: F811
    """SpamExperts through its API (the simulator), serving the mail filtering product."""
    provider = ProviderFactory(
        name="SpamExperts",
        mode=ProviderMode.API,
        api_url=spamexperts_sandbox.url,
        username="admin",
        password="sandbox",
        request_email="",
        verify_tls=False,
    )
    provider.products.add(mail_filter)
    return provider


@pytest.fixture
def email_provider(mail_filter) -> MailFilterProvider:
    """The seed's partner (Denit), who takes requests by e-mail."""
    provider = ProviderFactory(
        name="Denit", mode=ProviderMode.EMAIL, request_email="spamx@denit.test", language="en"
    )
    provider.products.add(mail_filter)
    return provider


# PowerDNS, watched -------------------------------------------------------------------------------

_ZONE_PATH = re.compile(r"^/api/v1/servers/[^/]+/zones/([^/]+)$")


@dataclass
class PowerDnsWatch:
    """A loopback proxy in front of the real PowerDNS API. It forwards every request and, right
    after each change to a zone (before Hostwerk gets the answer), asks PowerDNS over DNS for the
    zone's MX records: `states` is then every MX set the DNS server ever served.

    `down = True` makes it answer 503 without forwarding, like a PowerDNS outage."""

    powerdns: RunningPowerDns
    states: list[tuple[str, list[str]]] = field(default_factory=list)
    down: bool = False
    url: str = ""

    def mx_states(self, zone: str) -> list[list[str]]:
        return [answers for name, answers in self.states if name == zone]


def _watch_handler(watch: PowerDnsWatch):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):
            pass

        def _forward(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if watch.down:
                self._answer(503, b"PowerDNS is down (test)", "text/plain")
                return
            target = urlsplit(watch.powerdns.api_url)
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
            headers = {
                name: value
                for name, value in self.headers.items()
                if name.lower() in ("x-api-key", "content-type", "accept")
            }
            connection.request(self.command, self.path, body=body or None, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            connection.close()
            if self.command != "GET" and response.status < 300:
                zone = self._zone_of(body)
                if zone:
                    rcode, answers = dns_answer(watch.powerdns, zone, "MX")
                    watch.states.append((zone, answers if rcode == "NOERROR" else []))
            self._answer(response.status, payload, response.getheader("Content-Type") or "")

        def _zone_of(self, body: bytes) -> str:
            match = _ZONE_PATH.match(urlsplit(self.path).path)
            if match:
                return unquote(match.group(1))
            if self.command == "POST" and body:
                return json.loads(body).get("name", "")
            return ""

        def _answer(self, status, payload, content_type):
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _forward

    return Handler


@pytest.fixture
def powerdns_watch(settings, powerdns_server, powerdns_client) -> Iterator[PowerDnsWatch]:  # noqa: F811
    """Publish zones to the real PowerDNS through the watching proxy."""
    watch = PowerDnsWatch(powerdns=powerdns_server)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _watch_handler(watch))
    server.daemon_threads = True
    running = serve_in_thread(server, "powerdns-watch")
    watch.url = f"http://127.0.0.1:{running.port}"
    settings.HOSTWERK_DNS_PUBLISHER = "powerdns"
    settings.HOSTWERK_POWERDNS_API_URL = watch.url
    settings.HOSTWERK_POWERDNS_API_KEY = powerdns_server.api_key
    try:
        yield watch
    finally:
        running.stop()


# A real SMTP listener -------------------------------------------------------------------------------


@dataclass
class SmtpInbox:
    messages: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes
        from email.policy import default

        with self.lock:
            self.messages.append(
                (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default))
            )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_inbox(settings) -> Iterator[SmtpInbox]:
    """aiosmtpd on a free loopback port; Hostwerk's outgoing mail goes there over SMTP."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    try:
        yield inbox
    finally:
        controller.stop()
