"""What the simulated registry does with each EPP command, with per-TLD policies.

Policies: "generic" (com, eu) follows RFC 5730-5733; "sidn" (nl) adds SIDN's rules (legal form
of contacts, 1-year period, no renew command, one admin and 1-10 tech contacts, validation
errors as 2308 with details in SIDN's extension); "denic" (de) refuses a create or name-server
change unless the name servers answer authoritatively for the zone (dns_check.py).

SIDN's detail codes used here follow its published families (F = field validation,
T = unknown object); the exact numbers for the legal-form and contact-count cases are this
simulator's own, as our reference does not list them.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from lxml import etree

from hostwerk.integrations.epp import namespaces
from hostwerk.sandbox.epp import dns_check
from hostwerk.sandbox.epp.protocol import EXTENSION_URIS, OBJECT_URIS, Reply, q, sub
from hostwerk.sandbox.epp.state import (
    RESERVED_LABELS,
    CommandFailure,
    ContactRecord,
    DomainRecord,
    HostRecord,
    RegistryState,
    TransferRecord,
    add_years,
    normalise_name,
    timestamp,
    transfer_values,
    utc_now,
    valid_host_name,
)

VERBS = (
    "login",
    "logout",
    "check",
    "info",
    "create",
    "update",
    "delete",
    "renew",
    "transfer",
    "poll",
)
OBJECT_PREFIXES = {
    namespaces.DOMAIN: "domain",
    namespaces.CONTACT: "contact",
    namespaces.HOST: "host",
}
SIDN_LEGAL_FORMS = (
    "ANDERS",
    "BGG",
    "BRO",
    "BV",
    "BVI/O",
    "COOP",
    "CV",
    "EENMANSZAAK",
    "EESV",
    "KERK",
    "MAATSCHAP",
    "NV",
    "OWM",
    "PERSOON",
    "REDR",
    "STICHTING",
    "VERENIGING",
    "VOF",
)
SIDN_VALIDATION_FAILED = "Validation of the transaction failed."
PHONE = re.compile(r"^\+[0-9]{1,3}\.[0-9]{1,14}$")
CONTACT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,15}$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
CLIENT_STATUSES = {
    "clientHold",
    "clientTransferProhibited",
    "clientUpdateProhibited",
    "clientDeleteProhibited",
    "clientRenewProhibited",
}
MAX_YEARS = 10

D = {"domain": namespaces.DOMAIN}
C = {"contact": namespaces.CONTACT}
H = {"host": namespaces.HOST}
E = {"epp": namespaces.EPP}


@dataclass
class SessionState:
    """One connection's login state."""

    client_id: str | None = None
    object_uris: tuple[str, ...] = ()
    extension_uris: tuple[str, ...] = ()

    @property
    def sidn_uri(self) -> str | None:
        return next((uri for uri in self.extension_uris if uri == namespaces.SIDN), None)


@dataclass
class ParsedCommand:
    operation: str  # "login", "poll", "domain:create" ...: the key of faults
    verb: str
    verb_element: etree._Element
    object_element: etree._Element | None
    extension: etree._Element | None
    client_transaction_id: str | None

    @property
    def target(self) -> etree._Element:
        """The object element (`domain:create` ...) of an object command."""
        if self.object_element is None:
            raise CommandFailure(2001, f"<{self.verb}> holds no object element")
        return self.object_element


def parse_command(root: etree._Element) -> ParsedCommand:
    command = root.find("epp:command", E)
    if root.tag != q(namespaces.EPP, "epp") or command is None:
        raise CommandFailure(2001, "expected <epp><command> or <epp><hello/>")
    verb_element = None
    extension = None
    client_transaction_id = None
    for child in command:
        if not isinstance(child.tag, str):
            continue
        local = etree.QName(child).localname
        if child.tag == q(namespaces.EPP, "extension"):
            extension = child
        elif child.tag == q(namespaces.EPP, "clTRID"):
            client_transaction_id = (child.text or "").strip()
        elif verb_element is None:
            verb_element = child
            if etree.QName(child).namespace != namespaces.EPP or local not in VERBS:
                raise CommandFailure(2000, f"unknown command <{local}>")
    if verb_element is None:
        raise CommandFailure(2001, "the command has no verb")
    if client_transaction_id is not None and not 3 <= len(client_transaction_id) <= 64:
        raise CommandFailure(2001, "clTRID must be 3 to 64 characters")
    verb = etree.QName(verb_element).localname
    if verb in ("login", "logout", "poll"):
        return ParsedCommand(verb, verb, verb_element, None, extension, client_transaction_id)
    object_element = next((item for item in verb_element if isinstance(item.tag, str)), None)
    if object_element is None:
        raise CommandFailure(2001, f"<{verb}> holds no object element")
    prefix = OBJECT_PREFIXES.get(etree.QName(object_element).namespace or "")
    if prefix is None:
        raise CommandFailure(2307, f"object namespace {etree.QName(object_element).namespace}")
    if etree.QName(object_element).localname != verb:
        raise CommandFailure(2001, f"<{verb}> holds <{etree.QName(object_element).localname}>")
    return ParsedCommand(
        f"{prefix}:{verb}", verb, verb_element, object_element, extension, client_transaction_id
    )


def text(element: etree._Element | None, path: str, ns: dict[str, str]) -> str:
    if element is None:
        return ""
    found = element.find(path, ns)
    return (found.text or "").strip() if found is not None else ""


def texts(element: etree._Element | None, path: str, ns: dict[str, str]) -> list[str]:
    if element is None:
        return []
    return [(item.text or "").strip() for item in element.findall(path, ns)]


def sidn_failure(
    code: int, detail_code: str, field_name: str, detail: str, *, message: str | None = None
) -> CommandFailure:
    return CommandFailure(code, message=message, sidn=[(detail_code, field_name, detail)])


class CommandProcessor:
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

    # -- shared checks --------------------------------------------------------------------------

    def _domain_name(self, raw: str) -> tuple[str, str]:
        name = normalise_name(raw)
        if not name:
            raise CommandFailure(2003, "domain name missing")
        if not valid_host_name(name):
            raise CommandFailure(2005, f"{raw!r} is not a valid domain name")
        tld = name.rsplit(".", 1)[-1]
        if tld not in self.state.tlds:
            raise CommandFailure(2306, f"this registry does not serve .{tld}")
        if len(name.split(".")) != 2:
            raise CommandFailure(2306, f"{name}: only second-level names are registered here")
        return name, tld

    def _existing_domain(self, session: SessionState, raw: str) -> DomainRecord:
        name, tld = self._domain_name(raw)
        domain = self.state.domains.get(name)
        if domain is None:
            if self.state.policy(tld) == "sidn":
                raise CommandFailure(
                    2303,
                    message="The specified domain name is unknown.",
                    sidn=[("T0001", "", "De opgegeven domeinnaam is onbekend.")],
                )
            raise CommandFailure(2303, f"domain {name} does not exist")
        return domain

    def _sponsored_domain(self, session: SessionState, raw: str) -> DomainRecord:
        domain = self._existing_domain(session, raw)
        if domain.sponsor != session.client_id:
            raise CommandFailure(2201, f"{domain.name} is sponsored by another registrar")
        return domain

    def _period_years(self, element: etree._Element | None, tld: str, *, default: int = 1) -> int:
        period = element.find("domain:period", D) if element is not None else None
        if period is None:
            return default
        try:
            value = int((period.text or "").strip())
        except ValueError:
            raise CommandFailure(2005, "period must be a whole number") from None
        unit = period.get("unit", "y")
        if unit == "m":
            if value % 12:
                raise CommandFailure(2004, f"a period of {value} months is not offered")
            value //= 12
        elif unit != "y":
            raise CommandFailure(2005, f"period unit {unit!r}")
        if self.state.policy(tld) == "sidn" and value != 1:
            raise sidn_failure(
                2004,
                "F0020",
                "period",
                ".nl domain names are registered for one year and renew automatically",
                message="Parameter value range error",
            )
        if not 1 <= value <= MAX_YEARS:
            raise CommandFailure(2004, f"period must be 1 to {MAX_YEARS} years")
        return value

    def _contact_for_domain(self, session: SessionState, handle: str, role: str) -> ContactRecord:
        contact = self.state.contacts.get(handle)
        if contact is None:
            raise CommandFailure(2303, f"{role} contact {handle} does not exist")
        if contact.sponsor != session.client_id:
            raise CommandFailure(2201, f"{role} contact {handle} belongs to another registrar")
        return contact

    def _check_sidn_contacts(
        self, registrant: ContactRecord | None, contacts: list[tuple[str, str]]
    ) -> None:
        """SIDN: the registrant has a legal form; exactly one admin and 1-10 tech contacts."""
        if registrant is not None and not registrant.legal_form:
            raise sidn_failure(
                2308,
                "F0301",
                "registrant",
                f"Contact {registrant.id} has no legal form: create .nl contacts with the "
                "legalForm of the sidn-ext-epp extension.",
                message=SIDN_VALIDATION_FAILED,
            )
        admins = [handle for kind, handle in contacts if kind == "admin"]
        techs = [handle for kind, handle in contacts if kind == "tech"]
        if len(admins) != 1:
            raise sidn_failure(
                2308,
                "F0302",
                "admin",
                f"A .nl domain name needs exactly one admin contact, not {len(admins)}.",
                message=SIDN_VALIDATION_FAILED,
            )
        if not 1 <= len(techs) <= 10:
            raise sidn_failure(
                2308,
                "F0303",
                "tech",
                f"A .nl domain name needs 1 to 10 tech contacts, not {len(techs)}.",
                message=SIDN_VALIDATION_FAILED,
            )

    def _resolve_nameservers(
        self, session: SessionState, names: list[str], *, domain_name: str
    ) -> list[str]:
        """Host objects for the names; external hosts are created on the fly, hosts inside a
        domain of this registry must exist (with glue) beforehand."""
        hosts = []
        for raw in names:
            host = normalise_name(raw)
            if not valid_host_name(host):
                raise CommandFailure(2005, f"{raw!r} is not a valid host name")
            if host in hosts:
                raise CommandFailure(2306, f"name server {host} is listed twice")
            hosts.append(host)
        if len(hosts) > 13:
            raise CommandFailure(2004, "at most 13 name servers")
        missing = [host for host in hosts if host not in self.state.hosts]
        for host in missing:
            if host.endswith("." + domain_name) or self.state.superordinate_domain(host):
                raise CommandFailure(
                    2303, f"host {host} does not exist: create it with its addresses first"
                )
        for host in missing:
            self.state.hosts[host] = HostRecord(
                name=host,
                roid=self.state.new_roid("H"),
                sponsor=session.client_id or "",
                addresses=[],
                created=utc_now(),
            )
        return hosts

    def _check_dns(self, domain_name: str, nameservers: list[str]) -> None:
        if not nameservers:
            raise CommandFailure(2003, f"{domain_name}: .de domain names need name servers")
        problems = dns_check.check_delegation(
            domain_name, nameservers, self.state.resolver, timeout=self.state.dns_timeout
        )
        if problems:
            raise CommandFailure(
                2306, f"Nameserver check for {domain_name} failed: " + "; ".join(problems)
            )

    # -- domains -------------------------------------------------------------------------------

    def domain_check(self, session: SessionState, command: ParsedCommand) -> Reply:
        names = texts(command.object_element, "domain:name", D)
        if not names:
            raise CommandFailure(2003, "no domain:name")
        data, check = _result(namespaces.DOMAIN, "domain", "chkData")
        for raw in names:
            name = normalise_name(raw)
            reason = ""
            if not valid_host_name(name) or len(name.split(".")) != 2:
                reason = "Invalid domain name"
            elif name.rsplit(".", 1)[-1] not in self.state.tlds:
                reason = "Not served by this registry"
            elif name.split(".")[0] in RESERVED_LABELS:
                reason = RESERVED_LABELS[name.split(".")[0]]
            elif name in self.state.domains:
                reason = "In use"
            item = sub(check, namespaces.DOMAIN, "cd")
            sub(item, namespaces.DOMAIN, "name", raw.strip(), avail="0" if reason else "1")
            if reason:
                sub(item, namespaces.DOMAIN, "reason", reason)
        return Reply(1000, result_data=data)

    def domain_create(self, session: SessionState, command: ParsedCommand) -> Reply:
        element = command.target
        name, tld = self._domain_name(text(element, "domain:name", D))
        policy = self.state.policy(tld)
        if name in self.state.domains:
            raise CommandFailure(2302, f"{name} is registered already")
        if name.split(".")[0] in RESERVED_LABELS:
            raise CommandFailure(2306, f"{name}: {RESERVED_LABELS[name.split('.')[0]]}")
        years = self._period_years(element, tld)
        registrant_id = text(element, "domain:registrant", D)
        if not registrant_id:
            raise CommandFailure(2003, "registrant missing")
        registrant = self._contact_for_domain(session, registrant_id, "registrant")
        contacts: list[tuple[str, str]] = []
        for item in element.findall("domain:contact", D):
            kind = item.get("type", "")
            if kind not in ("admin", "tech", "billing"):
                raise CommandFailure(2005, f"contact type {kind!r}")
            handle = (item.text or "").strip()
            self._contact_for_domain(session, handle, kind)
            contacts.append((kind, handle))
        if policy == "sidn":
            self._check_sidn_contacts(registrant, contacts)
        auth_code = text(element, "domain:authInfo/domain:pw", D)
        if not auth_code:
            raise CommandFailure(2003, "authInfo missing")
        requested_hosts = texts(element, "domain:ns/domain:hostObj", D)
        requested_hosts += texts(element, "domain:ns/domain:hostAttr/domain:hostName", D)
        if policy == "denic":
            self._check_dns(name, [normalise_name(host) for host in requested_hosts])
        hosts = self._resolve_nameservers(session, requested_hosts, domain_name=name)
        now = utc_now()
        domain = DomainRecord(
            name=name,
            roid=self.state.new_roid("D", tld.upper()),
            sponsor=session.client_id or "",
            creator=session.client_id or "",
            registrant=registrant_id,
            contacts=contacts,
            nameservers=hosts,
            auth_code=auth_code,
            created=now,
            expires=add_years(now, years),
        )
        self.state.domains[name] = domain
        data, created = _result(namespaces.DOMAIN, "domain", "creData")
        sub(created, namespaces.DOMAIN, "name", name)
        sub(created, namespaces.DOMAIN, "crDate", timestamp(domain.created))
        sub(created, namespaces.DOMAIN, "exDate", timestamp(domain.expires))
        return Reply(1000, result_data=data)

    def domain_info(self, session: SessionState, command: ParsedCommand) -> Reply:
        element = command.target
        domain = self._existing_domain(session, text(element, "domain:name", D))
        auth_code = text(element, "domain:authInfo/domain:pw", D)
        is_sponsor = domain.sponsor == session.client_id
        if auth_code and not is_sponsor and auth_code != domain.auth_code:
            raise CommandFailure(2202, "the auth code does not match")
        full = is_sponsor or bool(auth_code)
        name_element = element.find("domain:name", D)
        hosts_wanted = name_element.get("hosts", "all") if name_element is not None else "all"
        data, info = _result(namespaces.DOMAIN, "domain", "infData")
        sub(info, namespaces.DOMAIN, "name", domain.name)
        sub(info, namespaces.DOMAIN, "roid", domain.roid)
        for status in domain.statuses():
            sub(info, namespaces.DOMAIN, "status", s=status)
        if full:
            sub(info, namespaces.DOMAIN, "registrant", domain.registrant)
            for kind, handle in domain.contacts:
                sub(info, namespaces.DOMAIN, "contact", handle, type=kind)
            if domain.nameservers and hosts_wanted in ("all", "del"):
                ns = sub(info, namespaces.DOMAIN, "ns")
                for host in domain.nameservers:
                    sub(ns, namespaces.DOMAIN, "hostObj", host)
            if hosts_wanted in ("all", "sub"):
                for host in sorted(self.state.hosts):
                    if host.endswith("." + domain.name):
                        sub(info, namespaces.DOMAIN, "host", host)
        sub(info, namespaces.DOMAIN, "clID", domain.sponsor)
        if full:
            sub(info, namespaces.DOMAIN, "crID", domain.creator)
        sub(info, namespaces.DOMAIN, "crDate", timestamp(domain.created))
        if full and domain.updated:
            sub(info, namespaces.DOMAIN, "upID", domain.sponsor)
            sub(info, namespaces.DOMAIN, "upDate", timestamp(domain.updated))
        sub(info, namespaces.DOMAIN, "exDate", timestamp(domain.expires))
        if full and domain.transferred:
            sub(info, namespaces.DOMAIN, "trDate", timestamp(domain.transferred))
        if is_sponsor:
            auth = sub(info, namespaces.DOMAIN, "authInfo")
            sub(auth, namespaces.DOMAIN, "pw", domain.auth_code)
        return Reply(1000, result_data=data)

    def domain_update(self, session: SessionState, command: ParsedCommand) -> Reply:
        element = command.target
        domain = self._sponsored_domain(session, text(element, "domain:name", D))
        policy = self.state.policy(domain.tld)
        if domain.transfer_pending:
            raise CommandFailure(2304, f"{domain.name} has a pending transfer")
        added = element.find("domain:add", D)
        removed = element.find("domain:rem", D)
        change = element.find("domain:chg", D)
        if added is None and removed is None and change is None:
            raise CommandFailure(2003, "nothing to change")
        removed_statuses = (
            {item.get("s", "") for item in removed.findall("domain:status", D)}
            if removed is not None
            else set()
        )
        if "clientUpdateProhibited" in domain.client_statuses - removed_statuses:
            raise CommandFailure(2304, f"{domain.name} has status clientUpdateProhibited")
        nameservers = list(domain.nameservers)
        contacts = list(domain.contacts)
        statuses = set(domain.client_statuses)
        for host in texts(removed, "domain:ns/domain:hostObj", D):
            host = normalise_name(host)
            if host not in nameservers:
                raise CommandFailure(2303, f"{host} is not a name server of {domain.name}")
            nameservers.remove(host)
        for item in removed.findall("domain:contact", D) if removed is not None else []:
            pair = (item.get("type", ""), (item.text or "").strip())
            if pair not in contacts:
                raise CommandFailure(2303, f"{pair[0]} contact {pair[1]} is not on {domain.name}")
            contacts.remove(pair)
        statuses -= removed_statuses
        added_hosts = texts(added, "domain:ns/domain:hostObj", D)
        for host in added_hosts:
            if normalise_name(host) in nameservers:
                raise CommandFailure(2302, f"{host} is a name server of {domain.name} already")
        for item in added.findall("domain:contact", D) if added is not None else []:
            pair = (item.get("type", ""), (item.text or "").strip())
            if pair[0] not in ("admin", "tech", "billing"):
                raise CommandFailure(2005, f"contact type {pair[0]!r}")
            self._contact_for_domain(session, pair[1], pair[0])
            if pair in contacts:
                raise CommandFailure(2302, f"{pair[0]} contact {pair[1]} is on {domain.name}")
            contacts.append(pair)
        for item in added.findall("domain:status", D) if added is not None else []:
            status = item.get("s", "")
            if status not in CLIENT_STATUSES:
                raise CommandFailure(2306, f"status {status!r} cannot be set by a registrar")
            statuses.add(status)
        new_registrant_id = text(change, "domain:registrant", D)
        registrant = None
        if new_registrant_id and new_registrant_id != domain.registrant:
            registrant = self._contact_for_domain(session, new_registrant_id, "registrant")
        new_auth_code = text(change, "domain:authInfo/domain:pw", D)
        if policy == "sidn":
            self._check_sidn_contacts(registrant, contacts)
        if added_hosts:
            resolved = self._resolve_nameservers(
                session, nameservers + added_hosts, domain_name=domain.name
            )
        else:
            resolved = nameservers
        if policy == "denic" and resolved != domain.nameservers:
            self._check_dns(domain.name, resolved)
        domain.nameservers = resolved
        domain.contacts = contacts
        domain.client_statuses = statuses
        if registrant is not None:
            domain.registrant = registrant.id
        if new_auth_code:
            domain.auth_code = new_auth_code
        domain.updated = utc_now()
        return Reply(1000)

    def domain_delete(self, session: SessionState, command: ParsedCommand) -> Reply:
        domain = self._sponsored_domain(session, text(command.object_element, "domain:name", D))
        if domain.transfer_pending:
            raise CommandFailure(2304, f"{domain.name} has a pending transfer")
        if "clientDeleteProhibited" in domain.client_statuses:
            raise CommandFailure(2304, f"{domain.name} has status clientDeleteProhibited")
        subordinates = [host for host in self.state.hosts if host.endswith("." + domain.name)]
        for other in self.state.domains.values():
            if other is not domain and set(other.nameservers) & set(subordinates):
                raise CommandFailure(2305, f"{other.name} uses a name server inside {domain.name}")
        for host in subordinates:
            del self.state.hosts[host]
        del self.state.domains[domain.name]
        return Reply(1000)

    def domain_renew(self, session: SessionState, command: ParsedCommand) -> Reply:
        element = command.target
        name, tld = self._domain_name(text(element, "domain:name", D))
        if self.state.policy(tld) == "sidn":
            raise CommandFailure(2101, ".nl domain names renew automatically; there is no renew")
        domain = self._sponsored_domain(session, name)
        if domain.transfer_pending:
            raise CommandFailure(2304, f"{domain.name} has a pending transfer")
        if "clientRenewProhibited" in domain.client_statuses:
            raise CommandFailure(2304, f"{domain.name} has status clientRenewProhibited")
        current = text(element, "domain:curExpDate", D)
        if not current:
            raise CommandFailure(2003, "curExpDate missing")
        try:
            current_date = date.fromisoformat(current)
        except ValueError:
            raise CommandFailure(2005, f"curExpDate {current!r} is not a date") from None
        if current_date != domain.expires.date():
            raise CommandFailure(
                2004,
                f"curExpDate {current} does not match the expiry date "
                f"{domain.expires.date().isoformat()}",
            )
        years = self._period_years(element, tld)
        new_expiry = add_years(domain.expires, years)
        if new_expiry > add_years(utc_now(), MAX_YEARS):
            raise CommandFailure(2004, f"a domain cannot run more than {MAX_YEARS} years ahead")
        domain.expires = new_expiry
        domain.updated = utc_now()
        data, renewed = _result(namespaces.DOMAIN, "domain", "renData")
        sub(renewed, namespaces.DOMAIN, "name", domain.name)
        sub(renewed, namespaces.DOMAIN, "exDate", timestamp(domain.expires))
        return Reply(1000, result_data=data)

    def domain_transfer(self, session: SessionState, command: ParsedCommand) -> Reply:
        element = command.target
        operation = command.verb_element.get("op", "")
        domain = self._existing_domain(session, text(element, "domain:name", D))
        auth_code = text(element, "domain:authInfo/domain:pw", D)
        client_id = session.client_id or ""
        if operation == "request":
            if domain.sponsor == client_id:
                raise CommandFailure(2106, f"{domain.name} is sponsored by you already")
            if domain.transfer_pending:
                raise CommandFailure(2300, f"{domain.name} has a pending transfer")
            if {"clientTransferProhibited", "serverTransferProhibited"} & domain.client_statuses:
                raise CommandFailure(2304, f"{domain.name} is locked against transfers")
            if not auth_code or auth_code != domain.auth_code:
                raise CommandFailure(2202, "the auth code does not match")
            years = self._period_years(element, domain.tld)
            now = utc_now()
            domain.transfer = TransferRecord(
                status="pending",
                requesting_client_id=client_id,
                requested_at=now,
                acting_client_id=domain.sponsor,
                action_due_at=now + timedelta(seconds=self.state.transfer_approve_after_seconds),
                years=years,
                expires=add_years(domain.expires, years),
            )
            self.state.enqueue(
                domain.sponsor,
                "Transfer requested.",
                domain_name=domain.name,
                transfer=domain.transfer,
            )
            return Reply(1001, result_data=_transfer_result(domain))
        if operation == "query":
            if domain.transfer is None:
                raise CommandFailure(2301, f"{domain.name} has no transfer")
            involved = client_id in (
                domain.sponsor,
                domain.transfer.requesting_client_id,
                domain.transfer.acting_client_id,
            )
            if not involved:
                if not auth_code:
                    raise CommandFailure(2201, "only the registrars involved may ask")
                if auth_code != domain.auth_code:
                    raise CommandFailure(2202, "the auth code does not match")
            return Reply(1000, result_data=_transfer_result(domain))
        if operation in ("approve", "reject", "cancel"):
            if not domain.transfer_pending:
                raise CommandFailure(2301, f"{domain.name} has no pending transfer")
            transfer = domain.transfer
            assert transfer is not None
            if operation == "cancel":
                if client_id != transfer.requesting_client_id:
                    raise CommandFailure(2201, "only the requesting registrar may cancel")
                self.state.complete_transfer(domain, "clientCancelled")
            else:
                if client_id != transfer.acting_client_id:
                    raise CommandFailure(2201, "only the losing registrar may decide")
                status = "clientApproved" if operation == "approve" else "clientRejected"
                self.state.complete_transfer(domain, status)
            return Reply(1000, result_data=_transfer_result(domain))
        raise CommandFailure(2005, f"transfer op {operation!r}")

    # -- contacts ------------------------------------------------------------------------------

    def contact_check(self, session: SessionState, command: ParsedCommand) -> Reply:
        ids = texts(command.object_element, "contact:id", C)
        if not ids:
            raise CommandFailure(2003, "no contact:id")
        data, check = _result(namespaces.CONTACT, "contact", "chkData")
        for contact_id in ids:
            item = sub(check, namespaces.CONTACT, "cd")
            taken = contact_id in self.state.contacts
            sub(item, namespaces.CONTACT, "id", contact_id, avail="0" if taken else "1")
            if taken:
                sub(item, namespaces.CONTACT, "reason", "In use")
        return Reply(1000, result_data=data)

    def _contact_fields(self, parent: etree._Element, *, creating: bool) -> dict[str, object]:
        """Read and validate postal info, phone, e-mail and auth code (RFC 5733)."""
        fields: dict[str, object] = {}
        postal_infos = parent.findall("contact:postalInfo", C)
        if creating and not postal_infos:
            raise CommandFailure(2003, "postalInfo missing")
        if postal_infos:
            postal = next(
                (item for item in postal_infos if item.get("type") == "loc"), postal_infos[0]
            )
            for required in (
                "contact:name",
                "contact:addr/contact:city",
                "contact:addr/contact:cc",
            ):
                if not text(postal, required, C):
                    raise CommandFailure(2003, f"{required.rsplit(':', 1)[-1]} missing")
            country = text(postal, "contact:addr/contact:cc", C)
            if not COUNTRY.match(country):
                raise CommandFailure(2005, f"country code {country!r} must be two capitals")
            streets = texts(postal, "contact:addr/contact:street", C)
            if len(streets) > 3:
                raise CommandFailure(2004, "at most three street lines")
            fields.update(
                name=text(postal, "contact:name", C),
                organization=text(postal, "contact:org", C),
                street_lines=streets,
                city=text(postal, "contact:addr/contact:city", C),
                province=text(postal, "contact:addr/contact:sp", C),
                postcode=text(postal, "contact:addr/contact:pc", C),
                country_code=country,
                postal_type=postal.get("type", "int"),
            )
        for phone_field in ("voice", "fax"):
            element = parent.find(f"contact:{phone_field}", C)
            if element is not None:
                value = (element.text or "").strip()
                if value and not PHONE.match(value):
                    raise CommandFailure(
                        2005, f"{phone_field} {value!r} must look like +31.201234567"
                    )
                fields[phone_field] = value
        email = parent.find("contact:email", C)
        if email is not None:
            value = (email.text or "").strip()
            if not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value):
                raise CommandFailure(2005, f"e-mail address {value!r}")
            fields["email"] = value
        elif creating:
            raise CommandFailure(2003, "email missing")
        auth_code = text(parent, "contact:authInfo/contact:pw", C)
        if auth_code:
            fields["auth_code"] = auth_code
        elif creating:
            raise CommandFailure(2003, "authInfo missing")
        return fields

    def _sidn_contact_extension(
        self, command: ParsedCommand, action: str
    ) -> tuple[bool, str | None, str | None]:
        """(extension present, legal form, registration number) from sidn-ext-epp."""
        if command.extension is None:
            return False, None, None
        contact = command.extension.find(
            f"{{{namespaces.SIDN}}}ext/{{{namespaces.SIDN}}}{action}/{{{namespaces.SIDN}}}contact"
        )
        if contact is None:
            return False, None, None
        legal_form = text(contact, "s:legalForm", {"s": namespaces.SIDN}) or None
        number = text(contact, "s:legalFormRegNo", {"s": namespaces.SIDN}) or None
        if legal_form is None:
            raise sidn_failure(
                2308,
                "F0301",
                "legalForm",
                "The legal form is mandatory.",
                message=SIDN_VALIDATION_FAILED,
            )
        if legal_form not in SIDN_LEGAL_FORMS:
            raise sidn_failure(
                2308,
                "F0304",
                "legalForm",
                f"Unknown legal form {legal_form}; use one of {', '.join(SIDN_LEGAL_FORMS)}.",
                message=SIDN_VALIDATION_FAILED,
            )
        return True, legal_form, number

    def contact_create(self, session: SessionState, command: ParsedCommand) -> Reply:
        element = command.target
        contact_id = text(element, "contact:id", C)
        if not contact_id:
            raise CommandFailure(2003, "contact:id missing")
        if not CONTACT_ID.match(contact_id):
            raise CommandFailure(2005, f"contact id {contact_id!r} must be 3-16 letters/digits")
        if contact_id in self.state.contacts:
            raise CommandFailure(2302, f"contact {contact_id} exists already")
        fields = self._contact_fields(element, creating=True)
        present, legal_form, number = self._sidn_contact_extension(command, "create")
        if not present and self.state.strict_sidn_contacts:
            raise sidn_failure(
                2308,
                "F0301",
                "legalForm",
                "The legal form is mandatory.",
                message=SIDN_VALIDATION_FAILED,
            )
        contact = ContactRecord(
            id=contact_id,
            roid=self.state.new_roid("C"),
            sponsor=session.client_id or "",
            name=str(fields["name"]),
            organization=str(fields.get("organization", "")),
            street_lines=list(fields.get("street_lines", [])),  # type: ignore[call-overload]
            city=str(fields["city"]),
            province=str(fields.get("province", "")),
            postcode=str(fields.get("postcode", "")),
            country_code=str(fields["country_code"]),
            voice=str(fields.get("voice", "")),
            fax=str(fields.get("fax", "")),
            email=str(fields["email"]),
            auth_code=str(fields["auth_code"]),
            postal_type=str(fields.get("postal_type", "int")),
            created=utc_now(),
            legal_form=legal_form,
            legal_form_registration_number=number,
        )
        self.state.contacts[contact_id] = contact
        data, created = _result(namespaces.CONTACT, "contact", "creData")
        sub(created, namespaces.CONTACT, "id", contact_id)
        sub(created, namespaces.CONTACT, "crDate", timestamp(contact.created))
        return Reply(1000, result_data=data)

    def contact_info(self, session: SessionState, command: ParsedCommand) -> Reply:
        element = command.target
        contact_id = text(element, "contact:id", C)
        contact = self.state.contacts.get(contact_id)
        if contact is None:
            raise CommandFailure(2303, f"contact {contact_id} does not exist")
        is_sponsor = contact.sponsor == session.client_id
        data, info = _result(namespaces.CONTACT, "contact", "infData")
        sub(info, namespaces.CONTACT, "id", contact.id)
        sub(info, namespaces.CONTACT, "roid", contact.roid)
        linked = any(
            contact.id == domain.registrant or contact.id in {h for _k, h in domain.contacts}
            for domain in self.state.domains.values()
        )
        sub(info, namespaces.CONTACT, "status", s="linked" if linked else "ok")
        postal = sub(info, namespaces.CONTACT, "postalInfo", type=contact.postal_type)
        sub(postal, namespaces.CONTACT, "name", contact.name)
        if contact.organization:
            sub(postal, namespaces.CONTACT, "org", contact.organization)
        address = sub(postal, namespaces.CONTACT, "addr")
        for line in contact.street_lines:
            sub(address, namespaces.CONTACT, "street", line)
        sub(address, namespaces.CONTACT, "city", contact.city)
        if contact.province:
            sub(address, namespaces.CONTACT, "sp", contact.province)
        if contact.postcode:
            sub(address, namespaces.CONTACT, "pc", contact.postcode)
        sub(address, namespaces.CONTACT, "cc", contact.country_code)
        if contact.voice:
            sub(info, namespaces.CONTACT, "voice", contact.voice)
        if contact.fax:
            sub(info, namespaces.CONTACT, "fax", contact.fax)
        sub(info, namespaces.CONTACT, "email", contact.email)
        sub(info, namespaces.CONTACT, "clID", contact.sponsor)
        sub(info, namespaces.CONTACT, "crID", contact.sponsor)
        sub(info, namespaces.CONTACT, "crDate", timestamp(contact.created))
        if contact.updated:
            sub(info, namespaces.CONTACT, "upDate", timestamp(contact.updated))
        if is_sponsor:
            auth = sub(info, namespaces.CONTACT, "authInfo")
            sub(auth, namespaces.CONTACT, "pw", contact.auth_code)
        extension = None
        if contact.legal_form and session.sidn_uri:
            extension = etree.Element(q(namespaces.EPP, "extension"))
            ext = etree.SubElement(
                extension, q(namespaces.SIDN, "ext"), nsmap={"sidn-ext-epp": namespaces.SIDN}
            )
            sidn_contact = sub(sub(ext, namespaces.SIDN, "infData"), namespaces.SIDN, "contact")
            sub(sidn_contact, namespaces.SIDN, "legalForm", contact.legal_form)
            if contact.legal_form_registration_number:
                sub(
                    sidn_contact,
                    namespaces.SIDN,
                    "legalFormRegNo",
                    contact.legal_form_registration_number,
                )
            sub(sidn_contact, namespaces.SIDN, "limited", "false")
        return Reply(1000, result_data=data, extension=extension)

    def contact_update(self, session: SessionState, command: ParsedCommand) -> Reply:
        element = command.target
        contact_id = text(element, "contact:id", C)
        contact = self.state.contacts.get(contact_id)
        if contact is None:
            raise CommandFailure(2303, f"contact {contact_id} does not exist")
        if contact.sponsor != session.client_id:
            raise CommandFailure(2201, f"contact {contact_id} belongs to another registrar")
        change = element.find("contact:chg", C)
        present, legal_form, number = self._sidn_contact_extension(command, "update")
        if change is None and not present:
            raise CommandFailure(2003, "nothing to change")
        fields = self._contact_fields(change, creating=False) if change is not None else {}
        for key, value in fields.items():
            setattr(contact, key, value)
        if present:
            contact.legal_form = legal_form
            contact.legal_form_registration_number = number
        contact.updated = utc_now()
        return Reply(1000)

    # -- hosts ---------------------------------------------------------------------------------

    def host_check(self, session: SessionState, command: ParsedCommand) -> Reply:
        names = texts(command.object_element, "host:name", H)
        if not names:
            raise CommandFailure(2003, "no host:name")
        data, check = _result(namespaces.HOST, "host", "chkData")
        for raw in names:
            item = sub(check, namespaces.HOST, "cd")
            taken = normalise_name(raw) in self.state.hosts
            sub(item, namespaces.HOST, "name", raw.strip(), avail="0" if taken else "1")
            if taken:
                sub(item, namespaces.HOST, "reason", "In use")
        return Reply(1000, result_data=data)

    def host_create(self, session: SessionState, command: ParsedCommand) -> Reply:
        element = command.target
        name = normalise_name(text(element, "host:name", H))
        if not valid_host_name(name):
            raise CommandFailure(2005, f"{name!r} is not a valid host name")
        if name in self.state.hosts:
            raise CommandFailure(2302, f"host {name} exists already")
        addresses = []
        for item in element.findall("host:addr", H):
            value = (item.text or "").strip()
            try:
                address = ipaddress.ip_address(value)
            except ValueError:
                raise CommandFailure(2005, f"{value!r} is not an IP address") from None
            expected = "v6" if address.version == 6 else "v4"
            if item.get("ip", "v4") != expected:
                raise CommandFailure(2005, f"{value} is not an {item.get('ip', 'v4')} address")
            addresses.append(str(address))
        superordinate = self.state.superordinate_domain(name)
        if superordinate is not None:
            if superordinate.sponsor != session.client_id:
                raise CommandFailure(2201, f"{superordinate.name} belongs to another registrar")
            if not addresses:
                raise CommandFailure(
                    2003, f"{name} lies inside {superordinate.name}: give its addresses"
                )
        elif addresses:
            raise CommandFailure(2306, f"{name} is outside this registry: no addresses allowed")
        created = utc_now()
        self.state.hosts[name] = HostRecord(
            name=name,
            roid=self.state.new_roid("H"),
            sponsor=session.client_id or "",
            addresses=addresses,
            created=created,
        )
        data, result = _result(namespaces.HOST, "host", "creData")
        sub(result, namespaces.HOST, "name", name)
        sub(result, namespaces.HOST, "crDate", timestamp(created))
        return Reply(1000, result_data=data)


def _result(namespace: str, prefix: str, name: str) -> tuple[etree._Element, etree._Element]:
    data = etree.Element(q(namespaces.EPP, "resData"))
    inner = etree.SubElement(data, q(namespace, name), nsmap={prefix: namespace})
    return data, inner


def transfer_data(values: dict[str, object]) -> etree._Element:
    element = etree.Element(q(namespaces.DOMAIN, "trnData"), nsmap={"domain": namespaces.DOMAIN})
    sub(element, namespaces.DOMAIN, "name", str(values["name"]))
    sub(element, namespaces.DOMAIN, "trStatus", str(values["status"]))
    sub(element, namespaces.DOMAIN, "reID", str(values["requesting_client_id"]))
    sub(element, namespaces.DOMAIN, "reDate", timestamp(values["requested_at"]))  # type: ignore[arg-type]
    sub(element, namespaces.DOMAIN, "acID", str(values["acting_client_id"]))
    sub(element, namespaces.DOMAIN, "acDate", timestamp(values["action_due_at"]))  # type: ignore[arg-type]
    sub(element, namespaces.DOMAIN, "exDate", timestamp(values["expires"]))  # type: ignore[arg-type]
    return element


def _transfer_result(domain: DomainRecord) -> etree._Element:
    assert domain.transfer is not None
    data = etree.Element(q(namespaces.EPP, "resData"))
    data.append(transfer_data(transfer_values(domain.name, domain.transfer)))
    return data
