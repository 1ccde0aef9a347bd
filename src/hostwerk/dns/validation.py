"""Checking DNS records as people type them, for the forms, the API and the actions alike.

Each check returns the stored form (names as A-labels, targets absolute with a trailing dot, TXT
quoted in 255-byte strings) or raises RecordInvalid with a message per field that says what to fix.
"""

from __future__ import annotations

import ipaddress
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import dns.exception
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.TXT
import idna
from django.conf import settings
from django.utils.translation import gettext as _

from hostwerk.core.domain_names import parse_domain_name
from hostwerk.dns.models import TYPES_WITH_PRIORITY, RecordType

MIN_TTL = 60  # one minute: lower only adds load on resolvers
MAX_TTL = 604800  # one week, the most resolvers keep anyway
MAX_PRIORITY = 65535
MAX_TXT_BYTES = 4000  # many TXT strings fit; a record this size already needs TCP
TXT_STRING_BYTES = 255  # one character-string in DNS (RFC 1035)
CAA_TAGS = ("issue", "issuewild", "iodef", "issuemail", "issuevmc", "contactemail", "contactphone")
TEMPLATE_VARIABLES = ("domain", "web_ip", "mail_ip")

_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# Record names may also hold underscores (_dmarc, _sip._tcp, selector._domainkey).
_RECORD_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")


class RecordInvalid(ValueError):
    """The record cannot be stored; `errors` maps each field to what the person must fix."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


class _FieldError(ValueError):
    pass


class RecordLike(Protocol):
    name: str
    type: str
    content: str
    priority: int | None


@dataclass(frozen=True)
class RecordValues:
    """A checked record: what the actions store."""

    name: str  # relative A-label, "@" for the apex
    type: str
    ttl: int
    content: str
    priority: int | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "ttl": self.ttl,
            "content": self.content,
            "priority": self.priority,
        }


def zone_name_clean(text: str) -> str:
    """A zone name as typed (IDN, upper case, trailing dot) in A-label form, or DomainNameError."""
    return parse_domain_name(text).ascii


def _label_to_ascii(label: str, *, record_name: bool, position: int) -> str:
    if label == "":
        raise _FieldError(_("A name cannot hold two dots in a row or start with a dot."))
    if label == "*":
        if record_name and position == 0:
            return label
        raise _FieldError(_("A * (wildcard) is only allowed as the first part of a name."))
    if label.isascii():
        ascii_label = label.lower()
    else:
        try:
            ascii_label = idna.encode(label, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            raise _FieldError(
                _("“%(label)s” is not a valid international name part (%(reason)s).")
                % {"label": label, "reason": exc}
            ) from None
    pattern = _RECORD_LABEL if record_name else _HOST_LABEL
    if not pattern.match(ascii_label):
        if record_name:
            message = _(
                "The part “%(label)s” may only hold letters, digits, hyphens and underscores, "
                "not start or end with a hyphen, and be at most 63 characters."
            )
        else:
            message = _(
                "The part “%(label)s” of a host name may only hold letters, digits and hyphens, "
                "not start or end with a hyphen, and be at most 63 characters."
            )
        raise _FieldError(message % {"label": label})
    if ascii_label.startswith("xn--"):
        try:
            idna.decode(ascii_label)
        except idna.IDNAError:
            raise _FieldError(
                _("“%(label)s” is not a valid international name part.") % {"label": label}
            ) from None
    return ascii_label


def _split_absolute(text: str) -> tuple[str, bool]:
    text = text.strip()
    if any(character.isspace() for character in text):
        raise _FieldError(_("A name cannot contain spaces."))
    if text.endswith(".."):
        raise _FieldError(_("A name cannot end with two dots."))
    if text.endswith("."):
        return text[:-1], True
    return text, False


def relative_name(zone_name: str, text: str) -> str:
    """The record name inside `zone_name`: "www", "_sip._tcp", "*" or "@" for the apex.

    Accepted: "@" or nothing for the zone itself, a name relative to the zone ("www"), or the
    full name with or without trailing dot ("www.example.nl", "www.example.nl."). A full name
    with a trailing dot outside the zone is refused.
    """
    text = (text or "").strip()
    if text in ("", "@"):
        return "@"
    name, absolute = _split_absolute(text)
    labels = [
        _label_to_ascii(label, record_name=True, position=index)
        for index, label in enumerate(name.split("."))
    ]
    ascii_name = ".".join(labels)
    if ascii_name == zone_name:
        return "@"
    if ascii_name.endswith("." + zone_name):
        relative = ascii_name[: -len(zone_name) - 1]
    elif absolute:
        raise _FieldError(
            _(
                "%(name)s is outside the zone %(zone)s: use a name relative to the zone "
                "(like www) or one ending in .%(zone)s."
            )
            % {"name": text, "zone": zone_name}
        )
    else:
        relative = ascii_name
    if "*" in relative.split(".")[1:]:
        raise _FieldError(_("A * (wildcard) is only allowed as the first part of a name."))
    if len(relative) + 1 + len(zone_name) > 253:
        raise _FieldError(_("The full name can be at most 253 characters long."))
    return relative


def absolute_name(zone_name: str, relative: str) -> str:
    """ "www" -> "www.example.nl.", "@" -> "example.nl."."""
    return f"{zone_name}." if relative == "@" else f"{relative}.{zone_name}."


def target_name(
    zone_name: str, text: str, *, allow_underscore: bool = False, allow_root: bool = False
) -> str:
    """A host name a record points to, absolute with trailing dot.

    "@" is the zone itself; one word ("mail") is a name inside the zone; anything with a dot is
    taken as the full name, with or without the trailing dot ("mail.provider.nl").
    """
    text = (text or "").strip()
    if text == "":
        raise _FieldError(_("Enter a host name, for example mail.example.nl."))
    if text == "@":
        return f"{zone_name}."
    if text == ".":
        if allow_root:
            return "."
        raise _FieldError(_("Enter a host name, for example mail.example.nl."))
    name, _absolute = _split_absolute(text)
    # Positions from 1: a wildcard is never a valid target.
    labels = [
        _label_to_ascii(label, record_name=allow_underscore, position=index + 1)
        for index, label in enumerate(name.split("."))
    ]
    ascii_name = ".".join(labels)
    if len(labels) == 1:
        ascii_name = f"{ascii_name}.{zone_name}"
    if len(ascii_name) > 253:
        raise _FieldError(_("A host name can be at most 253 characters long."))
    return ascii_name + "."


def _ttl(value: object) -> int:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return int(settings.HOSTWERK_DNS_DEFAULT_TTL)
    try:
        ttl = int(str(value).strip())
    except ValueError:
        raise _FieldError(_("Enter the TTL as a number of seconds, e.g. 3600.")) from None
    if not MIN_TTL <= ttl <= MAX_TTL:
        raise _FieldError(
            _("Enter a TTL between %(min)s and %(max)s seconds (one minute to one week).")
            % {"min": MIN_TTL, "max": MAX_TTL}
        )
    return ttl


def _number(value: object, *, what: str, lowest: int = 0, highest: int = MAX_PRIORITY) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise _FieldError(
            _("Enter the %(what)s as a whole number from %(low)s to %(high)s.")
            % {"what": what, "low": lowest, "high": highest}
        ) from None
    if not lowest <= number <= highest:
        raise _FieldError(
            _("Enter the %(what)s as a whole number from %(low)s to %(high)s.")
            % {"what": what, "low": lowest, "high": highest}
        )
    return number


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _txt(text: str) -> str:
    text = text.strip()
    if text == "":
        raise _FieldError(_("Enter the text of the record."))
    if text.startswith('"'):
        try:
            rdata: Any = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.TXT, text)
        except (dns.exception.DNSException, ValueError):
            raise _FieldError(
                _(
                    'Quoted text must be closed with a quote; write \\" for a quote inside it, '
                    "or leave out the outer quotes and Hostwerk adds them."
                )
            ) from None
        if sum(len(part) for part in rdata.strings) > MAX_TXT_BYTES:
            raise _FieldError(
                _("A text record can be at most %(max)s characters long.") % {"max": MAX_TXT_BYTES}
            )
        return rdata.to_text()
    if len(text.encode("utf-8")) > MAX_TXT_BYTES:
        raise _FieldError(
            _("A text record can be at most %(max)s characters long.") % {"max": MAX_TXT_BYTES}
        )
    # DNS holds text as strings of at most 255 bytes; split without cutting a character.
    chunks: list[bytes] = []
    current = b""
    for character in text:
        encoded = character.encode("utf-8")
        if len(current) + len(encoded) > TXT_STRING_BYTES:
            chunks.append(current)
            current = b""
        current += encoded
    chunks.append(current)
    return dns.rdtypes.ANY.TXT.TXT(dns.rdataclass.IN, dns.rdatatype.TXT, chunks).to_text()


def _caa(text: str) -> str:
    text = text.strip()
    if text and not text[0].isdigit():
        text = "0 " + text  # flags are nearly always 0; people leave them out
    try:
        rdata: Any = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.CAA, text)
    except (dns.exception.DNSException, ValueError):
        raise _FieldError(
            _(
                'Write a CAA record as flags, tag and value, e.g. 0 issue "letsencrypt.org" '
                "(flags 0 to 255; tag issue, issuewild or iodef)."
            )
        ) from None
    tag = rdata.tag.decode("ascii", "replace").lower()
    if tag not in CAA_TAGS:
        raise _FieldError(
            _("Unknown CAA tag “%(tag)s”: use issue, issuewild or iodef.") % {"tag": tag}
        )
    return rdata.to_text()


def _address(text: str, version: int) -> str:
    text = text.strip()
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        address = None
    if address is None or address.version != version:
        if version == 4:
            message = _("Enter an IPv4 address such as 192.0.2.10.")
            if address is not None:
                message += " " + _("For an IPv6 address use an AAAA record.")
        else:
            message = _("Enter an IPv6 address such as 2001:db8::10.")
            if address is not None:
                message += " " + _("For an IPv4 address use an A record.")
        raise _FieldError(message)
    return address.compressed


def record_clean(
    *,
    zone_name: str,
    name: str,
    type: str,
    content: str,
    ttl: object = None,
    priority: object = None,
) -> RecordValues:
    """Check one record of `zone_name` (A-label, no trailing dot) and return its stored form."""
    errors: dict[str, str] = {}
    record_type = (type or "").strip().upper()
    if record_type not in RecordType.values:
        errors["type"] = _("Choose one of the types %(types)s.") % {
            "types": ", ".join(RecordType.values)
        }
    relative = "@"
    try:
        relative = relative_name(zone_name, name)
    except _FieldError as exc:
        errors["name"] = str(exc)
    try:
        clean_ttl = _ttl(ttl)
    except _FieldError as exc:
        errors["ttl"] = str(exc)
        clean_ttl = 0
    content = content if isinstance(content, str) else ("" if content is None else str(content))
    clean_priority: int | None = None
    clean_content = content.strip()
    if "type" in errors:
        raise RecordInvalid(errors)

    if record_type in TYPES_WITH_PRIORITY and _empty(priority):
        priority, clean_content = _leading_priority(record_type, clean_content)
    if record_type in TYPES_WITH_PRIORITY:
        if _empty(priority):
            errors["priority"] = _("Enter a priority from 0 to 65535 (lower is tried first).")
        else:
            try:
                clean_priority = _number(priority, what=_("priority"))
            except _FieldError as exc:
                errors["priority"] = str(exc)

    try:
        clean_content = _content(zone_name, relative, record_type, clean_content)
    except _FieldError as exc:
        errors["content"] = str(exc)

    if "name" not in errors:
        name_error = _name_rule(relative, record_type)
        if name_error:
            errors["name"] = name_error
    if errors:
        raise RecordInvalid(errors)
    return RecordValues(
        name=relative,
        type=record_type,
        ttl=clean_ttl,
        content=clean_content,
        priority=clean_priority,
    )


def _leading_priority(record_type: str, content: str) -> tuple[str | None, str]:
    """ "10 mail.example.nl" typed as the content of an MX: the first number is the priority."""
    parts = content.split()
    wanted = 2 if record_type == RecordType.MX else 4
    if len(parts) == wanted and parts[0].isdigit():
        return parts[0], " ".join(parts[1:])
    return None, content


def _content(zone_name: str, relative: str, record_type: str, content: str) -> str:
    if record_type == RecordType.A:
        return _address(content, 4)
    if record_type == RecordType.AAAA:
        return _address(content, 6)
    if record_type == RecordType.CNAME:
        target = target_name(zone_name, content, allow_underscore=True)
        if target == absolute_name(zone_name, relative):
            raise _FieldError(_("A CNAME cannot point to its own name."))
        return target
    if record_type == RecordType.MX:
        # "." is the null MX of RFC 7505: this domain receives no mail.
        return target_name(zone_name, content, allow_root=True)
    if record_type == RecordType.NS:
        return target_name(zone_name, content)
    if record_type == RecordType.TXT:
        return _txt(content)
    if record_type == RecordType.CAA:
        return _caa(content)
    if record_type == RecordType.SRV:
        parts = content.split()
        if len(parts) != 3:
            raise _FieldError(
                _(
                    "Enter weight, port and target, e.g. 5 5060 sip.example.nl. (the priority goes in its own field)."
                )
            )
        weight = _number(parts[0], what=_("weight"))
        port = _number(parts[1], what=_("port"))
        target = target_name(zone_name, parts[2], allow_root=True)
        return f"{weight} {port} {target}"
    raise AssertionError(record_type)  # pragma: no cover - type was checked before


def _name_rule(relative: str, record_type: str) -> str:
    if relative == "@" and record_type == RecordType.CNAME:
        return _(
            "The zone itself (@) cannot be a CNAME: it needs its SOA, NS and MX records. "
            "Use an A record here, or put the CNAME on a name like www."
        )
    if relative == "@" and record_type == RecordType.NS:
        return _(
            "The zone's own name servers come from Hostwerk's settings; NS records here are "
            "only for delegating a sub-zone, like shop."
        )
    if record_type == RecordType.SRV:
        labels = relative.split(".")
        if len(labels) < 2 or not (labels[0].startswith("_") and labels[1].startswith("_")):
            return _("An SRV name starts with _service._protocol, e.g. _sip._tcp.")
    return ""


def record_check_zone(*, values: RecordValues, others: Iterable[RecordLike]) -> None:
    """Rules between records: a CNAME is alone at its name, and no record appears twice.

    `others` are the zone's other records (without the one being edited).
    """
    same_name = [other for other in others if other.name == values.name]
    if values.type == RecordType.CNAME and same_name:
        types = sorted({other.type for other in same_name})
        raise RecordInvalid(
            {
                "name": _(
                    "%(name)s already has other records (%(types)s); a CNAME must be the only "
                    "record of its name. Delete those first, or choose another name."
                )
                % {"name": values.name, "types": ", ".join(types)}
            }
        )
    if values.type != RecordType.CNAME and any(
        other.type == RecordType.CNAME for other in same_name
    ):
        raise RecordInvalid(
            {
                "name": _(
                    "%(name)s is a CNAME (an alias), which cannot have other records. Delete the "
                    "CNAME first, or choose another name."
                )
                % {"name": values.name}
            }
        )
    for other in same_name:
        if (
            other.type == values.type
            and other.content == values.content
            and (other.priority if values.type in TYPES_WITH_PRIORITY else None) == values.priority
        ):
            raise RecordInvalid({"content": _("This record is already in the zone.")})


# Templates.

SAMPLE_VALUES = {"domain": "example.nl", "web_ip": "192.0.2.10", "mail_ip": "192.0.2.11"}


def template_variables(text: str) -> list[str]:
    """The {variables} used in `text`; ValueError for a stray brace."""
    return [
        field
        for _literal, field, _spec, _conv in string.Formatter().parse(text)
        if field is not None
    ]


def template_fill(text: str, values: dict[str, str]) -> str:
    return text.format(**values)


def template_record_clean(
    *, name: str, type: str, content: str, ttl: object = None, priority: object = None
) -> RecordValues:
    """Check a template record: its content may use {domain}, {web_ip} and {mail_ip}.

    The record is checked with sample values filled in; content with variables is kept as typed.
    """
    content = (content or "").strip()
    record_type = (type or "").strip().upper()
    try:
        variables = template_variables(content)
    except ValueError:
        raise RecordInvalid(
            {"content": _("A { must be closed with }; use {domain}, {web_ip} or {mail_ip}.")}
        ) from None
    unknown = [variable for variable in variables if variable not in TEMPLATE_VARIABLES]
    if unknown:
        raise RecordInvalid(
            {
                "content": _("Unknown variable {%(name)s}: use {domain}, {web_ip} or {mail_ip}.")
                % {"name": unknown[0]}
            }
        )
    if record_type in TYPES_WITH_PRIORITY and _empty(priority):
        priority, content = _leading_priority(record_type, content)
    checked = record_clean(
        zone_name=SAMPLE_VALUES["domain"],
        name=name,
        type=record_type,
        content=template_fill(content, SAMPLE_VALUES),
        ttl=ttl,
        priority=priority,
    )
    return RecordValues(
        name=checked.name,
        type=checked.type,
        ttl=checked.ttl,
        content=content if variables else checked.content,
        priority=checked.priority,
    )
