"""What a Plesk or SpamExperts error means for Hostwerk's staff, and what to do about it.

The protocol clients keep the remote code and text as the server sent them (untranslated, no
Django); this table gives Hostwerk's explanation, looked up when the error is shown, so each staff
member reads it in their own language beside the remote text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hostwerk.integrations.plesk.errors import PleskError
from hostwerk.integrations.spamexperts.errors import SpamExpertsError

PLESK = "plesk"
SPAMEXPERTS = "spamexperts"

SYSTEM_LABELS: dict[str, Promise] = {PLESK: _("Plesk"), SPAMEXPERTS: _("SpamExperts")}

# Plesk XML API errcodes Hostwerk meets (reference: Plesk's list of API error codes).
PLESK_EXPLANATIONS: dict[int, Promise] = {
    1001: _(
        "Plesk refused the API login or password. Check them in the server's settings in Hostwerk."
    ),
    1002: _(
        "A Plesk account with this login already exists and Hostwerk did not make it. Rename or "
        "remove the account in Plesk, or give the client another login, then accept again."
    ),
    1005: _(
        "The Plesk server does not speak the XML API version Hostwerk uses. Update Plesk on this "
        "server."
    ),
    1006: _(
        "The API login may not do this on Plesk, or the Plesk licence does not allow it. Use the "
        "Plesk administrator's login for this server, or check the licence."
    ),
    1007: _(
        "This already exists on Plesk and Hostwerk did not make it (what Hostwerk made is adopted). "
        "Check in Plesk whether it belongs to another customer; remove or rename it there, then try "
        "again."
    ),
    1008: _("Plesk refused a second login at the same time. Try again in a minute."),
    1010: _("Plesk denied access to the API login. Check the login's permissions in Plesk."),
    1011: _("The Plesk account used by Hostwerk is disabled. Enable it in Plesk."),
    1012: _(
        "The Plesk login is locked after failed attempts. Unlock it in Plesk and check the "
        "password in the server's settings."
    ),
    1013: _(
        "Plesk does not have this object (any more): it was removed or renamed in Plesk. Check it "
        "in Plesk, then run the drift check for this server to repair Hostwerk's records."
    ),
    1014: _(
        "Plesk could not read Hostwerk's request. This is a fault in Hostwerk, not in your data: "
        "report it with the remote text."
    ),
    1015: _(
        "The owner of this object is missing on Plesk (the client's customer or subscription was "
        "removed there). Check the client's customer in Plesk; run the drift check to repair."
    ),
    1017: _(
        "This Plesk version does not support the operation. Update Plesk on this server, or do it "
        "by hand in Plesk."
    ),
    1018: _(
        "Plesk does not know an address or plan Hostwerk referred to, such as an IP address outside "
        "the customer's pool. Check the server's web and mail IP addresses and the product's "
        "service plan."
    ),
    1019: _(
        "Plesk refused a value; the remote text says which (a domain name, login or password). "
        "Correct it on the service, the client or the product and try again."
    ),
    1023: _(
        "Plesk could not carry out the operation; the remote text gives its reason. Resolve that in "
        "Plesk, then try again."
    ),
    1024: _(
        "A limit of the Plesk licence or of the service plan was reached. Raise it in Plesk, or "
        "choose another server for this item."
    ),
    1025: _(
        "Plesk refused the status change. Check the subscription's status in Plesk; it may be "
        "suspended or locked there."
    ),
    1026: _(
        "A component Plesk needs for this (such as SpamAssassin) is not installed on the server. "
        "Install it in Plesk."
    ),
    1030: _("The Plesk licence has expired. Renew it on the server."),
    1031: _("A Plesk component is installed but not configured. Configure it in Plesk."),
    11003: _("Plesk refused the secret key. Check the API key in the server's settings."),
}
PLESK_UNKNOWN = _(
    "Plesk refused the request with a code Hostwerk does not know; the remote text says why."
)

# SpamExperts has no numbers, only texts; the client names them like the official add-ons.
SPAMEXPERTS_EXPLANATIONS: dict[str, Promise] = {
    "INVALID_API_CREDENTIALS": _(
        "SpamExperts refused the API login or password. Check them in the filtering provider's "
        "settings in Hostwerk."
    ),
    "API_USER_INACTIVE": _("The SpamExperts account is inactive. Ask the provider to activate it."),
    "API_ACCESS_DISABLED": _(
        "The SpamExperts account may not use the API. Ask the provider to enable API access."
    ),
    "API_IP_ACCESS_ERROR": _(
        "SpamExperts refuses API calls from this server's address. Ask the provider to allow it."
    ),
    "NO_PERMISSION": _("The SpamExperts account may not do this. Ask the provider."),
    "ALREADYEXISTS_NOT_OWNER": _(
        "The domain is already filtered by SpamExperts for another account. Ask the provider to "
        "move it to ours."
    ),
    "DOMAIN_EXISTS": _("The domain is already in the filter; Hostwerk adopts it."),
    "NO_SUCH_DOMAIN": _(
        "The domain is not in the SpamExperts filter. Request the filtering again."
    ),
    "DOMAIN_NOT_EXISTS": _(
        "The domain is not in the SpamExperts filter. Request the filtering again."
    ),
    "DOMAIN_LIMIT_REACHED": _(
        "The SpamExperts account has reached its domain limit. Ask the provider to raise it."
    ),
    "WRONG_DESTINATION_GIVEN": _(
        "SpamExperts refused the delivery address. Check the domain's mn-mx1 record in DNS."
    ),
    "API_CORE_ERROR": _(
        "SpamExperts did not understand Hostwerk's request. This is a fault in Hostwerk: report it "
        "with the remote text."
    ),
}
SPAMEXPERTS_UNKNOWN = _("SpamExperts refused the request; the remote text says why.")


@dataclass(frozen=True)
class RemoteErrorExplained:
    system: str  # PLESK or SPAMEXPERTS
    code: str  # the remote code as sent ("1019", "DOMAIN_EXISTS")
    text: str  # the remote text, untranslated
    explanation: str  # Hostwerk's, in the active language

    @property
    def system_label(self) -> str:
        return str(SYSTEM_LABELS.get(self.system, self.system))


def remote_error_record(error: BaseException | None) -> dict[str, Any]:
    """The Plesk or SpamExperts error behind `error` (itself or what it was raised from), as a
    dict to store with the failure; {} when no such error caused it."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, PleskError) and error.code:
            return {
                "system": PLESK,
                "code": str(error.code),
                "text": error.text,
                "operation": error.operation,
                "server": error.server,
            }
        if isinstance(error, SpamExpertsError):
            return {"system": SPAMEXPERTS, "code": str(error.code or ""), "text": error.message}
        error = error.__cause__ or error.__context__
    return {}


def remote_error_explain(record: dict[str, Any] | None) -> RemoteErrorExplained | None:
    """Hostwerk's explanation of a stored remote error, in the active language."""
    if not record or record.get("system") not in SYSTEM_LABELS:
        return None
    system, code = record["system"], str(record.get("code", ""))
    if system == PLESK:
        explanation = PLESK_EXPLANATIONS.get(int(code) if code.isdigit() else 0, PLESK_UNKNOWN)
    else:
        explanation = SPAMEXPERTS_EXPLANATIONS.get(code, SPAMEXPERTS_UNKNOWN)
    return RemoteErrorExplained(
        system=system, code=code, text=str(record.get("text", "")), explanation=gettext(explanation)
    )


# What a Plesk operation was for, as the headline of its failure ("customer.add").
PLESK_OPERATIONS: dict[str, Promise] = {
    "customer.add": _("Creating the customer"),
    "customer.set": _("Changing the customer"),
    "customer.del": _("Removing the customer"),
    "customer.get": _("Reading the customers"),
    "webspace.add": _("Creating the subscription"),
    "webspace.set": _("Changing the subscription"),
    "webspace.del": _("Removing the subscription"),
    "webspace.get": _("Reading the subscriptions"),
    "server.get": _("Reading the server information"),
    "service-plan.get": _("Reading the service plans"),
    "mail.create": _("Creating the mailbox"),
    "mail.update": _("Changing the mailbox"),
    "mail.remove": _("Removing the mailbox"),
    "mail.get_info": _("Reading the mailbox"),
    "dns.del_rec": _("Removing a DNS record"),
    "site-alias.delete": _("Removing a domain alias"),
    "spamfilter.set": _("Setting the spam filter"),
}


def remote_error_headline(record: dict[str, Any] | None) -> str | None:
    """What failed, in the active language ("Creating the subscription on Plesk server plesk1
    failed."), for a stored Plesk error whose operation Hostwerk knows; None otherwise."""
    if not record or record.get("system") != PLESK:
        return None
    action = PLESK_OPERATIONS.get(str(record.get("operation", "")))
    if action is None:
        return None
    if record.get("server"):
        return gettext("%(action)s on Plesk server %(server)s failed.") % {
            "action": action,
            "server": record["server"],
        }
    return gettext("%(action)s on Plesk failed.") % {"action": action}


def remote_error_of(error: BaseException) -> RemoteErrorExplained | None:
    """The explanation of the remote error behind `error`, for a message shown at once."""
    return remote_error_explain(remote_error_record(error))


def remote_error_message(error: BaseException) -> str:
    """`error`'s own message (which carries the remote code and text), followed by Hostwerk's
    explanation when a Plesk or SpamExperts error caused it: for a message shown at once."""
    explained = remote_error_of(error)
    if explained is None:
        return str(error)
    return gettext("%(error)s What it means: %(explanation)s") % {
        "error": error,
        "explanation": explained.explanation,
    }
