"""In-memory state of the SpamExperts simulator: filtered domains, their routes, and how calls are answered."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Literal

import idna

from hostwerk.sandbox.faults import FaultPlan

ConfirmMode = Literal["auto", "manual"]
CONFIRM_MODES: tuple[str, ...] = ("auto", "manual")

# The hosted cloud's default MX set; a route pointing at one of them would loop mail.
DEFAULT_FILTER_HOSTS: tuple[str, ...] = (
    "mx.spamexperts.com",
    "fallbackmx.spamexperts.eu",
    "lastmx.spamexperts.net",
)
DEFAULT_SMTP_PORT = 25
# The login every simulator accepts in the demo.
SANDBOX_USERNAME = "admin"
SANDBOX_PASSWORD = "sandbox"
CALL_LOG_LIMIT = 1000


@dataclass
class FilteredDomain:
    name: str  # A-label form, lower case, no trailing dot
    destinations: list[tuple[str, int]]
    owner: str
    # False while the provider has not yet set the domain up (manual confirmation mode):
    # the domain then exists for add/remove/getroute but `exists` still reports present=0.
    confirmed: bool = True

    def as_json(self) -> dict[str, object]:
        return {
            "destinations": [f"{host}:{port}" for host, port in self.destinations],
            "owner": self.owner,
            "confirmed": self.confirmed,
        }


@dataclass
class Answer:
    """What an API call answers: success lines and a result, or error lines."""

    success: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    result: object = None
    # Whether the answer in the non-JSON format is the bare result rather than SUCCESS lines.
    bare_result: bool = False


class SpamExpertsState:
    """Domains held by the simulated panel; every method is safe to call from handler threads."""

    def __init__(
        self,
        *,
        username: str = SANDBOX_USERNAME,
        password: str = SANDBOX_PASSWORD,
        confirm: ConfirmMode = "auto",
        filter_hosts: tuple[str, ...] = DEFAULT_FILTER_HOSTS,
        domain_limit: int | None = None,
    ) -> None:
        if confirm not in CONFIRM_MODES:
            raise ValueError(f"confirm must be one of {CONFIRM_MODES}")
        self.username = username
        self.password = password
        self.confirm_mode: ConfirmMode = confirm
        self.initial_confirm_mode: ConfirmMode = confirm
        self.filter_hosts = filter_hosts
        self.domain_limit = domain_limit
        self.initial_domain_limit = domain_limit
        self.domains: dict[str, FilteredDomain] = {}
        self.faults = FaultPlan()
        self.calls: list[dict[str, object]] = []
        self.lock = threading.RLock()

    # Control side (tests, the demo, `/_sandbox/...`).

    def reset(self, *, confirm: ConfirmMode | None = None) -> None:
        """Back to the state the simulator started with (or with another confirmation mode)."""
        with self.lock:
            self.domains.clear()
            self.calls.clear()
            self.faults.clear()
            self.domain_limit = self.initial_domain_limit
            self.set_confirm_mode(confirm or self.initial_confirm_mode)

    def set_confirm_mode(self, confirm: str) -> None:
        if confirm not in CONFIRM_MODES:
            raise ValueError(f"confirm must be one of {CONFIRM_MODES}")
        self.confirm_mode = confirm  # type: ignore[assignment]

    def confirm(self, domain: str) -> bool:
        """Mark a pending domain as set up by the provider; False when the panel does not hold it."""
        with self.lock:
            entry = self.domains.get(normalise_domain(domain))
            if entry is None:
                return False
            entry.confirmed = True
            return True

    def seed(
        self,
        *,
        domain: str,
        destinations: list[tuple[str, int]] = (),  # type: ignore[assignment]
        owner: str | None = None,
        confirmed: bool = True,
    ) -> None:
        """Put a domain in the panel directly, e.g. one that belongs to another account."""
        name = normalise_domain(domain)
        with self.lock:
            self.domains[name] = FilteredDomain(
                name=name,
                destinations=list(destinations),
                owner=owner or self.username,
                confirmed=confirmed,
            )

    def snapshot(self) -> dict[str, object]:
        with self.lock:
            return {
                "confirm": self.confirm_mode,
                "domain_limit": self.domain_limit,
                "domains": {name: entry.as_json() for name, entry in sorted(self.domains.items())},
                "faults": self.faults.pending(),
                "calls": list(self.calls),
            }

    def record_call(self, operation: str, parameters: dict[str, str], *, path: str) -> None:
        with self.lock:
            self.calls.append(
                {"operation": operation, "parameters": dict(parameters), "path": path}
            )
            del self.calls[:-CALL_LOG_LIMIT]

    # API side: each operation checks its input, then changes state only when `commit` is true
    # (false for an "ignore" fault: the answer is success, the panel forgets it).

    def domain_add(self, parameters: dict[str, str], *, commit: bool) -> Answer:
        name, problem = _domain_parameter(parameters)
        if problem:
            return Answer(errors=[problem])
        display = _display_name(name)
        destinations: list[tuple[str, int]] = []
        if parameters.get("destinations"):
            try:
                destinations = _parse_destinations(parameters["destinations"])
            except ValueError as exc:
                return Answer(errors=[str(exc), f"Failed to add domain '{display}'"])
        for host, _port in destinations:
            if host in self.filter_hosts:
                return Answer(
                    errors=[
                        f"The filtering server '{host}' cannot be a destination route.",
                        f"Failed to add domain '{display}'",
                    ]
                )
        with self.lock:
            existing = self.domains.get(name)
            if existing is not None and existing.owner != self.username:
                return Answer(
                    errors=[
                        f"The domain '{display}' does not belong to the admin '{self.username}'",
                        f"Failed to add domain '{display}'",
                    ]
                )
            if existing is not None:
                return Answer(
                    errors=["Domain already exists.", f"Failed to add domain '{display}'"]
                )
            if self.domain_limit is not None and len(self.domains) >= self.domain_limit:
                return Answer(
                    errors=[
                        f"You have reached the allowed limit of {self.domain_limit} domains.",
                        f"Failed to add domain '{display}'",
                    ]
                )
            if commit:
                self.domains[name] = FilteredDomain(
                    name=name,
                    destinations=destinations,
                    owner=self.username,
                    confirmed=self.confirm_mode == "auto",
                )
        return Answer(success=[f"Domain '{display}' added"])

    def domain_exists(self, parameters: dict[str, str], *, commit: bool) -> Answer:
        name, problem = _domain_parameter(parameters)
        if problem:
            return Answer(errors=[problem])
        with self.lock:
            entry = self.domains.get(name)
            present = entry is not None and entry.confirmed
        return Answer(result={"present": int(present)}, bare_result=True)

    def domain_getroute(self, parameters: dict[str, str], *, commit: bool) -> Answer:
        name, problem = _domain_parameter(parameters)
        if problem:
            return Answer(errors=[problem])
        with self.lock:
            entry = self.domains.get(name)
            if entry is None:
                return Answer(errors=[f"No such domain '{_display_name(name)}'."])
            if entry.owner != self.username:
                return Answer(errors=[f"You are not the owner of '{_display_name(name)}'."])
            # The real panel answers with a double colon before the port.
            routes = [f"{host}::{port}" for host, port in entry.destinations]
        return Answer(result=routes, bare_result=True)

    def domain_remove(self, parameters: dict[str, str], *, commit: bool) -> Answer:
        name, problem = _domain_parameter(parameters)
        if problem:
            return Answer(errors=[problem])
        display = _display_name(name)
        with self.lock:
            entry = self.domains.get(name)
            if entry is None:
                return Answer(
                    errors=[f"No such domain '{display}'.", f"Failed to remove domain '{display}'"]
                )
            if entry.owner != self.username:
                return Answer(
                    errors=[
                        f"You are not the owner of '{display}'.",
                        f"Failed to remove domain '{display}'",
                    ]
                )
            if commit:
                del self.domains[name]
        return Answer(success=[f"Domain '{display}' removed"])


def normalise_domain(domain: str) -> str:
    return domain.strip().rstrip(".").lower()


def _domain_parameter(parameters: dict[str, str]) -> tuple[str, str]:
    """The domain parameter in A-label form, or a problem in the panel's words."""
    raw = parameters.get("domain", "")
    if not raw:
        return "", "Incorrect usage of API: the parameter 'domain' is required."
    name = normalise_domain(raw)
    try:
        # The panel wants IDN names encoded; accept a U-label the way the add-ons send it.
        name = idna.encode(name, uts46=True).decode("ascii")
    except idna.IDNAError:
        return "", f"Domain name '{raw}' is not valid."
    if "." not in name:
        return "", f"Domain name '{raw}' is not valid."
    return name, ""


def _display_name(name: str) -> str:
    try:
        return idna.decode(name)
    except idna.IDNAError:
        return name


def _parse_destinations(text: str) -> list[tuple[str, int]]:
    try:
        routes = json.loads(text)
    except ValueError:
        raise ValueError("Incorrect usage of API: 'destinations' must be a JSON list.") from None
    if not isinstance(routes, list) or not all(isinstance(route, str) for route in routes):
        raise ValueError("Incorrect usage of API: 'destinations' must be a JSON list.")
    destinations = []
    for route in routes:
        host, separator, port_text = route.strip().rpartition(":")
        if not separator:
            host, port_text = route.strip(), str(DEFAULT_SMTP_PORT)
        port = int(port_text) if port_text.isdigit() else 0
        host = host.rstrip(".").lower()
        if not host or not 0 < port < 65536:
            raise ValueError(f"Destination '{route}' is not a valid route.")
        destinations.append((host, port))
    return destinations
