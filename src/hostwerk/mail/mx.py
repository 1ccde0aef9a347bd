"""The mail filter's MX set: "spamx:10,spamx-fallback:20" plus "spamx:192.0.2.53,..." read and checked.

A host name without a dot lives in the client's own zone (spamx.<domain>) and needs an address
record there; a name with a dot (mx.spamexperts.com) is the provider's and needs nothing.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

# The template's mail host (R6): where mail goes without filtering, and where the filter delivers.
MAIL_HOST = "mn-mx1"
MAIL_HOST_PRIORITY = 10
SMTP_PORT = 25

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class MxSetInvalid(ValueError):
    """The MX set or its addresses cannot be used; the message says what to write instead."""


@dataclass(frozen=True)
class FilterHost:
    name: str  # "spamx" (in the client's zone) or "mx.provider.net" (absolute, no trailing dot)
    priority: int
    address: str | None  # for a name in the zone: the address its A (or AAAA) record gets

    @property
    def in_zone(self) -> bool:
        return "." not in self.name

    @property
    def address_type(self) -> str:
        return "AAAA" if self.address and ":" in self.address else "A"

    def target(self, domain: str) -> str:
        """The MX target, absolute with a trailing dot."""
        return f"{self.name}.{domain}." if self.in_zone else f"{self.name}."

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "priority": self.priority, "address": self.address}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FilterHost:
        return cls(name=data["name"], priority=int(data["priority"]), address=data.get("address"))


def _host_name(text: str) -> str:
    name = text.strip().rstrip(".").lower()
    if not name or not all(_LABEL.match(label) for label in name.split(".")):
        raise MxSetInvalid(_("“%(name)s” is not a host name.") % {"name": text.strip()})
    return name


def _pairs(text: str, what: str) -> list[tuple[str, str]]:
    pairs = []
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, separator, value = part.strip().rpartition(":")
        if not separator or not name.strip() or not value.strip():
            raise MxSetInvalid(
                _("Write each %(what)s as name:value, separated by commas; “%(part)s” is not.")
                % {"what": what, "part": part.strip()}
            )
        pairs.append((name.strip(), value.strip()))
    return pairs


def parse_mx_hosts(text: str) -> list[tuple[str, int]]:
    """ "spamx:10,spamx-fallback:20" -> [("spamx", 10), ("spamx-fallback", 20)]."""
    hosts = []
    for name, priority in _pairs(text, _("MX host")):
        if not priority.isdigit() or int(priority) > 65535:
            raise MxSetInvalid(
                _("The priority of %(name)s must be a number from 0 to 65535.") % {"name": name}
            )
        hosts.append((_host_name(name), int(priority)))
    if not hosts:
        raise MxSetInvalid(_("Give at least one MX host, e.g. spamx:10,spamx-fallback:20."))
    if len({name for name, _priority in hosts}) != len(hosts):
        raise MxSetInvalid(_("Each MX host may appear only once."))
    return hosts


def parse_addresses(text: str) -> dict[str, str]:
    """ "spamx:192.0.2.53,spamx-fallback:192.0.2.54" -> {"spamx": "192.0.2.53", ...}.

    IPv6 addresses contain colons themselves; the name is what comes before the first colon.
    """
    addresses: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, separator, value = part.strip().partition(":")
        if not separator or not name.strip() or not value.strip():
            raise MxSetInvalid(
                _("Write each address as name:IP address, separated by commas; “%(part)s” is not.")
                % {"part": part.strip()}
            )
        try:
            address = str(ipaddress.ip_address(value.strip()))
        except ValueError:
            raise MxSetInvalid(
                _("“%(value)s” (for %(name)s) is not an IP address.")
                % {"value": value.strip(), "name": name.strip()}
            ) from None
        addresses[_host_name(name)] = address
    return addresses


def filter_hosts(*, mx_hosts: str, addresses: str) -> list[FilterHost]:
    """The checked MX set; every name in the client's zone must have an address."""
    known = parse_addresses(addresses)
    hosts = []
    for name, priority in parse_mx_hosts(mx_hosts):
        in_zone = "." not in name
        if in_zone and name not in known:
            raise MxSetInvalid(
                _(
                    "%(name)s lives in the client's zone, so it needs an address: add "
                    "%(name)s:<IP address> to the addresses."
                )
                % {"name": name}
            )
        if in_zone and name == MAIL_HOST:
            raise MxSetInvalid(
                _("%(name)s is the mail server's own name; the filter needs other names.")
                % {"name": name}
            )
        hosts.append(
            FilterHost(name=name, priority=priority, address=known.get(name) if in_zone else None)
        )
    return hosts


def mail_host_target(domain: str) -> str:
    return f"{MAIL_HOST}.{domain}."
