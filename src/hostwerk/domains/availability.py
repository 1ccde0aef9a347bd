"""Is a domain name free? Asked at the TLD's registrar while ordering, with a short cache.

A registrar that cannot be reached never blocks an order: the wish is recorded, and acceptance
finds out for sure (R11: bad luck with a registry must not lose what the client typed).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import gettext as _

from hostwerk.catalog.models import DomainAction, Tld
from hostwerk.core.domain_names import DomainName
from hostwerk.core.errors import HostwerkError
from hostwerk.domains.registrars import registrar_client

logger = logging.getLogger(__name__)

# Answers are reused this long: a cart re-prices on every change, a registry is not asked each time.
CACHE_SECONDS = 120
# "Could not ask" is remembered more briefly, so a registry that comes back is used soon.
UNKNOWN_CACHE_SECONDS = 30
# An order page waits at most this long for the registry.
CHECK_TIMEOUT = 8.0


@dataclass(frozen=True)
class AvailabilityAnswer:
    name: str
    available: bool | None  # None: the registrar could not be asked
    reason: str = ""

    @property
    def known(self) -> bool:
        return self.available is not None


def _cache_key(tld: Tld, name: str) -> str:
    registrar = tld.registrar
    where = (
        f"{registrar.pk}:{registrar.host}:{registrar.port}:{registrar.username}"
        if registrar
        else "-"
    )
    digest = hashlib.sha256(f"{where}:{name}".encode()).hexdigest()[:32]
    return f"domains:availability:{digest}"


def domain_availability(*, name: DomainName, tld: Tld) -> AvailabilityAnswer:
    """Ask the TLD's registrar whether `name` can be registered (cached for a short while)."""
    if tld.registrar is None or not tld.registrar.active:
        return AvailabilityAnswer(name.ascii, None, _("the TLD has no active registrar"))
    key = _cache_key(tld, name.ascii)
    cached = cache.get(key)
    if cached is not None:
        return AvailabilityAnswer(name.ascii, *cached)
    try:
        with registrar_client(tld.registrar, timeout=CHECK_TIMEOUT) as registrar:
            answers = {item.name.lower(): item for item in registrar.check([name.ascii])}
    except HostwerkError as error:
        logger.warning("availability of %s unknown: %s", name.ascii, error)
        cache.set(key, (None, str(error)), UNKNOWN_CACHE_SECONDS)
        return AvailabilityAnswer(name.ascii, None, str(error))
    answer = answers.get(name.ascii)
    if answer is None:
        cache.set(key, (None, ""), UNKNOWN_CACHE_SECONDS)
        return AvailabilityAnswer(name.ascii, None, "")
    cache.set(key, (answer.available, answer.reason), CACHE_SECONDS)
    return AvailabilityAnswer(name.ascii, answer.available, answer.reason)


def availability_forget(*, name: str, tld: Tld) -> None:
    """Drop the cached answer (after we registered or transferred the name ourselves)."""
    cache.delete(_cache_key(tld, name))


def availability_refusal(*, name: DomainName, tld: Tld, action: str) -> str:
    """Why an order for `name` cannot be taken, or "" (also when the registrar is unreachable)."""
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
        return _("%(domain)s is already registered; if it is yours, transfer it to us instead.") % {
            "domain": name.unicode
        }
    if action == DomainAction.TRANSFER and answer.available:
        return _(
            "%(domain)s is not registered, so it cannot be transferred; register it instead."
        ) % {"domain": name.unicode}
    return ""
