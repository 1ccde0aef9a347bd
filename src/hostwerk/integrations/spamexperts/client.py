"""Client of the SpamExperts (N-able Mail Assure) control-panel API: add, check, route and remove domains."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import idna

from hostwerk.core.errors import TransientError
from hostwerk.core.http import HttpClient
from hostwerk.integrations.spamexperts.errors import (
    SpamExpertsAuthError,
    SpamExpertsDomainNotFound,
    SpamExpertsError,
    SpamExpertsUnavailable,
    error_from_messages,
)

DEFAULT_SMTP_PORT = 25


def encode_domain(domain: str) -> str:
    """The A-label form the panel expects: lower case, IDN encoded, no trailing dot."""
    name = domain.strip().rstrip(".").lower()
    if not name or "/" in name:
        raise ValueError(f"not a domain name: {domain!r}")
    try:
        return idna.encode(name, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise ValueError(f"not a domain name: {domain!r} ({exc})") from None


def parse_route(route: str) -> tuple[str, int]:
    """Parse one route as the panel returns it: "host::25" (its known double colon), "host:25", "host"."""
    host, separator, port = route.strip().rpartition(":")
    if not separator:
        return route.strip(), DEFAULT_SMTP_PORT
    host = host.rstrip(":")
    if not host or not port.isdigit():
        raise ValueError(f"unexpected route {route!r}")
    return host, int(port)


class SpamExpertsClient:
    """One panel account. Every call is an HTTP GET with Basic auth and answers a JSON envelope
    `{"messages": {"success": [...]} | {"error": [...]}, "result": ...}`, with HTTP 200 even on
    errors; the error lines are turned into the exceptions of `errors.py`.
    """

    def __init__(
        self,
        url: str,
        *,
        username: str,
        password: str,
        timeout: float = 30.0,
        verify_tls: bool = True,
    ) -> None:
        base_url = url.rstrip("/")
        # Operators paste either the panel address or the API address; both mean the same.
        if base_url.endswith("/api"):
            base_url = base_url[: -len("/api")]
        host = urlsplit(base_url).hostname or base_url
        self._http = HttpClient(
            base_url,
            timeout=timeout,
            service=f"SpamExperts at {host}",
            verify=verify_tls,
            auth=(username, password),
            headers={"Accept": "application/json"},
        )

    # The four calls Hostwerk needs.

    def domain_add(self, *, domain: str, destinations: list[tuple[str, int]]) -> None:
        """Add `domain` to incoming filtering, delivering filtered mail to `destinations`."""
        routes = []
        for host, port in destinations:
            if not host or "/" in host or ":" in host:
                raise ValueError(f"not a destination host: {host!r}")
            if not 0 < int(port) < 65536:
                raise ValueError(f"not a port: {port!r}")
            # Written with one colon; the panel reads it back with two (see parse_route).
            routes.append(f"{host.rstrip('.').lower()}:{int(port)}")
        parameters: list[tuple[str, str]] = [("domain", encode_domain(domain))]
        parameters.append(("format", "json"))
        if routes:
            parameters.append(("destinations", json.dumps(routes, separators=(",", ":"))))
        self._call("domain", "add", parameters)

    def domain_exists(self, *, domain: str) -> bool:
        """Whether the panel reports the domain as present (filtering set up and confirmed)."""
        try:
            result = self._call(
                "domain", "exists", [("domain", encode_domain(domain)), ("format", "json")]
            )
        except SpamExpertsDomainNotFound:
            # Some panels answer a missing domain with an error instead of present=0.
            return False
        if isinstance(result, dict) and "present" in result:
            return _truthy(result["present"])
        raise SpamExpertsUnavailable(
            "SpamExperts answered domain/exists without a 'present' field.",
            code="unexpected_answer",
            detail=repr(result)[:2000],
        )

    def domain_getroute(self, *, domain: str) -> list[tuple[str, int]]:
        """The delivery routes of the domain as (host, port) pairs."""
        result = self._call(
            "domain", "getroute", [("domain", encode_domain(domain)), ("format", "json")]
        )
        if result in (None, "", {}):
            return []
        if not isinstance(result, list) or not all(isinstance(item, str) for item in result):
            raise SpamExpertsUnavailable(
                "SpamExperts answered domain/getroute with something other than a list of routes.",
                code="unexpected_answer",
                detail=repr(result)[:2000],
            )
        try:
            return [parse_route(item) for item in result]
        except ValueError as exc:
            raise SpamExpertsUnavailable(
                f"SpamExperts answered domain/getroute with an unreadable route: {exc}.",
                code="unexpected_answer",
                detail=repr(result)[:2000],
            ) from None

    def domain_remove(self, *, domain: str) -> None:
        """Remove the domain from filtering; SpamExpertsDomainNotFound when it is not there."""
        self._call("domain", "remove", [("domain", encode_domain(domain)), ("format", "json")])

    # Plumbing.

    def _call(self, controller: str, action: str, parameters: list[tuple[str, str]]) -> Any:
        path = f"/api/{controller}/{action}/" + "".join(
            f"{quote(name, safe='')}/{quote(value, safe='')}/" for name, value in parameters
        )
        try:
            response = self._http.request("GET", path)
        except TransientError as exc:
            raise SpamExpertsUnavailable(exc.message, code=exc.code, detail=exc.detail) from exc
        return self._interpret(response, f"{controller}/{action}")

    def _interpret(self, response: httpx.Response, operation: str) -> Any:
        service = self._http.service
        body = response.text
        if response.status_code in (401, 403):
            raise SpamExpertsAuthError(
                f"{service} refused the API credentials (HTTP {response.status_code}).",
                code="INVALID_API_CREDENTIALS",
                detail=body[:2000],
            )
        if response.status_code >= 500:
            raise SpamExpertsUnavailable(
                f"{service} answered HTTP {response.status_code} to {operation}; try again later.",
                code=response.status_code,
                detail=body[:2000],
            )
        if response.status_code != 200:
            raise SpamExpertsError(
                f"{service} answered HTTP {response.status_code} to {operation}: check the API URL.",
                code=response.status_code,
                detail=body[:2000],
            )
        try:
            data = json.loads(body)
        except ValueError:
            return self._interpret_plain_text(body, operation)
        if not isinstance(data, dict) or "messages" not in data:
            # The bare answers of the non-JSON format ({"present": 1}, ["host::25"]).
            if isinstance(data, dict | list):
                return data
            raise SpamExpertsUnavailable(
                f"{service} gave an answer to {operation} that is not the API's JSON envelope.",
                code="unexpected_answer",
                detail=body[:2000],
            )
        messages = data.get("messages")
        # An empty message set is serialised by the panel as [] instead of {}.
        errors = messages.get("error") if isinstance(messages, dict) else None
        if errors:
            lines = [errors] if isinstance(errors, str) else [str(line) for line in errors]
            raise error_from_messages(lines, detail=body[:2000])
        return data.get("result")

    def _interpret_plain_text(self, body: str, operation: str) -> Any:
        lines = [line.strip() for line in body.splitlines() if line.strip()]
        errors = [
            line.removeprefix("ERROR:").strip() for line in lines if line.startswith("ERROR:")
        ]
        if errors:
            raise error_from_messages(errors, detail=body[:2000])
        if lines and all(line.startswith("SUCCESS:") for line in lines):
            return None
        raise SpamExpertsUnavailable(
            f"{self._http.service} gave an answer to {operation} that is not JSON.",
            code="unexpected_answer",
            detail=body[:2000],
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SpamExpertsClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)
