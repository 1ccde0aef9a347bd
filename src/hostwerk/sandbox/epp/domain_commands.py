"""The simulated registry's domain commands: check, create, info, update, delete, renew, transfer.

Policies: "generic" (com, eu) follows RFC 5730-5733; "sidn" (nl) adds SIDN's rules (legal form
of contacts, 1-year period, no renew command, one admin and 1-10 tech contacts, validation
errors as 2308 with details in SIDN's extension); "denic" (de) refuses a create or name-server
change unless the name servers answer authoritatively for the zone (dns_check.py).

The checks they share (names, periods, contacts of a domain, name servers) come first.
"""

from __future__ import annotations

from datetime import date, timedelta

from lxml import etree

from hostwerk.integrations.epp import namespaces
from hostwerk.sandbox.epp import dns_check
from hostwerk.sandbox.epp.command_base import (
    SIDN_VALIDATION_FAILED,
    D,
    ParsedCommand,
    SessionState,
    response_data,
    sidn_failure,
    text,
    texts,
)
from hostwerk.sandbox.epp.protocol import Reply, q, sub
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

CLIENT_STATUSES = {
    "clientHold",
    "clientTransferProhibited",
    "clientUpdateProhibited",
    "clientDeleteProhibited",
    "clientRenewProhibited",
}
MAX_YEARS = 10


class DomainCommands:
    """Domain commands of CommandProcessor."""

    state: RegistryState

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
        data, check = response_data(namespaces.DOMAIN, "domain", "chkData")
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
        data, created = response_data(namespaces.DOMAIN, "domain", "creData")
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
        data, info = response_data(namespaces.DOMAIN, "domain", "infData")
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
        data, renewed = response_data(namespaces.DOMAIN, "domain", "renData")
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
            return Reply(1001, result_data=transfer_response_data(domain))
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
            return Reply(1000, result_data=transfer_response_data(domain))
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
            return Reply(1000, result_data=transfer_response_data(domain))
        raise CommandFailure(2005, f"transfer op {operation!r}")


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


def transfer_response_data(domain: DomainRecord) -> etree._Element:
    assert domain.transfer is not None
    data = etree.Element(q(namespaces.EPP, "resData"))
    data.append(transfer_data(transfer_values(domain.name, domain.transfer)))
    return data
