"""Exceptions of the Plesk client: Plesk's error codes mapped onto retryable and permanent failures."""

from __future__ import annotations

from hostwerk.core.errors import PermanentError, TransientError


class PleskError(PermanentError):
    """Plesk answered with an error; `code` is Plesk's errcode, `text` its errtext.

    `operation` names what was asked ("customer.add"), empty for packet-level (system) errors;
    `server` is the name of the Plesk server that answered, when it has one.
    """

    def __init__(
        self, message: str, *, code: int, text: str, operation: str = "", server: str = ""
    ) -> None:
        super().__init__(message, code=code, detail=text)
        self.code: int = code
        self.text = text
        self.operation = operation
        self.server = server


class PleskAuthError(PleskError):
    """The login, password or secret key was refused (1001, 11003) or the account is locked."""


class PleskPermissionDenied(PleskError):
    """The account may not do this, or the licence does not allow it (1006)."""


class PleskObjectExists(PleskError):
    """The object to create already exists (1007; 1002 for accounts)."""


class PleskObjectNotFound(PleskError):
    """The object, its owner or a referenced value does not exist (1013, 1015, 1018)."""


class PleskBadPacket(PleskError):
    """Plesk could not parse or does not support the packet (1014, 1005, 1017).

    Seen when elements are out of order or a value has the wrong type: a bug on our side.
    """


class PleskInvalidValue(PleskError):
    """A value was refused (1019, 1025): a bad domain name, login, password or status."""


class PleskCertificateError(PleskError):
    """The server's TLS certificate could not be verified (self-signed, expired, wrong name).

    Permanent: someone has to install a trusted certificate or switch verification off for
    this server. `code` is 0, `text` the TLS library's reason.
    """


class PleskUnexpectedAnswer(PleskError):
    """Plesk answered, but not with what the operation should return (no result, no id).

    Retrying will not help: this is a protocol mismatch between this client and the server.
    """


class PleskUnavailable(TransientError):
    """Plesk could not be reached, timed out, answered 5xx or something that is not a packet."""


# errcode -> class; every other code is a plain PleskError.
ERROR_CLASSES: dict[int, type[PleskError]] = {
    1001: PleskAuthError,
    1008: PleskAuthError,
    1010: PleskAuthError,
    1011: PleskAuthError,
    1012: PleskAuthError,
    1029: PleskAuthError,
    11003: PleskAuthError,
    1006: PleskPermissionDenied,
    1002: PleskObjectExists,
    1007: PleskObjectExists,
    1013: PleskObjectNotFound,
    1015: PleskObjectNotFound,
    1018: PleskObjectNotFound,
    1005: PleskBadPacket,
    1014: PleskBadPacket,
    1017: PleskBadPacket,
    1019: PleskInvalidValue,
    1025: PleskInvalidValue,
}


def error_class_for(code: int) -> type[PleskError]:
    return ERROR_CLASSES.get(code, PleskError)
