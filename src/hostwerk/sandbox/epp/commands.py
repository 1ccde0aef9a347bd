"""What the simulated registry does with each EPP command, with per-TLD policies.

Policies: "generic" (com, eu) follows RFC 5730-5733; "sidn" (nl) adds SIDN's rules (legal form
of contacts, 1-year period, no renew command, one admin and 1-10 tech contacts, validation
errors as 2308 with details in SIDN's extension); "denic" (de) refuses a create or name-server
change unless the name servers answer authoritatively for the zone (dns_check.py).

SIDN's detail codes used here follow its published families (F = field validation,
T = unknown object); the exact numbers for the legal-form and contact-count cases are this
simulator's own, as our reference does not list them.

This module dispatches and holds the session commands (login, logout, poll); the object
commands are in `domain_commands.py`, `contact_commands.py` and `host_commands.py`.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from hostwerk.integrations.epp import namespaces
from hostwerk.sandbox.epp.command_base import (
    E,
    ParsedCommand,
    SessionState,
    text,
    texts,
)
from hostwerk.sandbox.epp.contact_commands import ContactCommands
from hostwerk.sandbox.epp.domain_commands import DomainCommands, transfer_data
from hostwerk.sandbox.epp.host_commands import HostCommands
from hostwerk.sandbox.epp.protocol import EXTENSION_URIS, OBJECT_URIS, Reply, q
from hostwerk.sandbox.epp.state import (
    CommandFailure,
    RegistryState,
)


class CommandProcessor(DomainCommands, ContactCommands, HostCommands):
    """Carries out parsed commands against a RegistryState; the caller holds `state.lock`."""

    def __init__(self, state: RegistryState) -> None:
        self.state = state
        self.handlers: dict[str, Callable[[SessionState, ParsedCommand], Reply]] = {
            "login": self.login,
            "logout": self.logout,
            "poll": self.poll,
            "domain:check": self.domain_check,
            "domain:info": self.domain_info,
            "domain:create": self.domain_create,
            "domain:update": self.domain_update,
            "domain:delete": self.domain_delete,
            "domain:renew": self.domain_renew,
            "domain:transfer": self.domain_transfer,
            "contact:check": self.contact_check,
            "contact:info": self.contact_info,
            "contact:create": self.contact_create,
            "contact:update": self.contact_update,
            "host:check": self.host_check,
            "host:create": self.host_create,
        }

    def execute(self, session: SessionState, command: ParsedCommand) -> Reply:
        handler = self.handlers.get(command.operation)
        if handler is None:
            raise CommandFailure(2101, f"{command.operation} is not offered by this registry")
        if command.operation != "login":
            if session.client_id is None:
                raise CommandFailure(2002, "log in first")
            self._check_services(session, command)
        self.state.process_due_transfers()
        return handler(session, command)

    def _check_services(self, session: SessionState, command: ParsedCommand) -> None:
        if command.object_element is not None:
            namespace = etree.QName(command.object_element).namespace
            if namespace not in session.object_uris:
                raise CommandFailure(2307, f"{namespace} was not requested at login")
        if command.extension is not None:
            for child in command.extension:
                if not isinstance(child.tag, str):
                    continue
                namespace = etree.QName(child).namespace
                if namespace not in session.extension_uris:
                    raise CommandFailure(2103, f"extension {namespace} was not requested at login")

    # -- session -------------------------------------------------------------------------------

    def login(self, session: SessionState, command: ParsedCommand) -> Reply:
        if session.client_id is not None:
            raise CommandFailure(2002, "already logged in")
        login = command.verb_element
        client_id = text(login, "epp:clID", E)
        password = text(login, "epp:pw", E)
        if login.find("epp:newPW", E) is not None:
            raise CommandFailure(2102, "changing the password is not supported by the sandbox")
        version = text(login, "epp:options/epp:version", E)
        language = text(login, "epp:options/epp:lang", E)
        if version != "1.0":
            raise CommandFailure(2100, f"version {version!r}")
        if language not in ("en", "nl"):
            raise CommandFailure(2102, f"language {language!r}")
        if self.state.accounts.get(client_id) != password or not client_id:
            raise CommandFailure(2200)
        object_uris = tuple(texts(login, "epp:svcs/epp:objURI", E))
        extension_uris = tuple(texts(login, "epp:svcs/epp:svcExtension/epp:extURI", E))
        for uri in object_uris:
            if uri not in OBJECT_URIS:
                raise CommandFailure(2307, f"object service {uri}")
        for uri in extension_uris:
            if uri not in EXTENSION_URIS:
                raise CommandFailure(2103, f"extension {uri}")
        session.client_id = client_id
        session.object_uris = object_uris
        session.extension_uris = extension_uris
        self.state.polls.setdefault(client_id, [])
        return Reply(1000)

    def logout(self, session: SessionState, command: ParsedCommand) -> Reply:
        return Reply(1500, close=True)

    def poll(self, session: SessionState, command: ParsedCommand) -> Reply:
        queue = self.state.polls.setdefault(session.client_id or "", [])
        operation = command.verb_element.get("op")
        if operation == "req":
            if not queue:
                return Reply(1300)
            entry = queue[0]
            data = None
            if entry.transfer is not None:
                data = etree.Element(q(namespaces.EPP, "resData"))
                data.append(transfer_data(entry.transfer))
            return Reply(1301, poll=entry, queue_count=len(queue), result_data=data)
        if operation == "ack":
            message_id = command.verb_element.get("msgID")
            if not message_id:
                raise CommandFailure(2003, "msgID is required with op=ack")
            for entry in queue:
                if entry.id == message_id:
                    queue.remove(entry)
                    return Reply(1000, queue_count=len(queue), queue_id=message_id)
            raise CommandFailure(2303, f"no message {message_id} in your queue")
        raise CommandFailure(2005, "op must be req or ack")
