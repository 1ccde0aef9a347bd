"""Typed values the Plesk client takes and returns: customers, webspaces, mailboxes, DNS records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

HostingType = Literal["vrt_hst", "std_fwd", "frm_fwd"]
WebspaceStatus = Literal["active", "suspended"]

# Plesk's objectStatus bit flags (plesk_common.xsd): 0 is active, anything else is switched off.
STATUS_ACTIVE = 0
STATUS_DISABLED_BY_ADMIN = 16
STATUS_DISABLED_BY_RESELLER = 32
STATUS_DISABLED_BY_CUSTOMER = 64
STATUS_EXPIRED = 256


@dataclass(frozen=True, kw_only=True)
class ServerInfo:
    hostname: str  # gen_info/server_name
    guid: str
    version: str  # "18.0.61"
    operating_system: str  # "Debian 12.0", empty when Plesk does not say


@dataclass(frozen=True, kw_only=True)
class CustomerSpec:
    """A customer account to create; `pname` is the person's name, `cname` the company."""

    login: str
    password: str = field(repr=False)
    pname: str
    cname: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    city: str = ""
    pcode: str = ""
    country: str = ""  # ISO 3166 alpha-2
    external_id: str = ""  # our own reference, so the customer can be found again


@dataclass(frozen=True, kw_only=True)
class Customer:
    id: int
    guid: str
    login: str
    pname: str
    cname: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    city: str = ""
    pcode: str = ""
    country: str = ""
    external_id: str = ""
    status: int = STATUS_ACTIVE

    @property
    def is_active(self) -> bool:
        return self.status == STATUS_ACTIVE


@dataclass(frozen=True, kw_only=True)
class WebspaceSpec:
    """A webspace (subscription) to create.

    `name` is the domain in A-label form. Hosting (`vrt_hst`) needs `ftp_login` and
    `ftp_password`; forwarding (`std_fwd` redirects, `frm_fwd` frames) needs `forwarding_url`.
    """

    name: str
    owner_id: int
    plan_name: str
    ip_address: str
    hosting_type: HostingType = "vrt_hst"
    ftp_login: str = ""
    ftp_password: str = field(default="", repr=False)
    forwarding_url: str = ""
    external_id: str = ""

    def __post_init__(self) -> None:
        if not self.name.isascii():
            raise ValueError(f"webspace name {self.name!r} must be in A-label (xn--) form")
        if self.hosting_type == "vrt_hst":
            if not self.ftp_login or not self.ftp_password:
                raise ValueError("hosting (vrt_hst) needs ftp_login and ftp_password")
        elif self.hosting_type in ("std_fwd", "frm_fwd"):
            if not self.forwarding_url:
                raise ValueError(f"forwarding ({self.hosting_type}) needs forwarding_url")
        else:
            raise ValueError(f"unknown hosting type {self.hosting_type!r}")


@dataclass(frozen=True, kw_only=True)
class Webspace:
    id: int
    guid: str
    name: str
    owner_id: int
    status: int
    hosting_type: str  # vrt_hst, std_fwd, frm_fwd or none
    ip_addresses: tuple[str, ...] = ()
    plan_name: str | None = None  # None when the webspace has no plan or it could not be resolved
    ftp_login: str | None = None
    forwarding_url: str | None = None

    @property
    def is_active(self) -> bool:
        return self.status == STATUS_ACTIVE


@dataclass(frozen=True, kw_only=True)
class SiteAlias:
    id: int
    site_id: int
    name: str
    web: bool
    mail: bool
    status: int = STATUS_ACTIVE


@dataclass(frozen=True, kw_only=True)
class Mailbox:
    id: int
    site_id: int
    name: str  # the local part: "info" for info@example.com
    enabled: bool  # the mailbox stores mail (a mail name can also only forward)
    quota_bytes: int | None  # None: unlimited or the plan's default


@dataclass(frozen=True, kw_only=True)
class DnsRecord:
    """One record as Plesk returns it: `host` and names in `value` are absolute, with a trailing dot."""

    id: int
    site_id: int
    type: str
    host: str
    value: str
    opt: str | None = None  # the MX priority for MX records
