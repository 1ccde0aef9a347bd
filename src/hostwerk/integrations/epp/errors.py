"""EPP failures as typed exceptions: result codes 2xxx, lost connections, unusable responses."""

from __future__ import annotations

from hostwerk.core.errors import PermanentError, TransientError


def _describe(command: str, code: int, message: str, reason: str) -> str:
    text = f"EPP {command} failed with {code} {message}"
    if reason:
        text += f": {reason}"
    return text


class EppError(PermanentError):
    """The registry refused the command (result code 2xxx); retrying unchanged will not help.

    `message` is the registry's own text, `reason` its <extValue><reason> and SIDN detail texts,
    both meant for staff.
    """

    code: int

    def __init__(
        self,
        message: str,
        *,
        code: int,
        reason: str = "",
        command: str = "",
        client_transaction_id: str = "",
        server_transaction_id: str = "",
    ) -> None:
        super().__init__(message, code=code, detail=reason)
        self.reason = reason
        self.command = command
        self.client_transaction_id = client_transaction_id
        self.server_transaction_id = server_transaction_id

    def __str__(self) -> str:
        return _describe(self.command, self.code, self.message, self.reason)


class EppParameterError(EppError):
    """2001, 2003, 2004, 2005: the command or one of its values is malformed or out of range."""


class EppSyntaxError(EppParameterError):
    """2001 command syntax error, 2005 parameter value syntax error."""


class EppMissingParameter(EppParameterError):
    """2003 required parameter missing."""


class EppValueRangeError(EppParameterError):
    """2004 parameter value range error (a period, a count of name servers ...)."""


class EppCommandUseError(EppError):
    """2002: the command is not allowed now (for example before login)."""


class EppUnimplemented(EppError):
    """2000, 2100-2103, 2307: the registry does not offer this command, option or object.

    SIDN answers 2101 to domain:renew: .nl domains renew automatically.
    """


class EppBillingFailure(EppError):
    """2104: the registrar's account at the registry cannot pay for this."""


class EppAuthorizationError(EppError):
    """2201 (not the sponsoring registrar) and 2202 (wrong auth code)."""


class EppAuthenticationError(EppError):
    """2200: the login was refused; check the registrar's client id and password."""


class EppObjectExists(EppError):
    """2302: the domain, contact or host exists already (adopt it if it is ours)."""


class EppObjectNotFound(EppError):
    """2303: the object does not exist at the registry."""


class EppStatusProhibits(EppError):
    """2304, 2305 and the transfer/renewal state errors 2105, 2106, 2300, 2301."""


class EppPolicyError(EppError):
    """2306, 2308: a registry policy refuses the values (SIDN validation, .de DNS check ...)."""


class EppTransientResultError(TransientError):
    """The registry failed for a reason that may pass (result codes 2400, 25xx); it carries
    the same details as EppError."""

    code: int

    def __init__(
        self,
        message: str,
        *,
        code: int,
        reason: str = "",
        command: str = "",
        client_transaction_id: str = "",
        server_transaction_id: str = "",
    ) -> None:
        super().__init__(message, code=code, detail=reason)
        self.reason = reason
        self.command = command
        self.client_transaction_id = client_transaction_id
        self.server_transaction_id = server_transaction_id

    def __str__(self) -> str:
        return _describe(self.command, self.code, self.message, self.reason)


class EppCommandFailed(EppTransientResultError):
    """2400: an internal registry error; the command was not carried out."""


class EppSessionEnded(EppTransientResultError):
    """2500, 2501, 2502: the registry closed the session; the next call logs in again."""


class EppConnectionError(TransientError):
    """The connection to the registry failed; see the subclasses for what that means."""

    def __init__(self, message: str, *, command: str = "", client_transaction_id: str = "") -> None:
        super().__init__(message)
        self.command = command
        self.client_transaction_id = client_transaction_id


class EppConnectFailed(EppConnectionError):
    """Connecting, the TLS handshake, the greeting or the login failed: no command was sent."""


class EppConnectionLost(EppConnectionError):
    """The command was sent but its response never arrived: the registry may have done it.

    Never resend a create or transfer blindly; look with info or check first.
    """


class EppTimeout(EppConnectionLost):
    """No response within the timeout; like a lost connection, the outcome is unknown."""


class EppProtocolError(EppConnectionLost):
    """The response could not be understood (bad framing, XML or clTRID): outcome unknown."""


_PERMANENT_BY_CODE: dict[int, type[EppError]] = {
    2000: EppUnimplemented,
    2001: EppSyntaxError,
    2002: EppCommandUseError,
    2003: EppMissingParameter,
    2004: EppValueRangeError,
    2005: EppSyntaxError,
    2100: EppUnimplemented,
    2101: EppUnimplemented,
    2102: EppUnimplemented,
    2103: EppUnimplemented,
    2104: EppBillingFailure,
    2105: EppStatusProhibits,
    2106: EppStatusProhibits,
    2200: EppAuthenticationError,
    2201: EppAuthorizationError,
    2202: EppAuthorizationError,
    2300: EppStatusProhibits,
    2301: EppStatusProhibits,
    2302: EppObjectExists,
    2303: EppObjectNotFound,
    2304: EppStatusProhibits,
    2305: EppStatusProhibits,
    2306: EppPolicyError,
    2307: EppUnimplemented,
    2308: EppPolicyError,
}


def error_for_result(
    *,
    code: int,
    message: str,
    reason: str = "",
    command: str = "",
    client_transaction_id: str = "",
    server_transaction_id: str = "",
) -> EppError | EppTransientResultError:
    """Return the exception for a failed result code (2000-2502)."""
    details = {
        "code": code,
        "reason": reason,
        "command": command,
        "client_transaction_id": client_transaction_id,
        "server_transaction_id": server_transaction_id,
    }
    if code == 2400:
        return EppCommandFailed(message, **details)  # type: ignore[arg-type]
    if 2500 <= code <= 2599:
        return EppSessionEnded(message, **details)  # type: ignore[arg-type]
    error_class = _PERMANENT_BY_CODE.get(code, EppError)
    return error_class(message, **details)  # type: ignore[arg-type]
