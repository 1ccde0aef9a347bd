"""In-memory registry of the EPP simulator: contacts, hosts, domains, transfers, poll queues."""

from __future__ import annotations

import copy
import re
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from hostwerk.sandbox.faults import FaultPlan

# The registry policy each TLD follows; see commands.py for what each one means.
DEFAULT_TLDS = {"nl": "sidn", "de": "denic", "com": "generic", "eu": "generic"}
# Names no registrar may register, with the reason domain:check gives.
RESERVED_LABELS = {"nic": "Reserved by the registry", "example": "Reserved (RFC 2606)"}
DEFAULT_TRANSFER_APPROVE_AFTER = 5 * 24 * 3600.0

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class CommandFailure(Exception):
    """A command the registry refuses: answered with `code`, the RFC text (or `message`),
    `reason` as <extValue><reason>, and SIDN detail messages for .nl."""

    def __init__(
        self,
        code: int,
        reason: str = "",
        *,
        message: str | None = None,
        sidn: Iterable[tuple[str, str, str]] = (),
    ) -> None:
        super().__init__(f"{code} {message or ''} {reason}".strip())
        self.code = code
        self.reason = reason
        self.message = message
        self.sidn = list(sidn)  # (code, field, text)


def utc_now() -> datetime:
    return datetime.now(UTC)


def add_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def normalise_name(name: str) -> str:
    return name.strip().lower().rstrip(".")


def valid_host_name(name: str) -> bool:
    labels = name.split(".")
    return len(name) <= 253 and len(labels) >= 2 and all(_LABEL.match(item) for item in labels)


@dataclass
class ContactRecord:
    id: str
    roid: str
    sponsor: str
    name: str
    organization: str
    street_lines: list[str]
    city: str
    province: str
    postcode: str
    country_code: str
    voice: str
    fax: str
    email: str
    auth_code: str
    postal_type: str
    created: datetime
    updated: datetime | None = None
    legal_form: str | None = None
    legal_form_registration_number: str | None = None


@dataclass
class HostRecord:
    name: str
    roid: str
    sponsor: str
    addresses: list[str]
    created: datetime


@dataclass
class TransferRecord:
    status: str  # pending, clientApproved, clientRejected, clientCancelled, serverApproved
    requesting_client_id: str
    requested_at: datetime
    acting_client_id: str
    action_due_at: datetime
    years: int
    expires: datetime  # the expiry the domain gets (or got) with this transfer


@dataclass
class DomainRecord:
    name: str
    roid: str
    sponsor: str
    creator: str
    registrant: str
    contacts: list[tuple[str, str]]  # (type, contact id)
    nameservers: list[str]
    auth_code: str
    created: datetime
    expires: datetime
    updated: datetime | None = None
    transferred: datetime | None = None
    client_statuses: set[str] = field(default_factory=set)
    transfer: TransferRecord | None = None

    @property
    def tld(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    @property
    def transfer_pending(self) -> bool:
        return self.transfer is not None and self.transfer.status == "pending"

    def statuses(self) -> list[str]:
        values = sorted(self.client_statuses)
        if self.transfer_pending:
            values.append("pendingTransfer")
        if not self.nameservers:
            values.append("inactive")
        return values or ["ok"]


@dataclass
class PollEntry:
    id: str
    account: str
    queued_at: datetime
    text: str
    domain_name: str = ""
    transfer: dict[str, Any] | None = None  # trnData values frozen at queue time


class RegistryState:
    """Everything the simulated registry knows. All access goes through `lock`."""

    def __init__(
        self,
        *,
        accounts: dict[str, str],
        resolver: tuple[str, int] | None = None,
        tlds: dict[str, str] | None = None,
        transfer_approve_after_seconds: float = DEFAULT_TRANSFER_APPROVE_AFTER,
        strict_sidn_contacts: bool = False,
        dns_timeout: float = 2.0,
    ) -> None:
        self.lock = threading.RLock()
        self.faults = FaultPlan()
        self.accounts = dict(accounts)
        self.resolver = resolver
        self.tlds = dict(tlds or DEFAULT_TLDS)
        # How long the losing registrar has to react before the registry approves a transfer.
        self.transfer_approve_after_seconds = transfer_approve_after_seconds
        # SIDN refuses every contact without a legal form; the default (False) refuses only
        # .nl registrations whose contacts lack one, so one sandbox can serve .com and .nl.
        self.strict_sidn_contacts = strict_sidn_contacts
        self.dns_timeout = dns_timeout
        self.reset()

    def reset(self) -> None:
        """Forget every object, message and armed fault (accounts and settings stay)."""
        with self.lock:
            self.contacts: dict[str, ContactRecord] = {}
            self.hosts: dict[str, HostRecord] = {}
            self.domains: dict[str, DomainRecord] = {}
            self.polls: dict[str, list[PollEntry]] = {account: [] for account in self.accounts}
            self.counter = 100000
            self.faults.clear()

    # -- helpers used by the commands ----------------------------------------------------------

    def next_number(self) -> int:
        with self.lock:
            self.counter += 1
            return self.counter

    def new_roid(self, prefix: str, suffix: str = "HWSIM") -> str:
        return f"{prefix}{self.next_number()}-{suffix}"

    def server_transaction_id(self) -> str:
        return f"SIM-{self.next_number()}"

    def split_domain(self, name: str) -> tuple[str, str] | None:
        """(name, tld) for a syntactically valid name of a TLD this registry serves."""
        name = normalise_name(name)
        if not valid_host_name(name):
            return None
        tld = name.rsplit(".", 1)[-1]
        if tld not in self.tlds:
            return None
        return name, tld

    def policy(self, tld: str) -> str:
        return self.tlds.get(tld, "generic")

    def superordinate_domain(self, host_name: str) -> DomainRecord | None:
        """The registered domain a host name lies in (it then needs glue addresses)."""
        labels = host_name.split(".")
        for start in range(1, len(labels) - 1):
            candidate = ".".join(labels[start:])
            if candidate in self.domains:
                return self.domains[candidate]
        return None

    def enqueue(
        self,
        account: str,
        text: str,
        *,
        domain_name: str = "",
        transfer: TransferRecord | None = None,
    ) -> PollEntry:
        with self.lock:
            entry = PollEntry(
                id=str(self.next_number()),
                account=account,
                queued_at=utc_now(),
                text=text,
                domain_name=domain_name,
                transfer=transfer_values(domain_name, transfer) if transfer else None,
            )
            self.polls.setdefault(account, []).append(entry)
            return entry

    # -- transfers -----------------------------------------------------------------------------

    def process_due_transfers(self, now: datetime | None = None) -> None:
        """Approve every pending transfer whose reaction time is over (registry auto-approve)."""
        now = now or utc_now()
        with self.lock:
            for domain in list(self.domains.values()):
                if domain.transfer_pending and domain.transfer.action_due_at <= now:  # type: ignore[union-attr]
                    self.complete_transfer(domain, "serverApproved", now=now)

    def complete_transfer(
        self, domain: DomainRecord, status: str, *, now: datetime | None = None
    ) -> None:
        """Finish a pending transfer: approved ones move the domain to the gaining registrar."""
        now = now or utc_now()
        with self.lock:
            transfer = domain.transfer
            assert transfer is not None
            transfer.status = status
            transfer.action_due_at = now
            gaining, losing = transfer.requesting_client_id, transfer.acting_client_id
            if status in ("clientApproved", "serverApproved"):
                domain.sponsor = gaining
                domain.expires = transfer.expires
                domain.transferred = now
                domain.updated = now
                for host in self.hosts.values():
                    if host.name.endswith("." + domain.name):
                        host.sponsor = gaining
                text = "Transfer completed."
            elif status == "clientRejected":
                text = "Transfer rejected by the losing registrar."
            else:
                text = "Transfer cancelled."
            for account in dict.fromkeys((gaining, losing)):
                self.enqueue(account, text, domain_name=domain.name, transfer=transfer)

    def approve_transfer(self, name: str) -> DomainRecord:
        """Control call: approve the pending transfer of `name` now."""
        with self.lock:
            domain = self.domains.get(normalise_name(name))
            if domain is None or not domain.transfer_pending:
                raise KeyError(f"no pending transfer for {name}")
            self.complete_transfer(domain, "serverApproved")
            return domain

    # -- seeding -------------------------------------------------------------------------------

    def seed_domain(
        self,
        name: str,
        *,
        account: str = "other",
        auth_code: str | None = None,
        years: int = 1,
        registrant: str | None = None,
        nameservers: Iterable[str] = (),
        statuses: Iterable[str] = (),
    ) -> DomainRecord:
        """Register a domain directly (no policy checks), for example one to transfer away."""
        with self.lock:
            split = self.split_domain(name)
            if split is None:
                raise ValueError(f"{name!r} is not a domain name of a TLD this registry serves")
            name = split[0]
            if account not in self.accounts:
                raise ValueError(f"unknown account {account!r}")
            if name in self.domains:
                raise ValueError(f"{name} exists already")
            now = utc_now()
            if registrant is None:
                registrant = f"SEED{self.next_number()}"
                self.contacts[registrant] = ContactRecord(
                    id=registrant,
                    roid=self.new_roid("C"),
                    sponsor=account,
                    name="Seeded Owner",
                    organization="",
                    street_lines=["Dorpsstraat 1"],
                    city="Arnhem",
                    province="",
                    postcode="6825 MD",
                    country_code="NL",
                    voice="+31.201234567",
                    fax="",
                    email="owner@example.net",
                    auth_code=secrets.token_urlsafe(9),
                    postal_type="loc",
                    created=now,
                    legal_form="PERSOON",
                )
            elif registrant not in self.contacts:
                raise ValueError(f"unknown contact {registrant!r}")
            hosts = [normalise_name(host) for host in nameservers]
            for host in hosts:
                if host not in self.hosts:
                    self.hosts[host] = HostRecord(
                        name=host,
                        roid=self.new_roid("H"),
                        sponsor=account,
                        addresses=[],
                        created=now,
                    )
            domain = DomainRecord(
                name=name,
                roid=self.new_roid("D", split[1].upper()),
                sponsor=account,
                creator=account,
                registrant=registrant,
                contacts=[("admin", registrant), ("tech", registrant)],
                nameservers=hosts,
                auth_code=auth_code or secrets.token_urlsafe(9),
                created=now,
                expires=add_years(now, years),
                client_statuses=set(statuses),
            )
            self.domains[name] = domain
            return domain

    # -- fault mode "ignore" ---------------------------------------------------------------------

    def snapshot(self) -> tuple[Any, ...]:
        with self.lock:
            return copy.deepcopy(
                (self.contacts, self.hosts, self.domains, self.polls, self.counter)
            )

    def restore(self, snapshot: tuple[Any, ...]) -> None:
        with self.lock:
            contacts, hosts, domains, polls, counter = snapshot
            self.contacts, self.hosts, self.domains, self.polls = contacts, hosts, domains, polls
            # Keep numbering moving so transaction ids stay unique.
            self.counter = max(self.counter, counter)

    # -- inspection ----------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        with self.lock:
            self.process_due_transfers()
            return {
                "domains": [domain_json(item) for item in self.domains.values()],
                "contacts": [
                    {
                        "id": item.id,
                        "sponsor": item.sponsor,
                        "name": item.name,
                        "organization": item.organization,
                        "country_code": item.country_code,
                        "voice": item.voice,
                        "email": item.email,
                        "legal_form": item.legal_form,
                        "legal_form_registration_number": item.legal_form_registration_number,
                    }
                    for item in self.contacts.values()
                ],
                "hosts": [
                    {"name": item.name, "sponsor": item.sponsor, "addresses": item.addresses}
                    for item in self.hosts.values()
                ],
                "polls": {
                    account: [
                        {
                            "id": entry.id,
                            "text": entry.text,
                            "domain": entry.domain_name,
                            "queued_at": timestamp(entry.queued_at),
                        }
                        for entry in entries
                    ]
                    for account, entries in self.polls.items()
                },
                "faults": self.faults.pending(),
                "settings": {
                    "tlds": self.tlds,
                    "resolver": list(self.resolver) if self.resolver else None,
                    "transfer_approve_after_seconds": self.transfer_approve_after_seconds,
                    "strict_sidn_contacts": self.strict_sidn_contacts,
                },
            }


def timestamp(moment: datetime | None) -> str:
    """EPP dateTime with a Z suffix."""
    if moment is None:
        return ""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 100000}Z"
    )


def transfer_values(domain_name: str, transfer: TransferRecord) -> dict[str, Any]:
    return {
        "name": domain_name,
        "status": transfer.status,
        "requesting_client_id": transfer.requesting_client_id,
        "requested_at": transfer.requested_at,
        "acting_client_id": transfer.acting_client_id,
        "action_due_at": transfer.action_due_at,
        "expires": transfer.expires,
    }


def domain_json(domain: DomainRecord) -> dict[str, Any]:
    return {
        "name": domain.name,
        "roid": domain.roid,
        "sponsor": domain.sponsor,
        "statuses": domain.statuses(),
        "registrant": domain.registrant,
        "contacts": [{"type": kind, "id": handle} for kind, handle in domain.contacts],
        "nameservers": domain.nameservers,
        "auth_code": domain.auth_code,
        "created": timestamp(domain.created),
        "expires": timestamp(domain.expires),
        "transfer": (
            {
                "status": domain.transfer.status,
                "requesting_client_id": domain.transfer.requesting_client_id,
                "acting_client_id": domain.transfer.acting_client_id,
                "action_due_at": timestamp(domain.transfer.action_due_at),
            }
            if domain.transfer
            else None
        ),
    }
