"""Global staff search: clients, domains, services, orders, invoices and mailboxes from what
staff type in the top bar.

Every condition is one an index answers at 100,000 clients: exact numbers, and prefixes of
lower-cased columns (`LIKE 'x%'` on a `text_pattern_ops` index on PostgreSQL, a range on the
expression index on SQLite, see core/search_indexes.py). Only on PostgreSQL is part of a company
or last name matched too, through trigram indexes. Nothing here does `LIKE '%x%'` without one.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field

import phonenumbers
from django.conf import settings
from django.db import connection
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Concat, Lower
from django.utils.translation import gettext_lazy as _

from hostwerk.billing.models import Invoice
from hostwerk.clients.models import Client
from hostwerk.core.domain_names import DomainNameError, parse_domain_name
from hostwerk.domains.models import Domain
from hostwerk.mail.models import Mailbox
from hostwerk.orders.models import Order
from hostwerk.provisioning.models import Service

KINDS = {
    "clients": _("Clients"),
    "domains": _("Domains"),
    "services": _("Services"),
    "orders": _("Orders"),
    "invoices": _("Invoices"),
    "mailboxes": _("Mailboxes"),
}
# Fewer characters than this find nothing (but a number always counts).
MIN_LENGTH = 2
# Contains-matching (PostgreSQL trigram indexes) from this many characters; shorter parts
# match too many rows to be useful.
MIN_CONTAINS_LENGTH = 3
# Dutch last names are sorted without these ("de Vries" under V): "vries" finds "de Vries".
NAME_PARTICLES = ("de", "van", "van de", "van der", "van den", "den", "der", "ter", "ten", "te")
INVOICE_NUMBER = re.compile(r"^c?\d{4}(-\d*)?$", re.IGNORECASE)
PHONE_CHARACTERS = re.compile(r"[\s().\-/]")


@dataclass(frozen=True)
class SearchTerms:
    """What the typed text can mean: words, a number, a domain name, a phone number prefix."""

    text: str
    lower: str
    number: int | None = None
    domain: str = ""
    phone: str = ""
    words: tuple[str, ...] = field(default_factory=tuple)


@dataclass
class SearchGroup:
    kind: str
    label: str
    results: list
    more: bool


def _phone_prefix(text: str) -> str:
    """'06 1234' -> '+3161234', '0031 20' -> '+3120', '+31 20' -> '+3120'; '' if not a phone."""
    compact = PHONE_CHARACTERS.sub("", text)
    if not re.fullmatch(r"\+?\d{4,}", compact):
        return ""
    if compact.startswith("+"):
        return compact
    if compact.startswith("00"):
        return "+" + compact[2:]
    if compact.startswith("0"):
        code = phonenumbers.country_code_for_region(settings.HOSTWERK_SELLER_COUNTRY) or 31
        return f"+{code}{compact[1:]}"
    return ""


def search_terms(query: str) -> SearchTerms | None:
    """The typed text as search terms, or None when it is too short to search for."""
    text = " ".join(query.split())[:100]
    number_text = text.lstrip("#")
    number = int(number_text) if number_text.isdigit() and len(number_text) < 10 else None
    if len(text) < MIN_LENGTH and number is None:
        return None
    lower = text.lower()
    domain = ""
    if " " not in text:
        candidate = lower.removeprefix("www.") if lower.count(".") > 1 else lower
        try:
            domain = parse_domain_name(candidate, min_labels=1).ascii
        except DomainNameError:
            domain = ""
    return SearchTerms(
        text=text,
        lower=lower,
        number=number,
        domain=domain,
        phone=_phone_prefix(text),
        words=tuple(lower.split(" ")),
    )


def _prefix(alias: str, prefix: str) -> Q:
    """`alias` (a lower-cased column) starts with `prefix`, in the form the index serves."""
    if connection.vendor == "postgresql":
        return Q(**{f"{alias}__startswith": prefix})
    # SQLite cannot use an expression index for LIKE; a range on the same expression it can.
    # Under its binary collation the range holds exactly the strings that start with `prefix`.
    following = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Q(**{f"{alias}__gte": prefix, f"{alias}__lt": following})


def _contains(alias: str, part: str) -> Q | None:
    if connection.vendor == "postgresql" and len(part) >= MIN_CONTAINS_LENGTH:
        return Q(**{f"{alias}__contains": part})
    return None


def client_matches(terms: SearchTerms) -> QuerySet[Client]:
    clients = Client.objects.alias(
        first=Lower("first_name"),
        last=Lower("last_name"),
        company_lower=Lower("company"),
        email_lower=Lower("email"),
        phone_lower=Lower("phone"),
    )
    text = terms.lower
    condition = (
        _prefix("last", text)
        | _prefix("first", text)
        | _prefix("company_lower", text)
        | _prefix("email_lower", text)
    )
    for particle in NAME_PARTICLES:
        condition |= _prefix("last", f"{particle} {text}")
    if len(terms.words) >= 2:
        # "Jan de Vries": the first word starts the first name, the rest the last name.
        condition |= _prefix("first", terms.words[0]) & _prefix("last", " ".join(terms.words[1:]))
    for alias in ("company_lower", "last"):
        contains = _contains(alias, text)
        if contains is not None:
            condition |= contains
    if terms.number is not None:
        condition |= Q(number=terms.number)
    if terms.phone:
        condition |= _prefix("phone_lower", terms.phone)
    # Sorted by an expression no index holds: otherwise a planner may walk the whole name index
    # in order, hoping to meet a few matches early, instead of looking the matches up.
    return clients.filter(condition).order_by(
        Concat("last", Value(" "), "first", output_field=CharField()), "id"
    )


def domain_matches(terms: SearchTerms) -> QuerySet[Domain]:
    if not terms.domain:
        return Domain.objects.none()
    return (
        Domain.objects.filter(_prefix("name", terms.domain))
        .select_related("client")
        .order_by("name")
    )


def service_matches(terms: SearchTerms) -> QuerySet[Service]:
    condition = _prefix("login", terms.lower)
    if terms.domain:
        condition |= _prefix("domain", terms.domain)
    return (
        Service.objects.alias(login=Lower("username"))
        .filter(condition)
        .select_related("client", "product")
        .order_by(Lower("domain"), "id")
    )


def order_matches(terms: SearchTerms) -> QuerySet[Order]:
    if terms.number is None:
        return Order.objects.none()
    return Order.objects.filter(number=terms.number).select_related("client")


def invoice_matches(terms: SearchTerms) -> QuerySet[Invoice]:
    # Numbers look like 2027-00012 and credit notes like C2027-000003; from the year on, the
    # start of a number finds the invoices it begins.
    if not INVOICE_NUMBER.match(terms.text):
        return Invoice.objects.none()
    return Invoice.objects.filter(_prefix("number", terms.text.upper())).order_by(
        "-year", "-sequence"
    )


def mailbox_matches(terms: SearchTerms) -> QuerySet[Mailbox]:
    address = terms.lower
    local, at, domain = address.partition("@")
    if at and domain:
        with contextlib.suppress(DomainNameError):
            address = f"{local}@{parse_domain_name(domain, min_labels=1).ascii}"
    if " " in address:
        return Mailbox.objects.none()
    return (
        Mailbox.objects.filter(_prefix("address", address))
        .select_related("service__client")
        .order_by("address")
    )


MATCHERS = {
    "clients": client_matches,
    "domains": domain_matches,
    "services": service_matches,
    "orders": order_matches,
    "invoices": invoice_matches,
    "mailboxes": mailbox_matches,
}


def search_kind(*, terms: SearchTerms, kind: str) -> QuerySet:
    """Every match of one kind, for the full results page of that kind."""
    return MATCHERS[kind](terms)


def search_everything(*, terms: SearchTerms, per_kind: int = 5) -> list[SearchGroup]:
    """The first few matches of each kind that has any; at most one query per kind."""
    groups = []
    for kind, matcher in MATCHERS.items():
        found = list(matcher(terms)[: per_kind + 1])  # none() costs no query
        if found:
            groups.append(
                SearchGroup(
                    kind=kind,
                    label=str(KINDS[kind]),
                    results=found[:per_kind],
                    more=len(found) > per_kind,
                )
            )
    return groups
