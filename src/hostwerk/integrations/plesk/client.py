"""Typed client of the Plesk XML API: one method per operation, dataclasses in and out."""

from __future__ import annotations

from hostwerk.integrations.plesk.customers import CustomerOperations
from hostwerk.integrations.plesk.dns import DnsOperations
from hostwerk.integrations.plesk.mail import MailOperations
from hostwerk.integrations.plesk.objects import ServerInfo
from hostwerk.integrations.plesk.packets import child, new_packet, path, text_of
from hostwerk.integrations.plesk.webspaces import WebspaceOperations


class PleskClient(CustomerOperations, WebspaceOperations, MailOperations, DnsOperations):
    """One Plesk server. `url` is the panel address, e.g. https://plesk1.example.net:8443.

    Authenticates with `login`/`password` (HTTP_AUTH_LOGIN/HTTP_AUTH_PASSWD headers) or with a
    `secret_key` (KEY header). `name` names the server in error messages for staff.
    Errors: PleskError and its subclasses are permanent (a person has to act);
    PleskUnavailable is transient (timeouts, refused connections, 5xx): retry later.
    """

    # -- server -----------------------------------------------------------------------------

    def server_info(self) -> ServerInfo:
        """Read host name and version; also proves that address and credentials work."""
        packet = new_packet()
        get = path(packet, "server", "get")
        child(get, "gen_info")
        child(get, "stat")
        result = self._call(packet, "server", "get", action="read the server information")
        hostname = text_of(result, "gen_info/server_name")
        if not hostname:
            raise self._unexpected("server.get", "a server name")
        operating_system = " ".join(
            part
            for part in (
                text_of(result, "stat/version/plesk_os"),
                text_of(result, "stat/version/plesk_os_version"),
            )
            if part
        )
        return ServerInfo(
            hostname=hostname,
            guid=text_of(result, "gen_info/server_guid"),
            version=text_of(result, "stat/version/plesk_version"),
            operating_system=operating_system,
        )
