"""The domain checker of the order screens: typed names looked up in every TLD on sale at once.

"bakkerij" is checked as bakkerij.nl, bakkerij.com ... ; "bakkerij.nl" puts .nl first and
suggests the same name in the other TLDs on sale. All names go to the registrars in one batch
(see availability), so the page waits for each registry once, at most for its timeout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from hostwerk.catalog.models import DomainAction, Tld
from hostwerk.catalog.pricing import tld_periods
from hostwerk.catalog.queries import tlds_for_sale
from hostwerk.core.domain_names import DomainName, DomainNameError, parse_domain_name
from hostwerk.domains.availability import AvailabilityAnswer, domains_availability
from hostwerk.domains.models import Domain, DomainStatus

# At most this many names per search; each is looked up in every TLD on sale.
MAX_TERMS = 5
_SEPARATORS = re.compile(r"[\s,;]+")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
# What registries answer for a name someone holds (anything else is a reason it cannot be had).
_TAKEN_REASONS = ("", "in use", "registered", "taken")


class CheckState:
    FREE = "free"  # can be registered
    TAKEN = "taken"  # someone holds it: a transfer is possible
    UNAVAILABLE = "unavailable"  # reserved, invalid or not served: neither register nor transfer
    UNKNOWN = "unknown"  # the registry could not be asked; ordering is still possible
    WITH_US = "with_us"  # a client of ours holds it here: nothing to register or transfer


@dataclass(frozen=True)
class PeriodPrice:
    years: int
    price: Decimal


@dataclass(frozen=True)
class CheckedName:
    name: DomainName
    tld: Tld
    state: str
    reason: str  # the registry's reason, or why it could not be asked
    register_periods: tuple[PeriodPrice, ...]
    transfer: PeriodPrice | None
    typed: bool  # exactly what was typed; False for a suggestion in another TLD on sale
    holder_client_id: int | None = None  # the client holding it here (WITH_US)

    @property
    def first_years(self) -> int:
        """The period the years field starts at: the TLD's first allowed one."""
        return self.register_periods[0].years if self.register_periods else self.tld.min_years

    @property
    def first_price(self) -> Decimal | None:
        return self.register_periods[0].price if self.register_periods else None

    @property
    def can_register(self) -> bool:
        return self.state in (CheckState.FREE, CheckState.UNKNOWN) and bool(self.register_periods)

    @property
    def can_transfer(self) -> bool:
        return self.state == CheckState.TAKEN and self.transfer is not None


@dataclass
class CheckResult:
    query: str
    names: list[CheckedName] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # terms that could not be used, and why

    @property
    def unknown(self) -> bool:
        return any(item.state == CheckState.UNKNOWN for item in self.names)

    def find(self, ascii_name: str) -> CheckedName | None:
        return next((item for item in self.names if item.name.ascii == ascii_name), None)


def _terms(text: str) -> list[str]:
    """The names typed, cleaned of what people paste along (http://, a path, "www.")."""
    terms: list[str] = []
    for raw in _SEPARATORS.split(text.strip()):
        term = _SCHEME.sub("", raw).split("/", 1)[0].strip().rstrip(".")
        if term.lower().startswith("www.") and term.count(".") >= 2:
            term = term[4:]
        if term and term not in terms:
            terms.append(term)
    return terms


def _prices(tld: Tld) -> tuple[tuple[PeriodPrice, ...], PeriodPrice | None]:
    prices = {(price.action, price.years): price.amount for price in tld.prices.all()}
    register = tuple(
        PeriodPrice(years, prices[(DomainAction.REGISTER, years)])
        for years in tld_periods(tld, DomainAction.REGISTER)
        if (DomainAction.REGISTER, years) in prices
    )
    transfer_years = tld_periods(tld, DomainAction.TRANSFER)[0]
    amount = prices.get((DomainAction.TRANSFER, transfer_years))
    transfer = PeriodPrice(transfer_years, amount) if amount is not None else None
    return register, transfer


def _state(answer: AvailabilityAnswer) -> str:
    if not answer.known:
        return CheckState.UNKNOWN
    if answer.available:
        return CheckState.FREE
    if answer.reason.strip().lower() in _TAKEN_REASONS:
        return CheckState.TAKEN
    return CheckState.UNAVAILABLE


def domain_check(*, text: str, tlds: list[Tld] | None = None) -> CheckResult:
    """Look up what was typed in every TLD on sale; what cannot be used is in `problems`."""
    result = CheckResult(query=text.strip())
    for_sale = list(tlds if tlds is not None else tlds_for_sale().select_related("registrar"))
    if not for_sale:
        result.problems.append(_("No domain extensions are for sale at the moment."))
        return result
    by_name = {tld.name: tld for tld in for_sale}
    terms = _terms(text)
    if len(terms) > MAX_TERMS:
        result.problems.append(
            _("Only the first %(count)s names are checked; check the others next.")
            % {"count": MAX_TERMS}
        )
        terms = terms[:MAX_TERMS]

    wanted: list[tuple[DomainName, Tld, bool]] = []
    seen: set[str] = set()
    for term in terms:
        try:
            typed = parse_domain_name(term, min_labels=1)
        except DomainNameError as error:
            result.problems.append(f"{term}: {error}")
            continue
        labels = typed.labels
        if len(labels) > 2:
            result.problems.append(
                _("%(name)s: enter the domain itself (example.nl), not a subdomain.")
                % {"name": typed.unicode}
            )
            continue
        typed_tld = labels[1] if len(labels) == 2 else ""
        if typed_tld and typed_tld not in by_name:
            result.problems.append(
                _("We do not sell .%(tld)s domains; here is %(label)s in the extensions we sell.")
                % {"tld": typed_tld, "label": typed.unicode.split(".")[0]}
            )
        ordered = sorted(for_sale, key=lambda tld: (tld.name != typed_tld, for_sale.index(tld)))
        for tld in ordered:
            try:
                name = parse_domain_name(f"{labels[0]}.{tld.name}")
            except DomainNameError as error:
                if tld.name == typed_tld:
                    result.problems.append(f"{term}: {error}")
                continue
            if name.ascii not in seen:
                seen.add(name.ascii)
                wanted.append((name, tld, not typed_tld or tld.name == typed_tld))

    answers = domains_availability(names=[(name, tld) for name, tld, _typed in wanted])
    held = held_here([name.ascii for name, _tld, _typed in wanted])
    prices = {tld.name: _prices(tld) for tld in for_sale}
    for name, tld, typed_here in wanted:
        answer = answers[name.ascii]
        register, transfer = prices[tld.name]
        holder = held.get(name.ascii)
        result.names.append(
            CheckedName(
                name=name,
                tld=tld,
                state=CheckState.WITH_US if holder is not None else _state(answer),
                reason=answer.reason,
                register_periods=register,
                transfer=transfer,
                typed=typed_here,
                holder_client_id=holder,
            )
        )
    return result


def held_here(names: list[str]) -> dict[str, int]:
    """{name: client id} of the names a client of ours holds here (the checker must not offer
    to register or transfer those: the client's own domain showed "Transfer it to us")."""
    return dict(
        Domain.objects.filter(name__in=names)
        .exclude(status__in=(DomainStatus.TRANSFERRED_AWAY, DomainStatus.CANCELLED))
        .values_list("name", "client_id")
    )
