"""Domain name input: normalise what people type (case, spaces, trailing dot, IDN) to one A-label form."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass

import idna
from django.utils.translation import gettext as _

_LDH_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_DOTS = re.compile("[.\u3002\uff0e\uff61]")  # "." and the full stops UTS 46 maps onto it


class DomainNameError(ValueError):
    """The text is not a usable domain name; the message says what is wrong."""


@dataclass(frozen=True)
class DomainName:
    ascii: str  # A-label form, lower case, no trailing dot: "xn--bcher-kva.nl"
    unicode: str  # U-label form for display: "bücher.nl"

    @property
    def tld(self) -> str:
        return self.ascii.rsplit(".", 1)[-1]

    @property
    def labels(self) -> list[str]:
        return self.ascii.split(".")

    def __str__(self) -> str:
        return self.ascii


def parse_domain_name(text: str, *, min_labels: int = 2) -> DomainName:
    """Return the normalised name or raise DomainNameError with a message for the person typing.

    Upper case, surrounding spaces and one trailing dot are accepted; anything else is taken as
    typed (no "www." stripping). IDN input, Unicode or A-labels, is checked per IDNA 2008 with
    UTS 46 mapping.
    """
    name = (text or "").strip()
    if name.endswith("."):
        name = name[:-1]
    if not name:
        raise DomainNameError(_("Enter a domain name, for example example.nl."))
    if any(char.isspace() for char in name):
        raise DomainNameError(_("A domain name cannot contain spaces."))
    if "://" in name or "/" in name or "@" in name:
        raise DomainNameError(_("Enter only the domain name, without http://, a path or an @."))
    _check_labels_as_typed(name)
    try:
        ascii_name = idna.encode(name, uts46=True).decode("ascii")
    except idna.IDNAError:
        # The IDNA library's reason is English and technical ("Codepoint U+0640 …").
        raise DomainNameError(
            _(
                "“%(name)s” is not a valid domain name: it combines characters in a way domain "
                "names do not allow."
            )
            % {"name": text.strip()}
        ) from None
    ascii_name = ascii_name.lower()
    labels = ascii_name.split(".")
    if len(labels) < min_labels:
        raise DomainNameError(
            _("Enter the full domain name including its extension, like example.nl.")
        )
    for label in labels:
        if not _LDH_LABEL.match(label):
            raise DomainNameError(_label_rule_message(label))
    if len(ascii_name) > 253:
        raise DomainNameError(_("A domain name can be at most 253 characters long."))
    if labels[-1].isdigit():
        raise DomainNameError(_("The extension of a domain name cannot be a number."))
    try:
        unicode_name = idna.decode(ascii_name)
    except idna.IDNAError:
        unicode_name = ascii_name
    return DomainName(ascii=ascii_name, unicode=unicode_name)


def _label_rule_message(label: str) -> str:
    return _(
        "The part “%(label)s” may only hold letters, digits and hyphens, "
        "not start or end with a hyphen, and be at most 63 characters."
    ) % {"label": label}


def _check_labels_as_typed(name: str) -> None:
    """What people mistype most, said in their words before the IDNA rules are applied; letters
    of other scripts and the dots UTS 46 maps to "." are left to those rules."""
    for label in _DOTS.split(name):
        if not label:
            raise DomainNameError(
                _("A domain name cannot hold two dots in a row or start with a dot.")
            )
        if label.startswith("-") or label.endswith("-"):
            raise DomainNameError(_label_rule_message(label))
        for char in label:
            if char.isascii() and not (char.isalnum() or char == "-"):
                raise DomainNameError(
                    _(
                        "“%(char)s” cannot be part of a domain name: use letters, digits and "
                        "hyphens."
                    )
                    % {"char": char}
                )


def name_to_unicode(name: str) -> str:
    """Display form of an A-label name, label by label (underscore labels stay as they are)."""
    labels = []
    for label in name.split("."):
        if label.startswith("xn--"):
            with contextlib.suppress(idna.IDNAError):
                label = idna.decode(label)
        labels.append(label)
    return ".".join(labels)
