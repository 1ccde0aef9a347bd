"""Error classes shared by every integration and action: what failed, and whether a retry can help."""


class HostwerkError(Exception):
    """Base of Hostwerk's own exceptions; `message` is safe to show to staff."""

    def __init__(self, message: str, *, code: str | int | None = None, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class InputInvalid(HostwerkError):
    """An action refused its input; `field` names the input to fix (a form field, an API body
    field, or a dotted path such as "lines.0.amount")."""

    def __init__(self, message: str, *, field: str, code: str = "invalid") -> None:
        super().__init__(message, code=code)
        self.field = field


class RemoteError(HostwerkError):
    """A call to an external system (Plesk, a registry, PowerDNS, SpamExperts) failed."""


class TransientError(RemoteError):
    """The remote side may succeed later: timeout, connection reset, 5xx, lock contention."""


class PermanentError(RemoteError):
    """Retrying the same call will fail again: validation, authentication, "not found".

    A person has to change something first.
    """
