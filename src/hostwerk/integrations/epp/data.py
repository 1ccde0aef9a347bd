"""Dataclasses going into and coming out of the EPP client."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml import etree


@dataclass(frozen=True)
class Greeting:
    """What the registry announced when the session started (and again on every hello)."""

    server_id: str
    server_date: datetime | None
    versions: tuple[str, ...]
    languages: tuple[str, ...]
    object_uris: tuple[str, ...]
    extension_uris: tuple[str, ...]


@dataclass(frozen=True)
class ExchangeLog:
    """One command and its response, for the application's per-domain EPP log.

    Passwords and auth codes in both XML documents are replaced by "********". `result_code` is
    None when no response arrived (`message` then says why).
    """

    command: str
    object_name: str
    client_transaction_id: str
    server_transaction_id: str
    result_code: int | None
    message: str
    request_xml: str
    response_xml: str
    duration_seconds: float


@dataclass(frozen=True)
class CommandResult:
    """The outcome of a command that returns no object data (update, delete, ack ...)."""

    code: int
    message: str
    client_transaction_id: str
    server_transaction_id: str

    @property
    def pending(self) -> bool:
        """1001: the registry accepted the command and finishes it later (news arrives by poll)."""
        return self.code == 1001


@dataclass(frozen=True)
class Availability:
    """One name of a check command: `reason` says why an unavailable name is unavailable."""

    name: str
    available: bool
    reason: str = ""


DomainAvailability = Availability


@dataclass(frozen=True)
class DomainContact:
    """A contact handle in one role of a domain: "admin", "tech" or "billing"."""

    type: str
    id: str


@dataclass(frozen=True)
class DomainCreateResult:
    name: str
    created: datetime | None
    expires: datetime | None
    pending: bool
    client_transaction_id: str
    server_transaction_id: str


@dataclass(frozen=True)
class DomainInfo:
    """domain:info. Contacts, name servers and the auth code are only given to the sponsor
    (or to whoever supplied the right auth code)."""

    name: str
    roid: str
    statuses: tuple[str, ...]
    registrant: str
    contacts: dict[str, list[str]]
    nameservers: tuple[str, ...]
    hosts: tuple[str, ...]
    sponsoring_client_id: str
    created: datetime | None
    updated: datetime | None
    expires: datetime | None
    transferred: datetime | None
    auth_code: str | None
    client_transaction_id: str = ""
    server_transaction_id: str = ""


@dataclass(frozen=True)
class TransferStatus:
    """domain:transfer data: `status` is pending, clientApproved, clientCancelled,
    clientRejected, serverApproved or serverCancelled."""

    name: str
    status: str
    requesting_client_id: str
    requested_at: datetime | None
    acting_client_id: str
    action_due_at: datetime | None
    expires: datetime | None
    code: int = 1000
    client_transaction_id: str = ""
    server_transaction_id: str = ""

    @property
    def pending(self) -> bool:
        return self.status == "pending"


@dataclass(frozen=True)
class ContactSpec:
    """A contact to create or update.

    `voice` and `fax` in EPP form `+CC.NNNN` (`+31.201234567`). `legal_form` and
    `legal_form_registration_number` (the KvK number) go in SIDN's extension; they are left out
    when the registry does not announce it. An empty `auth_code` makes the client generate one,
    because RFC 5733 requires one on create.
    """

    id: str
    name: str
    email: str
    street_lines: tuple[str, ...]
    city: str
    country_code: str
    postcode: str = ""
    province: str = ""
    organization: str = ""
    voice: str = ""
    fax: str = ""
    auth_code: str = ""
    legal_form: str | None = None
    legal_form_registration_number: str | None = None


@dataclass(frozen=True)
class ContactInfo:
    id: str
    roid: str
    statuses: tuple[str, ...]
    name: str
    organization: str
    street_lines: tuple[str, ...]
    city: str
    province: str
    postcode: str
    country_code: str
    voice: str
    fax: str
    email: str
    sponsoring_client_id: str
    created: datetime | None
    updated: datetime | None
    auth_code: str | None
    legal_form: str | None
    legal_form_registration_number: str | None
    client_transaction_id: str = ""
    server_transaction_id: str = ""


@dataclass(frozen=True)
class PollMessage:
    """A message from the registry's queue; acknowledge it with `poll_ack(message_id=...)`.

    `transfer` is filled for transfer notices, `object_name` with the domain it is about when
    the message data names one; `data_xml` holds the raw <resData> for anything else.
    """

    id: str
    count: int
    queued_at: datetime | None
    text: str
    object_name: str = ""
    transfer: TransferStatus | None = None
    data_xml: str = ""
    client_transaction_id: str = ""
    server_transaction_id: str = ""


@dataclass(frozen=True)
class Response:
    """A parsed EPP response (internal, but handy in tests)."""

    code: int
    message: str
    reason: str
    client_transaction_id: str
    server_transaction_id: str
    queue_count: int | None = None
    queue_message_id: str | None = None
    queue_date: datetime | None = None
    queue_text: str = ""
    result_data: etree._Element | None = None
    extension: etree._Element | None = None
    xml: bytes = b""


def expiry_date(value: datetime | None) -> date | None:
    """The calendar date (UTC) of an expiry timestamp, for renewals' curExpDate."""
    return value.date() if value is not None else None
