"""Is a domain name free? Asked at the TLD's registrar while ordering, batched and briefly cached.

Many names are looked up at once (the domain checker asks for a name in every TLD on sale): the
names of one registrar go out in one EPP session, in as few `domain:check` commands as the
registry allows, and each answer is cached on its own.

A registrar that cannot be reached never blocks an order: the wish is recorded, and acceptance
finds out for sure (R11: bad luck with a registry must not lose what the client typed).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from hostwerk.catalog.models import DomainAction, Tld
from hostwerk.core.domain_names import DomainName
from hostwerk.core.errors import HostwerkError
from hostwerk.domains.registrars import registrar_client

logger = logging.getLogger(__name__)

# "Could not ask" is remembered briefly, so a registry that is down is not asked on every keystroke
# and one that comes back is used soon.
UNKNOWN_CACHE_SECONDS = 30
# Registries cap the names in one check command; a registrar's settings may lower this.
CHECK_BATCH_SIZE = 20


@dataclass(frozen=True)
class AvailabilityAnswer:
    name: str
    available: bool | None  # None: the registrar could not be asked
    reason: str = ""

    @property
    def known(self) -> bool:
        return self.available is not None


def check_timeout() -> float:
    """Seconds one registry may take per exchange while someone waits on an order screen."""
    return float(getattr(settings, "HOSTWERK_DOMAIN_CHECK_TIMEOUT", 8))


def _cache_seconds() -> int:
    return int(getattr(settings, "HOSTWERK_DOMAIN_CHECK_CACHE_SECONDS", 300))


def _cache_key(tld: Tld, name: str) -> str:
    registrar = tld.registrar
    where = (
        f"{registrar.pk}:{registrar.host}:{registrar.port}:{registrar.username}"
        if registrar
        else "-"
    )
    digest = hashlib.sha256(f"{where}:{name}".encode()).hexdigest()[:32]
    return f"domains:availability:{digest}"


def _batch_size(registrar) -> int:
    try:
        size = int((registrar.settings or {}).get("check_batch_size", CHECK_BATCH_SIZE))
    except (TypeError, ValueError):
        size = CHECK_BATCH_SIZE
    return max(1, size)


def _ask_registrar(registrar, names: list[str]) -> tuple[dict[str, AvailabilityAnswer], str]:
    """The registry's answers for `names` (one session), and the error that stopped it, if any."""
    answers: dict[str, AvailabilityAnswer] = {}
    size = _batch_size(registrar)
    try:
        with registrar_client(registrar, timeout=check_timeout()) as session:
            for start in range(0, len(names), size):
                for item in session.check(names[start : start + size]):
                    name = item.name.lower()
                    answers[name] = AvailabilityAnswer(name, item.available, item.reason)
    except HostwerkError as error:
        logger.warning("availability at %s unknown: %s", registrar.name, error)
        return answers, str(error)
    return answers, ""


def domains_availability(
    *, names: Iterable[tuple[DomainName, Tld]]
) -> dict[str, AvailabilityAnswer]:
    """Availability of every `(name, tld)`, keyed by the name's A-label.

    Cached answers are used; the rest is asked per registrar in one session. A registrar that
    fails (timeout, refused login, switched off) gives "unknown" for its names, with the reason.
    """
    wanted = {name.ascii: tld for name, tld in names}
    keys = {name: _cache_key(tld, name) for name, tld in wanted.items()}
    cached = cache.get_many(list(keys.values()))
    result: dict[str, AvailabilityAnswer] = {}
    to_ask: dict[int, tuple[object, list[str]]] = {}
    for name, tld in wanted.items():
        if keys[name] in cached:
            result[name] = AvailabilityAnswer(name, *cached[keys[name]])
        elif tld.registrar is None or not tld.registrar.active:
            result[name] = AvailabilityAnswer(name, None, _("the TLD has no active registrar"))
        else:
            to_ask.setdefault(tld.registrar.pk, (tld.registrar, []))[1].append(name)

    known: dict[str, tuple[bool | None, str]] = {}
    unknown: dict[str, tuple[bool | None, str]] = {}
    for registrar, asked in to_ask.values():
        answers, error = _ask_registrar(registrar, asked)
        for name in asked:
            answer = answers.get(name) or AvailabilityAnswer(name, None, error)
            result[name] = answer
            target = known if answer.known else unknown
            target[keys[name]] = (answer.available, answer.reason)
    if known:
        cache.set_many(known, _cache_seconds())
    if unknown:
        cache.set_many(unknown, UNKNOWN_CACHE_SECONDS)
    return result


def domain_availability(*, name: DomainName, tld: Tld) -> AvailabilityAnswer:
    """Ask the TLD's registrar whether `name` can be registered (cached for a short while)."""
    return domains_availability(names=[(name, tld)])[name.ascii]


def availability_forget(*, name: str, tld: Tld) -> None:
    """Drop the cached answer (after we registered or transferred the name ourselves)."""
    cache.delete(_cache_key(tld, name))


def availability_refusal(
    *, name: DomainName, tld: Tld, action: str, for_staff: bool = False
) -> str:
    """Why an order for `name` cannot be taken, or "" (also when the registrar is unreachable).

    `for_staff` words the advice for staff entering an order for a client.
    """
    answer = domain_availability(name=name, tld=tld)
    if not answer.known:
        return ""
    if action == DomainAction.REGISTER and not answer.available:
        reason = answer.reason.strip()
        if reason and reason.lower() not in ("in use", "registered", "taken"):
            return _("%(domain)s cannot be registered: %(reason)s.") % {
                "domain": name.unicode,
                "reason": reason,
            }
        if for_staff:
            return _(
                "%(domain)s is already registered; if it is the client's, order a transfer instead."
            ) % {"domain": name.unicode}
        return _("%(domain)s is already registered; if it is yours, transfer it to us instead.") % {
            "domain": name.unicode
        }
    if action == DomainAction.TRANSFER and answer.available:
        return _(
            "%(domain)s is not registered, so it cannot be transferred; register it instead."
        ) % {"domain": name.unicode}
    return ""
