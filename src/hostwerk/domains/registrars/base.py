"""The registrar interface every adapter implements, the data it exchanges and its errors.

Errors carry a message for staff that says what to fix, and `fix` naming where: the client's
profile, the registrar's settings, the domain page or the zone. The actions turn that into a
link. Adapters never return raw protocol errors.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from hostwerk.core.errors import PermanentError, TransientError

if TYPE_CHECKING:
    from hostwerk.domains.models import Domain

# Where the person reading an error message can fix the cause.
FIX_CLIENT_PROFILE = "client_profile"
FIX_REGISTRAR_SETTINGS = "registrar_settings"
FIX_DOMAIN = "domain"
FIX_ZONE = "zone"


class RegistrarRefused(PermanentError):
    """The registrar refused; retrying unchanged fails again. `message` says what to change."""

    def __init__(
        self, message: str, *, fix: str = "", registry_code: int | None = None, reason: str = ""
    ) -> None:
        super().__init__(message, code=registry_code, detail=reason)
        self.fix = fix
        self.registry_code = registry_code
        self.reason = reason


class DomainExists(RegistrarRefused):
    """The domain (or contact) is registered already; the caller may adopt it if it is ours."""


class ObjectMissing(RegistrarRefused):
    """The registry does not know the domain or contact."""


class AuthCodeWrong(RegistrarRefused):
    """The auth code for a transfer (or info) does not match."""


class CommandNotOffered(RegistrarRefused):
    """The registry does not offer the command for this domain (renewing a .nl domain)."""


class RegistrarUnavailable(TransientError):
    """The registrar could not be reached or failed for a passing reason; nothing was done."""

    fix = FIX_REGISTRAR_SETTINGS


class RegistrarOutcomeUnknown(RegistrarUnavailable):
    """The command was sent but no answer came: the registry may have carried it out.

    Never repeat a create or transfer blindly after this; look with info first.
    """


@dataclass(frozen=True)
class ContactData:
    """A domain owner's contact data in the form registries take (phone as +CC.NNNN)."""

    name: str
    organization: str
    email: str
    street_lines: tuple[str, ...]
    city: str
    postcode: str
    country_code: str
    voice: str
    province: str = ""
    legal_form: str = ""
    registration_number: str = ""

    def fingerprint(self) -> str:
        """Changes whenever anything sent to the registry would change."""
        payload = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Availability:
    name: str
    available: bool
    reason: str = ""


@dataclass(frozen=True)
class RegistrationResult:
    name: str
    expires: datetime | None
    created: datetime | None
    pending: bool  # accepted by the registry, finished later (news by poll)


@dataclass(frozen=True)
class TransferResult:
    name: str
    status: str  # pending, clientApproved, serverApproved, clientRejected, clientCancelled ...
    expires: datetime | None
    requesting_account: str = ""

    @property
    def pending(self) -> bool:
        return self.status == "pending"

    @property
    def approved(self) -> bool:
        return self.status in ("clientApproved", "serverApproved")


@dataclass(frozen=True)
class DomainState:
    """What the registry says about a domain (domain:info)."""

    name: str
    roid: str
    statuses: tuple[str, ...]
    sponsor: str  # the registrar account that holds it
    ours: bool  # held by our registrar account
    registrant: str
    admin: tuple[str, ...]
    tech: tuple[str, ...]
    nameservers: tuple[str, ...]
    created: datetime | None
    expires: datetime | None

    @property
    def pending_transfer(self) -> bool:
        return "pendingTransfer" in self.statuses


@dataclass(frozen=True)
class PollNotice:
    """A message from the registry's queue, with what it means for us."""

    id: str
    text: str
    domain_name: str = ""
    transfer: TransferResult | None = None
    extra: dict[str, str] = field(default_factory=dict)


class RegistrarClient(ABC):
    """One session with a registrar; use as a context manager so the session is closed."""

    #: our account at the registrar (EPP client id); "sponsored by us" compares with it
    account: str
    #: the domain the session works for: its exchanges are logged against it
    domain: Domain | None = None

    def __enter__(self) -> RegistrarClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def connection_test(self) -> str:
        """Connect and log in, nothing else; return what the registry calls itself."""

    @abstractmethod
    def check(self, names: list[str]) -> list[Availability]: ...

    @abstractmethod
    def contact_ensure(self, *, contact: ContactData, handle: str, proposed_handle: str) -> str:
        """Update the contact `handle` (when given) or create one; return the handle to use."""

    @abstractmethod
    def register(
        self, *, name: str, years: int, contact_handle: str, nameservers: list[str], auth_code: str
    ) -> RegistrationResult: ...

    @abstractmethod
    def transfer_request(
        self, *, name: str, auth_code: str, years: int | None
    ) -> TransferResult: ...

    @abstractmethod
    def transfer_query(self, *, name: str) -> TransferResult: ...

    @abstractmethod
    def renew(self, *, name: str, current_expiry: date, years: int) -> date: ...

    @abstractmethod
    def info(self, *, name: str) -> DomainState: ...

    @abstractmethod
    def update_nameservers(self, *, name: str, nameservers: list[str]) -> None:
        """Make the domain's name servers exactly `nameservers`."""

    @abstractmethod
    def delete(self, *, name: str) -> None: ...

    @abstractmethod
    def poll(self) -> PollNotice | None:
        """The oldest queued message (it stays queued until `poll_ack`), or None."""

    @abstractmethod
    def poll_ack(self, *, message_id: str) -> None: ...
