"""R5: check the owner's contact data against what the TLD's registry needs, before any call.

Every missing or unusable field is reported at once, with a link to the client's profile, so
staff fix them in one go instead of learning about them one registry refusal at a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hostwerk.catalog.models import Tld
from hostwerk.clients.models import Client
from hostwerk.core.errors import HostwerkError
from hostwerk.core.validators import normalize_phone, phone_for_registrar
from hostwerk.domains.registrars.base import ContactData
from hostwerk.domains.tld_rules import LEGAL_FORMS_WITH_REGISTRATION_NUMBER, tld_rule

# RFC 5733's phone form as registries check it (DENIC's pattern: 4 to 14 digits after the dot).
EPP_PHONE = re.compile(r"^\+[0-9]{1,3}\.[0-9]{4,14}$")
# Countries without postcodes, where registries accept an address without one.
COUNTRIES_WITHOUT_POSTCODES = frozenset({"AE", "AG", "BS", "BZ", "HK", "QA"})


@dataclass(frozen=True)
class MissingField:
    field: str  # the client's field, for the link to its input (#id_<field>)
    label: str  # how the message names it


class PreflightFailed(HostwerkError):
    """The owner's contact data is not good enough for the registry; `link` leads to the form."""

    def __init__(self, message: str, *, link: str, missing: list[MissingField]) -> None:
        super().__init__(message, code="contact_incomplete")
        self.link = link
        self.missing = missing


def _registry_phone(client: Client) -> str:
    """The phone in +CC.NNNN form, or "" when it cannot be made into one."""
    try:
        e164 = normalize_phone(client.phone, country=client.country.code or None)
        phone = phone_for_registrar(e164)
    except (ValidationError, ValueError):
        return ""
    return phone if EPP_PHONE.match(phone) else ""


def contact_problems(*, client: Client, tld: Tld) -> list[MissingField]:
    """What the registry of `tld` would refuse in the owner's contact data; empty when fine."""
    missing: list[MissingField] = []
    if not client.phone.strip():
        missing.append(MissingField("phone", _("phone number")))
    elif not _registry_phone(client):
        missing.append(
            MissingField(
                "phone",
                _("phone number with country code (now “%(phone)s”)") % {"phone": client.phone},
            )
        )
    if not client.address1.strip():
        missing.append(MissingField("address1", _("address")))
    country = client.country.code if client.country else ""
    if not client.postcode.strip() and country not in COUNTRIES_WITHOUT_POSTCODES:
        missing.append(MissingField("postcode", _("postcode")))
    if not client.city.strip():
        missing.append(MissingField("city", _("city")))
    if not country:
        missing.append(MissingField("country", _("country")))
    try:
        validate_email(client.email)
    except ValidationError:
        missing.append(MissingField("email", _("e-mail address")))
    if tld_rule(tld.name).needs_legal_form:
        legal_form = client.legal_form_for_registry
        if not legal_form:
            # Only a business gets here: a client without a company is a natural person.
            missing.append(
                MissingField(
                    "legal_form",
                    _("legal form (the owner is a business, %(company)s)")
                    % {"company": client.company},
                )
            )
        elif (
            legal_form in LEGAL_FORMS_WITH_REGISTRATION_NUMBER
            and not client.registration_number.strip()
        ):
            missing.append(MissingField("registration_number", _("chamber of commerce number")))
    return missing


def _listed(labels: list[str]) -> str:
    if len(labels) == 1:
        return labels[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def client_profile_link(client: Client, field: str = "") -> str:
    link = reverse("staff:client_edit", args=[client.pk])
    return f"{link}#id_{field}" if field else link


def contact_data(client: Client) -> ContactData:
    """The owner contact as registries take it (call after the preflight passed)."""
    return ContactData(
        name=client.full_name or client.display_name,
        organization=client.company,
        email=client.email.strip().lower(),
        street_lines=tuple(
            line.strip() for line in (client.address1, client.address2) if line.strip()
        ),
        city=client.city.strip(),
        postcode=client.postcode.strip(),
        province=client.state.strip(),
        country_code=client.country.code,
        voice=_registry_phone(client),
        legal_form=client.legal_form_for_registry,
        registration_number=client.registration_number.strip() if client.legal_form else "",
    )


def contact_preflight(*, client: Client, tld: Tld) -> ContactData:
    """The owner contact for a registration under `tld`, or PreflightFailed listing every gap."""
    missing = contact_problems(client=client, tld=tld)
    if missing:
        message = ngettext(
            "The registrar needs the owner's %(fields)s: add it on the client's profile.",
            "The registrar needs the owner's %(fields)s: add them on the client's profile.",
            len(missing),
        ) % {"fields": _listed([item.label for item in missing])}
        raise PreflightFailed(
            message, link=client_profile_link(client, missing[0].field), missing=missing
        )
    return contact_data(client)
