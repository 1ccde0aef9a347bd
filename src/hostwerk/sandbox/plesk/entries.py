"""What the simulated Plesk server holds, record by record, and how it reports a failure."""

from __future__ import annotations

from dataclasses import dataclass, field

# Plesk's own texts where they are known (reference §1.2, §6); the others are the simulator's
# wording in Plesk's style.
OBJECT_NOT_FOUND = "Object not found."
SITE_NOT_FOUND = "site does not exist"
OWNER_NOT_FOUND = "Object owner not found."
STANDARD_TEXTS = {
    1001: "Authentication failed - wrong password.",
    1005: "XML API protocol version not supported.",
    1006: "Permission denied.",
    1007: "Inserted data already exists.",
    1013: OBJECT_NOT_FOUND,
    1014: "Parser error: Request is invalid.",
    1015: OWNER_NOT_FOUND,
    1019: "Invalid value.",
    1023: "Operation failed.",
    1024: "Limit reached.",
    11003: "Secret key validation failed",
    12009: "Option is not supported",
}


class PleskFailure(Exception):
    """An operation failed the way Plesk reports it: errcode and errtext in the result."""

    def __init__(self, code: int, text: str | None = None) -> None:
        super().__init__(text or STANDARD_TEXTS.get(code, "Operation failed."))
        self.code = code
        self.text = text or STANDARD_TEXTS.get(code, "Operation failed.")


@dataclass
class CustomerEntry:
    id: int
    guid: str
    login: str
    password: str
    pname: str
    cname: str = ""
    email: str = ""
    phone: str = ""
    fax: str = ""
    address: str = ""
    city: str = ""
    state: str = ""
    pcode: str = ""
    country: str = ""
    locale: str = "en-US"
    status: int = 0
    external_id: str = ""
    description: str = ""
    created: str = ""


@dataclass
class PlanEntry:
    id: int
    guid: str
    name: str
    external_id: str = ""


@dataclass
class WebspaceEntry:
    id: int
    guid: str
    name: str
    owner_id: int
    hosting_type: str
    ip_address: str
    plan_guid: str | None
    status: int = 0
    ftp_login: str = ""
    ftp_password: str = ""
    forwarding_url: str = ""
    external_id: str = ""
    created: str = ""


@dataclass
class SiteAliasEntry:
    id: int
    site_id: int
    name: str
    web: bool = True
    mail: bool = True
    status: int = 0


@dataclass
class MailboxEntry:
    id: int
    site_id: int
    name: str
    password: str = ""
    enabled: bool = True
    quota: int = -1  # bytes; -1 is unlimited
    # Plesk does not filter spam for a new mailbox until it is switched on (reference §5).
    spam_filter: bool = False
    spam_action: str = "text"
    spam_required_score: str = "7"


@dataclass
class DnsEntry:
    id: int
    site_id: int
    type: str
    host: str  # absolute, with trailing dot
    value: str
    opt: str = ""


@dataclass
class Objects:
    """Every object of one server, by id; copied whole for a snapshot."""

    customers: dict[int, CustomerEntry] = field(default_factory=dict)
    plans: dict[int, PlanEntry] = field(default_factory=dict)
    webspaces: dict[int, WebspaceEntry] = field(default_factory=dict)
    aliases: dict[int, SiteAliasEntry] = field(default_factory=dict)
    mailboxes: dict[int, MailboxEntry] = field(default_factory=dict)
    dns: dict[int, DnsEntry] = field(default_factory=dict)
    # Plesk's admin account is client 1, so customers start at 2.
    next_ids: dict[str, int] = field(
        default_factory=lambda: {
            "customer": 2,
            "plan": 1,
            "webspace": 1,
            "alias": 1,
            "mailbox": 1,
            "dns": 1,
        }
    )
