"""The one outbound HTTP wrapper: mandatory timeouts, and transport failures turned into TransientError."""

from __future__ import annotations

import functools
import ssl
from typing import Any

import httpx

from hostwerk.core.errors import TransientError

# Statuses that say "try again later"; every other status is the caller's to interpret.
TRANSIENT_STATUSES = frozenset({408, 425, 429, 502, 503, 504})


@functools.cache
def shared_ssl_context(verify: bool) -> ssl.SSLContext:
    """One TLS context per process for each `verify` choice.

    httpx builds a context for every client, loading the whole CA bundle (5-50 ms), even for
    plain-HTTP addresses, and Hostwerk makes a client for each remote job. A context holds only
    configuration, and Python allows one to be shared between threads and connections.
    """
    return httpx.create_ssl_context(verify=verify, trust_env=False)


class HttpClient:
    """A small wrapper around httpx.Client for one remote service.

    `service` names the remote side in error messages ("Plesk server plesk1").
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float,
        service: str,
        verify: bool | str = True,
        auth: httpx.Auth | tuple[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        if not timeout or timeout <= 0:
            raise ValueError("an outbound HTTP client needs a positive timeout")
        self.service = service
        self.timeout = timeout
        self._client = httpx.Client(
            base_url=base_url,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            # A CA file given by path is read each time, so that a replaced file counts at once.
            verify=shared_ssl_context(verify) if isinstance(verify, bool) else verify,
            auth=auth,
            headers=headers,
            follow_redirects=False,
            trust_env=False,
        )

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._client.request(method, url, **kwargs)
        except httpx.TimeoutException as exc:
            raise TransientError(
                f"{self.service} did not answer within {self.timeout:g} seconds.",
                code="timeout",
                detail=repr(exc),
            ) from exc
        except httpx.TransportError as exc:
            raise TransientError(
                f"Could not reach {self.service}: {exc or type(exc).__name__}.",
                code="connection",
                detail=repr(exc),
            ) from exc
        if response.status_code in TRANSIENT_STATUSES:
            raise TransientError(
                f"{self.service} answered HTTP {response.status_code}; try again later.",
                code=response.status_code,
                detail=response.text[:2000],
            )
        return response

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
