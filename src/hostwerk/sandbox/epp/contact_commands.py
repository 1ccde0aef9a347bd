"""The simulated registry's contact commands: check, create, info, update (SIDN's legal form)."""

from __future__ import annotations

import re

from lxml import etree

from hostwerk.integrations.epp import namespaces
from hostwerk.sandbox.epp.command_base import (
    SIDN_VALIDATION_FAILED,
    C,
    ParsedCommand,
    SessionState,
    response_data,
    sidn_failure,
    text,
    texts,
)
from hostwerk.sandbox.epp.protocol import Reply, q, sub
from hostwerk.sandbox.epp.state import (
    CommandFailure,
    ContactRecord,
    RegistryState,
    timestamp,
    utc_now,
)

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
PHONE = re.compile(r"^\+[0-9]{1,3}\.[0-9]{1,14}$")
CONTACT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,15}$")
COUNTRY = re.compile(r"^[A-Z]{2}$")


class ContactCommands:
    """Contact commands of CommandProcessor."""

    state: RegistryState

    def contact_check(self, session: SessionState, command: ParsedCommand) -> Reply:
        ids = texts(command.object_element, "contact:id", C)
        if not ids:
            raise CommandFailure(2003, "no contact:id")
        data, check = response_data(namespaces.CONTACT, "contact", "chkData")
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
        data, created = response_data(namespaces.CONTACT, "contact", "creData")
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
        data, info = response_data(namespaces.CONTACT, "contact", "infData")
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
