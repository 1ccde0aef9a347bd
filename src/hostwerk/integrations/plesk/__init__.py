"""Plesk XML API client: customers, webspaces, site aliases, mailboxes, spam filter and DNS."""

from hostwerk.integrations.plesk.client import PleskClient
from hostwerk.integrations.plesk.errors import (
    PleskAuthError,
    PleskBadPacket,
    PleskCertificateError,
    PleskError,
    PleskInvalidValue,
    PleskObjectExists,
    PleskObjectNotFound,
    PleskPermissionDenied,
    PleskUnavailable,
    PleskUnexpectedAnswer,
)
from hostwerk.integrations.plesk.objects import (
    Customer,
    CustomerSpec,
    DnsRecord,
    Mailbox,
    ServerInfo,
    SiteAlias,
    Webspace,
    WebspaceSpec,
)

__all__ = [
    "Customer",
    "CustomerSpec",
    "DnsRecord",
    "Mailbox",
    "PleskAuthError",
    "PleskBadPacket",
    "PleskCertificateError",
    "PleskClient",
    "PleskError",
    "PleskInvalidValue",
    "PleskObjectExists",
    "PleskObjectNotFound",
    "PleskPermissionDenied",
    "PleskUnavailable",
    "PleskUnexpectedAnswer",
    "ServerInfo",
    "SiteAlias",
    "Webspace",
    "WebspaceSpec",
]
