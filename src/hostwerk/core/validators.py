"""Contact-data validators shared by clients and the registrar preflight: phone, VAT, postcode."""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumValidationError

# VAT prefixes that differ from the ISO country code.
_VAT_PREFIX = {"GR": "EL"}
EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)


def normalize_phone(value: str, *, country: str | None) -> str:
    """Return the number in E.164 (+31612345678), reading national numbers in `country`."""
    text = (value or "").strip()
    if not text:
        return ""
    # The EPP form +31.612345678 is accepted as typed by people copying from a registrar.
    text = re.sub(r"^\+(\d{1,3})\.", r"+\1", text)
    try:
        number = phonenumbers.parse(text, (country or "NL").upper())
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("Enter a phone number like +31 20 123 4567 or 020 123 4567."), code="phone"
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("%(number)s is not a valid phone number; check the digits and the country code.")
            % {"number": text},
            code="phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_for_display(e164: str) -> str:
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_for_registrar(e164: str) -> str:
    """The EPP form +CC.NNNN (RFC 5733), from a stored E.164 number."""
    if not e164:
        return ""
    number = phonenumbers.parse(e164, None)
    return f"+{number.country_code}.{phonenumbers.national_significant_number(number)}"


def normalize_vat_number(value: str, *, country: str | None) -> str:
    """Return the VAT number compact with its country prefix (NL123456789B01), or refuse it."""
    text = re.sub(r"[\s.\-]", "", (value or "").upper())
    if not text:
        return ""
    country = (country or "").upper()
    prefix = _VAT_PREFIX.get(country, country)
    if country in EU_COUNTRIES and not text.startswith(prefix):
        if text[:2].isalpha():
            raise ValidationError(
                _("This VAT number is from another country than the address (%(prefix)s).")
                % {"prefix": prefix},
                code="vat_country",
            )
        text = prefix + text
    if text[:2].isalpha() and (text[:2] in EU_COUNTRIES or text[:2] == "EL"):
        try:
            return eu_vat.validate(text)
        except StdnumValidationError:
            raise ValidationError(
                _("%(number)s is not a valid VAT number; check the digits.") % {"number": text},
                code="vat",
            ) from None
    if country in EU_COUNTRIES:
        raise ValidationError(_("Enter the VAT number with its country code."), code="vat")
    # Outside the EU we keep what was given; it is only printed on invoices.
    return text


_POSTCODE_PATTERNS = {
    "NL": (re.compile(r"^(\d{4})\s*([A-Z]{2})$"), r"\1 \2", "1234 AB"),
    "BE": (re.compile(r"^(\d{4})$"), r"\1", "1000"),
    "DE": (re.compile(r"^(\d{5})$"), r"\1", "10115"),
}


def normalize_postcode(value: str, *, country: str | None) -> str:
    text = " ".join((value or "").upper().split())
    if not text:
        return ""
    rule = _POSTCODE_PATTERNS.get((country or "").upper())
    if rule is None:
        return text
    pattern, replacement, example = rule
    if not pattern.match(text):
        raise ValidationError(
            _("Enter the postcode like %(example)s.") % {"example": example}, code="postcode"
        )
    return pattern.sub(replacement, text)
