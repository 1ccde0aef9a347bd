"""EPP client (RFC 5730-5734): typed commands on domains, contacts, hosts and poll, and typed errors.

The session they run in (connect, login, exchanges and their records) is `session.py`."""

from __future__ import annotations

import ipaddress
import logging
import secrets
from collections.abc import Iterable, Sequence
from datetime import date

from lxml import etree

from hostwerk.integrations.epp import namespaces
from hostwerk.integrations.epp.data import (
    Availability,
    CommandResult,
    ContactInfo,
    ContactSpec,
    DomainContact,
    DomainCreateResult,
    DomainInfo,
    PollMessage,
    Response,
    TransferStatus,
)
from hostwerk.integrations.epp.errors import EppProtocolError
from hostwerk.integrations.epp.messages import (
    add,
    extension_element,
    new_command,
    object_element,
    parse_timestamp,
    qualified,
    text_of,
)
from hostwerk.integrations.epp.session import EppSession

logger = logging.getLogger(__name__)

_DOMAIN = {"domain": namespaces.DOMAIN}
_CONTACT = {"contact": namespaces.CONTACT}
_HOST = {"host": namespaces.HOST}


def _ip_version(address: str) -> str:
    return "v6" if ipaddress.ip_address(address).version == 6 else "v4"


def _contacts_pairs(contacts: Iterable[DomainContact | tuple[str, str]]) -> list[DomainContact]:
    return [item if isinstance(item, DomainContact) else DomainContact(*item) for item in contacts]


class EppClient(EppSession):
    """A registrar's session with one EPP registry, and the commands it sends.

    The connection opens on the first command. When the registry dropped it, the next command
    connects and logs in again. A command whose response was lost raises EppConnectionLost and
    is not resent, except queries (check, info, transfer query, poll request), which are resent
    once on a fresh connection because repeating them changes nothing. A command that could not
    be sent in full is sent once more on a fresh connection: the registry never saw it.

    One client is one session: calls are serialised with a lock, so a client can be shared
    between threads, but parallel work needs several clients.
    """

    # -- domains -----------------------------------------------------------------------------

    def domain_check(self, names: Iterable[str]) -> list[Availability]:
        names = list(names)
        command, verb = new_command("check")
        check = object_element(verb, namespaces.DOMAIN, "domain", "check")
        for name in names:
            add(check, namespaces.DOMAIN, "name", name)
        response = self._command("domain:check", ",".join(names), command, idempotent=True)
        return _availabilities(response, namespaces.DOMAIN, "domain", "name")

    def domain_create(
        self,
        *,
        name: str,
        years: int,
        registrant: str,
        admin_contacts: Sequence[str],
        tech_contacts: Sequence[str],
        billing_contacts: Sequence[str] = (),
        nameservers: Sequence[str] = (),
        auth_code: str,
    ) -> DomainCreateResult:
        command, verb = new_command("create")
        create = object_element(verb, namespaces.DOMAIN, "domain", "create")
        add(create, namespaces.DOMAIN, "name", name)
        add(create, namespaces.DOMAIN, "period", str(years), unit="y")
        if nameservers:
            ns = add(create, namespaces.DOMAIN, "ns")
            for host in nameservers:
                add(ns, namespaces.DOMAIN, "hostObj", host)
        add(create, namespaces.DOMAIN, "registrant", registrant)
        for contact_type, handles in (
            ("admin", admin_contacts),
            ("tech", tech_contacts),
            ("billing", billing_contacts),
        ):
            for handle in handles:
                add(create, namespaces.DOMAIN, "contact", handle, type=contact_type)
        auth = add(create, namespaces.DOMAIN, "authInfo")
        add(auth, namespaces.DOMAIN, "pw", auth_code)
        response = self._command("domain:create", name, command)
        data = _result_data(response, namespaces.DOMAIN, "creData")
        return DomainCreateResult(
            name=text_of(data, "domain:name", _DOMAIN) or name,
            created=parse_timestamp(text_of(data, "domain:crDate", _DOMAIN)),
            expires=parse_timestamp(text_of(data, "domain:exDate", _DOMAIN)),
            pending=response.code == 1001,
            client_transaction_id=response.client_transaction_id,
            server_transaction_id=response.server_transaction_id,
        )

    def domain_info(self, *, name: str, auth_code: str | None = None) -> DomainInfo:
        command, verb = new_command("info")
        info = object_element(verb, namespaces.DOMAIN, "domain", "info")
        add(info, namespaces.DOMAIN, "name", name, hosts="all")
        if auth_code:
            auth = add(info, namespaces.DOMAIN, "authInfo")
            add(auth, namespaces.DOMAIN, "pw", auth_code)
        response = self._command("domain:info", name, command, idempotent=True)
        data = _result_data(response, namespaces.DOMAIN, "infData")
        contacts: dict[str, list[str]] = {}
        for contact in data.findall("domain:contact", _DOMAIN):
            contacts.setdefault(contact.get("type", ""), []).append((contact.text or "").strip())
        nameservers = [
            (item.text or "").strip() for item in data.findall("domain:ns/domain:hostObj", _DOMAIN)
        ]
        nameservers += [
            (item.text or "").strip()
            for item in data.findall("domain:ns/domain:hostAttr/domain:hostName", _DOMAIN)
        ]
        auth_element = data.find("domain:authInfo/domain:pw", _DOMAIN)
        return DomainInfo(
            name=text_of(data, "domain:name", _DOMAIN) or name,
            roid=text_of(data, "domain:roid", _DOMAIN),
            statuses=tuple(item.get("s", "") for item in data.findall("domain:status", _DOMAIN)),
            registrant=text_of(data, "domain:registrant", _DOMAIN),
            contacts=contacts,
            nameservers=tuple(nameservers),
            hosts=tuple((item.text or "").strip() for item in data.findall("domain:host", _DOMAIN)),
            sponsoring_client_id=text_of(data, "domain:clID", _DOMAIN),
            created=parse_timestamp(text_of(data, "domain:crDate", _DOMAIN)),
            updated=parse_timestamp(text_of(data, "domain:upDate", _DOMAIN)),
            expires=parse_timestamp(text_of(data, "domain:exDate", _DOMAIN)),
            transferred=parse_timestamp(text_of(data, "domain:trDate", _DOMAIN)),
            auth_code=(auth_element.text or "") if auth_element is not None else None,
            client_transaction_id=response.client_transaction_id,
            server_transaction_id=response.server_transaction_id,
        )

    def domain_renew(self, *, name: str, current_expiry: date, years: int) -> date:
        """Renew for `years`; returns the new expiry date. `current_expiry` guards against a
        double renewal: the registry refuses (2004) when it no longer matches."""
        command, verb = new_command("renew")
        renew = object_element(verb, namespaces.DOMAIN, "domain", "renew")
        add(renew, namespaces.DOMAIN, "name", name)
        add(renew, namespaces.DOMAIN, "curExpDate", current_expiry.isoformat())
        add(renew, namespaces.DOMAIN, "period", str(years), unit="y")
        response = self._command("domain:renew", name, command)
        data = _result_data(response, namespaces.DOMAIN, "renData", required=False)
        expires = parse_timestamp(text_of(data, "domain:exDate", _DOMAIN))
        if expires is None:
            # 1001 without renData: the registry renews later; this is the expected outcome.
            return current_expiry.replace(year=current_expiry.year + years)
        return expires.date()

    def domain_transfer_request(
        self, *, name: str, auth_code: str, years: int | None = None
    ) -> TransferStatus:
        command, verb = new_command("transfer", op="request")
        transfer = object_element(verb, namespaces.DOMAIN, "domain", "transfer")
        add(transfer, namespaces.DOMAIN, "name", name)
        if years is not None:
            add(transfer, namespaces.DOMAIN, "period", str(years), unit="y")
        auth = add(transfer, namespaces.DOMAIN, "authInfo")
        add(auth, namespaces.DOMAIN, "pw", auth_code)
        response = self._command("domain:transfer", name, command)
        return _transfer_status(response, name)

    def domain_transfer_query(self, *, name: str, auth_code: str | None = None) -> TransferStatus:
        command, verb = new_command("transfer", op="query")
        transfer = object_element(verb, namespaces.DOMAIN, "domain", "transfer")
        add(transfer, namespaces.DOMAIN, "name", name)
        if auth_code:
            auth = add(transfer, namespaces.DOMAIN, "authInfo")
            add(auth, namespaces.DOMAIN, "pw", auth_code)
        response = self._command("domain:transfer", name, command, idempotent=True)
        return _transfer_status(response, name)

    def domain_update(
        self,
        *,
        name: str,
        add_nameservers: Sequence[str] = (),
        remove_nameservers: Sequence[str] = (),
        add_contacts: Iterable[DomainContact | tuple[str, str]] = (),
        remove_contacts: Iterable[DomainContact | tuple[str, str]] = (),
        new_registrant: str | None = None,
        new_auth_code: str | None = None,
    ) -> CommandResult:
        added_contacts = _contacts_pairs(add_contacts)
        removed_contacts = _contacts_pairs(remove_contacts)
        if not (
            add_nameservers
            or remove_nameservers
            or added_contacts
            or removed_contacts
            or new_registrant
            or new_auth_code
        ):
            raise ValueError("domain_update needs at least one change")
        command, verb = new_command("update")
        update = object_element(verb, namespaces.DOMAIN, "domain", "update")
        add(update, namespaces.DOMAIN, "name", name)
        for section, hosts, contacts in (
            ("add", add_nameservers, added_contacts),
            ("rem", remove_nameservers, removed_contacts),
        ):
            if not hosts and not contacts:
                continue
            part = add(update, namespaces.DOMAIN, section)
            if hosts:
                ns = add(part, namespaces.DOMAIN, "ns")
                for host in hosts:
                    add(ns, namespaces.DOMAIN, "hostObj", host)
            for contact in contacts:
                add(part, namespaces.DOMAIN, "contact", contact.id, type=contact.type)
        if new_registrant or new_auth_code:
            change = add(update, namespaces.DOMAIN, "chg")
            if new_registrant:
                add(change, namespaces.DOMAIN, "registrant", new_registrant)
            if new_auth_code:
                auth = add(change, namespaces.DOMAIN, "authInfo")
                add(auth, namespaces.DOMAIN, "pw", new_auth_code)
        return self._result(self._command("domain:update", name, command))

    def domain_delete(self, *, name: str) -> CommandResult:
        command, verb = new_command("delete")
        delete = object_element(verb, namespaces.DOMAIN, "domain", "delete")
        add(delete, namespaces.DOMAIN, "name", name)
        return self._result(self._command("domain:delete", name, command))

    # -- contacts ----------------------------------------------------------------------------

    def contact_check(self, ids: Iterable[str]) -> list[Availability]:
        ids = list(ids)
        command, verb = new_command("check")
        check = object_element(verb, namespaces.CONTACT, "contact", "check")
        for contact_id in ids:
            add(check, namespaces.CONTACT, "id", contact_id)
        response = self._command("contact:check", ",".join(ids), command, idempotent=True)
        return _availabilities(response, namespaces.CONTACT, "contact", "id")

    def contact_create(self, spec: ContactSpec) -> str:
        """Create the contact; returns the handle the registry confirmed (use that one: some
        registries, SIDN among them, assign their own)."""
        with self._lock:
            # The postal info type and the SIDN extension depend on the greeting.
            self._ensure_session()
            command, verb = new_command("create")
            create = object_element(verb, namespaces.CONTACT, "contact", "create")
            add(create, namespaces.CONTACT, "id", spec.id)
            self._add_contact_fields(create, spec, creating=True)
            self._add_sidn_contact_extension(command, spec, "create")
            response = self._command("contact:create", spec.id, command)
        data = _result_data(response, namespaces.CONTACT, "creData", required=False)
        return text_of(data, "contact:id", _CONTACT) or spec.id

    def contact_update(self, *, id: str, spec: ContactSpec) -> CommandResult:
        """Replace the contact's postal info, phone, e-mail (and auth code and legal form when
        given) with those of `spec`."""
        with self._lock:
            self._ensure_session()
            command, verb = new_command("update")
            update = object_element(verb, namespaces.CONTACT, "contact", "update")
            add(update, namespaces.CONTACT, "id", id)
            change = add(update, namespaces.CONTACT, "chg")
            self._add_contact_fields(change, spec, creating=False)
            self._add_sidn_contact_extension(command, spec, "update")
            return self._result(self._command("contact:update", id, command))

    def contact_info(self, *, id: str, auth_code: str | None = None) -> ContactInfo:
        command, verb = new_command("info")
        info = object_element(verb, namespaces.CONTACT, "contact", "info")
        add(info, namespaces.CONTACT, "id", id)
        if auth_code:
            auth = add(info, namespaces.CONTACT, "authInfo")
            add(auth, namespaces.CONTACT, "pw", auth_code)
        response = self._command("contact:info", id, command, idempotent=True)
        data = _result_data(response, namespaces.CONTACT, "infData")
        postal = data.find("contact:postalInfo[@type='loc']", _CONTACT)
        if postal is None:
            postal = data.find("contact:postalInfo", _CONTACT)
        auth_element = data.find("contact:authInfo/contact:pw", _CONTACT)
        legal_form, registration_number = _sidn_legal_form(response.extension)
        return ContactInfo(
            id=text_of(data, "contact:id", _CONTACT) or id,
            roid=text_of(data, "contact:roid", _CONTACT),
            statuses=tuple(item.get("s", "") for item in data.findall("contact:status", _CONTACT)),
            name=text_of(postal, "contact:name", _CONTACT),
            organization=text_of(postal, "contact:org", _CONTACT),
            street_lines=tuple(
                (item.text or "").strip()
                for item in (
                    postal.findall("contact:addr/contact:street", _CONTACT)
                    if postal is not None
                    else []
                )
            ),
            city=text_of(postal, "contact:addr/contact:city", _CONTACT),
            province=text_of(postal, "contact:addr/contact:sp", _CONTACT),
            postcode=text_of(postal, "contact:addr/contact:pc", _CONTACT),
            country_code=text_of(postal, "contact:addr/contact:cc", _CONTACT),
            voice=text_of(data, "contact:voice", _CONTACT),
            fax=text_of(data, "contact:fax", _CONTACT),
            email=text_of(data, "contact:email", _CONTACT),
            sponsoring_client_id=text_of(data, "contact:clID", _CONTACT),
            created=parse_timestamp(text_of(data, "contact:crDate", _CONTACT)),
            updated=parse_timestamp(text_of(data, "contact:upDate", _CONTACT)),
            auth_code=(auth_element.text or "") if auth_element is not None else None,
            legal_form=legal_form,
            legal_form_registration_number=registration_number,
            client_transaction_id=response.client_transaction_id,
            server_transaction_id=response.server_transaction_id,
        )

    def _add_contact_fields(
        self, parent: etree._Element, spec: ContactSpec, *, creating: bool
    ) -> None:
        texts = [spec.name, spec.organization, spec.city, spec.province, *spec.street_lines]
        # SIDN takes only "loc" postal info; "int" must be plain ASCII (RFC 5733 2.3).
        use_local = self._sidn_uri is not None or not all(text.isascii() for text in texts)
        postal = add(parent, namespaces.CONTACT, "postalInfo", type="loc" if use_local else "int")
        add(postal, namespaces.CONTACT, "name", spec.name)
        if spec.organization:
            add(postal, namespaces.CONTACT, "org", spec.organization)
        address = add(postal, namespaces.CONTACT, "addr")
        for line in spec.street_lines[:3]:
            add(address, namespaces.CONTACT, "street", line)
        add(address, namespaces.CONTACT, "city", spec.city)
        if spec.province:
            add(address, namespaces.CONTACT, "sp", spec.province)
        if spec.postcode:
            add(address, namespaces.CONTACT, "pc", spec.postcode)
        add(address, namespaces.CONTACT, "cc", spec.country_code.upper())
        if spec.voice:
            add(parent, namespaces.CONTACT, "voice", spec.voice)
        if spec.fax:
            add(parent, namespaces.CONTACT, "fax", spec.fax)
        add(parent, namespaces.CONTACT, "email", spec.email)
        auth_code = spec.auth_code or (secrets.token_urlsafe(12) if creating else "")
        if auth_code:
            auth = add(parent, namespaces.CONTACT, "authInfo")
            add(auth, namespaces.CONTACT, "pw", auth_code)

    def _add_sidn_contact_extension(
        self, command: etree._Element, spec: ContactSpec, action: str
    ) -> None:
        if not spec.legal_form:
            return
        if self._sidn_uri is None:
            logger.debug("registry has no SIDN extension; legal form of %s not sent", spec.id)
            return
        extension = extension_element(command)
        ext = etree.SubElement(
            extension,
            qualified(self._sidn_uri, "ext"),
            nsmap={"sidn-ext-epp": self._sidn_uri},
        )
        contact = add(add(ext, self._sidn_uri, action), self._sidn_uri, "contact")
        add(contact, self._sidn_uri, "legalForm", spec.legal_form)
        if spec.legal_form_registration_number:
            add(contact, self._sidn_uri, "legalFormRegNo", spec.legal_form_registration_number)

    # -- hosts -------------------------------------------------------------------------------

    def host_check(self, names: Iterable[str]) -> list[Availability]:
        names = list(names)
        command, verb = new_command("check")
        check = object_element(verb, namespaces.HOST, "host", "check")
        for name in names:
            add(check, namespaces.HOST, "name", name)
        response = self._command("host:check", ",".join(names), command, idempotent=True)
        return _availabilities(response, namespaces.HOST, "host", "name")

    def host_create(self, *, name: str, addresses: Sequence[str] = ()) -> CommandResult:
        """Create a host object; `addresses` (glue) only for hosts inside a domain of this
        registry."""
        command, verb = new_command("create")
        create = object_element(verb, namespaces.HOST, "host", "create")
        add(create, namespaces.HOST, "name", name)
        for address in addresses:
            add(create, namespaces.HOST, "addr", address, ip=_ip_version(address))
        return self._result(self._command("host:create", name, command))

    # -- poll --------------------------------------------------------------------------------

    def poll_request(self) -> PollMessage | None:
        """The oldest queued message, or None when the queue is empty. It stays queued until
        `poll_ack`."""
        command, _verb = new_command("poll", op="req")
        response = self._command("poll", "", command, idempotent=True)
        if response.code == 1300 or response.queue_message_id is None:
            return None
        transfer = None
        object_name = ""
        data_xml = ""
        data = response.result_data
        if data is not None:
            data_xml = etree.tostring(data, encoding="unicode")
            transfer_data = data.find("domain:trnData", _DOMAIN)
            if transfer_data is not None:
                transfer = _transfer_from_data(transfer_data, "", response)
                object_name = transfer.name
            else:
                named = data.find(".//domain:name", _DOMAIN)
                if named is not None:
                    object_name = (named.text or "").strip()
        return PollMessage(
            id=response.queue_message_id,
            count=response.queue_count or 0,
            queued_at=response.queue_date,
            text=response.queue_text,
            object_name=object_name,
            transfer=transfer,
            data_xml=data_xml,
            client_transaction_id=response.client_transaction_id,
            server_transaction_id=response.server_transaction_id,
        )

    def poll_ack(self, *, message_id: str) -> CommandResult:
        command, _verb = new_command("poll", op="ack", msgID=str(message_id))
        return self._result(self._command("poll", str(message_id), command))


def _result_data(
    response: Response, namespace: str, name: str, *, required: bool = True
) -> etree._Element:
    data = response.result_data
    found = data.find(qualified(namespace, name)) if data is not None else None
    if found is None:
        if required:
            raise EppProtocolError(
                f"response {response.code} has no {name}",
                client_transaction_id=response.client_transaction_id,
            )
        return etree.Element(qualified(namespace, name))
    return found


def _availabilities(
    response: Response, namespace: str, prefix: str, key: str
) -> list[Availability]:
    data = _result_data(response, namespace, "chkData")
    ns = {prefix: namespace}
    results = []
    for item in data.findall(f"{prefix}:cd", ns):
        name_element = item.find(f"{prefix}:{key}", ns)
        if name_element is None:
            continue
        results.append(
            Availability(
                name=(name_element.text or "").strip(),
                available=name_element.get("avail", "0") in ("1", "true"),
                reason=text_of(item, f"{prefix}:reason", ns),
            )
        )
    return results


def _transfer_from_data(data: etree._Element, name: str, response: Response) -> TransferStatus:
    return TransferStatus(
        name=text_of(data, "domain:name", _DOMAIN) or name,
        status=text_of(data, "domain:trStatus", _DOMAIN),
        requesting_client_id=text_of(data, "domain:reID", _DOMAIN),
        requested_at=parse_timestamp(text_of(data, "domain:reDate", _DOMAIN)),
        acting_client_id=text_of(data, "domain:acID", _DOMAIN),
        action_due_at=parse_timestamp(text_of(data, "domain:acDate", _DOMAIN)),
        expires=parse_timestamp(text_of(data, "domain:exDate", _DOMAIN)),
        code=response.code,
        client_transaction_id=response.client_transaction_id,
        server_transaction_id=response.server_transaction_id,
    )


def _transfer_status(response: Response, name: str) -> TransferStatus:
    return _transfer_from_data(_result_data(response, namespaces.DOMAIN, "trnData"), name, response)


def _sidn_legal_form(extension: etree._Element | None) -> tuple[str | None, str | None]:
    if extension is None:
        return None, None
    for uri in namespaces.SIDN_ALTERNATIVES:
        form = extension.find(f".//{{{uri}}}legalForm")
        if form is not None:
            number = extension.find(f".//{{{uri}}}legalFormRegNo")
            return (form.text or "").strip(), (
                (number.text or "").strip() if number is not None else None
            )
    return None, None
