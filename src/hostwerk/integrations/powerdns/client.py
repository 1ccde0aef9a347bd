"""Client of the PowerDNS Authoritative 4.7 HTTP API: zones and record sets, writes serialised per zone."""

from __future__ import annotations

import json
import logging
import random
import re
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from hostwerk.core.errors import TransientError
from hostwerk.core.http import HttpClient
from hostwerk.integrations.powerdns.errors import (
    PowerDnsAuthError,
    PowerDnsError,
    PowerDnsUnavailable,
    PowerDnsValidationError,
    PowerDnsZoneExists,
    PowerDnsZoneNotFound,
)
from hostwerk.integrations.powerdns.records import Record, RRSet, ZoneInfo

logger = logging.getLogger(__name__)

# PowerDNS silently turns an unknown kind into Native, so the client checks it.
ZONE_KINDS = ("Native", "Master", "Slave", "Producer", "Consumer")
# A name made of these characters is its own zone id; anything else is escaped by PowerDNS.
_PLAIN_ZONE_NAME = re.compile(r"^[A-Za-z0-9.-]+\.$")

# One lock per (server, zone) for the whole process, shared by every client instance: PowerDNS
# 4.7 on SQLite answers concurrent writes with HTTP 500 "database is locked" (fixed upstream only
# in 4.9.2). Writes to different zones still meet in the one database; the retries cover those
# and writes from other processes.
_zone_locks: dict[tuple[str, str], threading.Lock] = {}
_zone_locks_guard = threading.Lock()


def canonical_zone_name(name: str) -> str:
    """Lower case with exactly one trailing dot: how PowerDNS stores and returns zone names."""
    return name.strip().rstrip(".").lower() + "."


@contextmanager
def _zone_lock(server: str, zone: str) -> Iterator[None]:
    key = (server, canonical_zone_name(zone))
    with _zone_locks_guard:
        lock = _zone_locks.setdefault(key, threading.Lock())
    with lock:
        yield


class PowerDnsClient:
    """One PowerDNS server's API.

    `api_url` is the webserver address, e.g. "http://127.0.0.1:8081" (a trailing "/api/v1" is
    accepted too). HTTP 500 answers, which on 4.7 with SQLite mostly mean "database is locked",
    are retried `retry_attempts` times in all with exponential backoff and jitter, after which
    PowerDnsUnavailable is raised. PowerDNS rolls a failed request back, so every retry is safe.
    """

    def __init__(
        self,
        api_url: str,
        *,
        api_key: str,
        server_id: str = "localhost",
        timeout: float = 30.0,
        retry_attempts: int = 8,
        retry_delay: float = 0.05,
        retry_max_delay: float = 1.0,
    ) -> None:
        base_url = api_url.rstrip("/")
        for suffix in ("/api/v1", "/api"):
            if base_url.endswith(suffix):
                base_url = base_url[: -len(suffix)]
                break
        self._base_url = base_url
        self._server_path = f"/api/v1/servers/{quote(server_id, safe='')}"
        self._retry_attempts = max(1, retry_attempts)
        self._retry_delay = retry_delay
        self._retry_max_delay = retry_max_delay
        self._http = HttpClient(
            base_url,
            timeout=timeout,
            service=f"PowerDNS at {urlsplit(base_url).netloc or base_url}",
            headers={"X-API-Key": api_key, "Accept": "application/json"},
        )

    # Reads.

    def zone_get(self, name: str) -> ZoneInfo | None:
        """The zone with its record sets, or None when PowerDNS does not have it."""
        zone_id = self._zone_id(name)
        if zone_id is None:
            return None
        response, _ = self._send("GET", f"/zones/{quote(zone_id, safe='')}")
        if response.status_code == 404:
            return None
        return _zone_from_json(self._json(response, zone=name))

    def zone_list(self) -> list[str]:
        """The names of all zones, sorted."""
        response, _ = self._send("GET", "/zones", params={"dnssec": "false"})
        zones = self._json(response)
        return sorted(str(zone["name"]) for zone in zones)

    def zone_exists(self, name: str) -> bool:
        response, _ = self._send(
            "GET", "/zones", params={"zone": canonical_zone_name(name), "dnssec": "false"}
        )
        return bool(self._json(response))

    # Writes.

    def zone_create(
        self,
        *,
        name: str,
        nameservers: Iterable[str] = (),
        rrsets: Iterable[RRSet] = (),
        kind: str = "Native",
        soa_edit_api: str = "DEFAULT",
    ) -> ZoneInfo:
        """Create a zone; PowerDNS adds the SOA (serial managed by `soa_edit_api`) and the NS set
        from `nameservers`. Raises PowerDnsZoneExists when the zone is already there.

        After a retried HTTP 500 a PowerDnsZoneExists may mean that an earlier attempt of this
        very call went through; callers adopt a zone they asked for.
        """
        if kind not in ZONE_KINDS:
            raise ValueError(f"zone kind must be one of {ZONE_KINDS}, not {kind!r}")
        body = {
            "name": name,
            "kind": kind,
            "nameservers": list(nameservers),
            "rrsets": [_rrset_to_json(rrset) for rrset in rrsets],
            "soa_edit_api": soa_edit_api,
        }
        response, _ = self._send("POST", "/zones", json_body=body, zone=name, write=True)
        return _zone_from_json(self._json(response, zone=name, expect=201))

    def zone_replace_rrsets(
        self,
        *,
        name: str,
        replace: Iterable[RRSet] = (),
        delete: Iterable[tuple[str, str]] = (),
    ) -> None:
        """Replace record sets and delete (name, type) pairs in one atomic PATCH.

        A REPLACE with no records deletes the set. Deleting the SOA, or the NS set at the apex,
        is refused: PowerDNS would accept it and the zone would stop answering.
        """
        zone = canonical_zone_name(name)
        replace = list(replace)
        delete = [(rrset_name, rrset_type.upper()) for rrset_name, rrset_type in delete]
        removed = [(rrset.name, rrset.type) for rrset in replace if not rrset.records] + delete
        for rrset_name, rrset_type in removed:
            if rrset_type == "SOA" or (
                rrset_type == "NS" and canonical_zone_name(rrset_name) == zone
            ):
                raise PowerDnsValidationError(
                    f"Refusing to delete the {rrset_type} records of '{zone}': "
                    "the zone would stop answering.",
                    code="refused_by_client",
                )
        changes = [{**_rrset_to_json(rrset), "changetype": "REPLACE"} for rrset in replace]
        # DELETE must not carry a ttl (API spec).
        changes += [
            {"name": rrset_name, "type": rrset_type, "changetype": "DELETE", "records": []}
            for rrset_name, rrset_type in delete
        ]
        if not changes:
            return
        zone_id = self._zone_id(name)
        if zone_id is None:
            raise PowerDnsZoneNotFound(f"PowerDNS has no zone named '{zone}'.", code=404)
        response, _ = self._send(
            "PATCH",
            f"/zones/{quote(zone_id, safe='')}",
            json_body={"rrsets": changes},
            zone=name,
            write=True,
        )
        self._check(response, zone=name, expect=204)

    def zone_delete(self, name: str) -> None:
        """Delete the zone; PowerDnsZoneNotFound when there is none."""
        zone = canonical_zone_name(name)
        zone_id = self._zone_id(name)
        if zone_id is None:
            raise PowerDnsZoneNotFound(f"PowerDNS has no zone named '{zone}'.", code=404)
        response, retried = self._send(
            "DELETE", f"/zones/{quote(zone_id, safe='')}", zone=name, write=True
        )
        if response.status_code == 404 and retried:
            # The zone was there at the first attempt; an attempt that failed late did delete it.
            return
        self._check(response, zone=name, expect=204)

    # Plumbing.

    def _zone_id(self, name: str) -> str | None:
        """The zone's id for URLs; None when a look-up finds no zone of that name."""
        zone = canonical_zone_name(name)
        if _PLAIN_ZONE_NAME.match(zone):
            return zone
        # Ids of unusual names are escaped by PowerDNS; ask rather than guess.
        response, _ = self._send("GET", "/zones", params={"zone": zone, "dnssec": "false"})
        zones = self._json(response)
        return str(zones[0]["id"]) if zones else None

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json_body: object = None,
        zone: str | None = None,
        write: bool = False,
    ) -> tuple[httpx.Response, bool]:
        """Send with retries on HTTP 500; writes hold the zone's lock. Returns (response, retried)."""
        lock = _zone_lock(self._base_url + self._server_path, zone) if write and zone else None
        with lock if lock is not None else nullcontext():
            for attempt in range(self._retry_attempts):
                try:
                    response = self._http.request(
                        method,
                        self._server_path + path,
                        params=params,
                        content=None if json_body is None else json.dumps(json_body).encode(),
                        headers=None if json_body is None else {"Content-Type": "application/json"},
                    )
                except TransientError as exc:
                    raise PowerDnsUnavailable(
                        exc.message, code=exc.code, detail=exc.detail
                    ) from exc
                if response.status_code != 500 or attempt == self._retry_attempts - 1:
                    return response, attempt > 0
                delay = min(self._retry_max_delay, self._retry_delay * 2**attempt)
                delay *= random.uniform(0.5, 1.5)  # spread out writers in other processes
                logger.info(
                    "PowerDNS answered HTTP 500 to %s %s (attempt %d); retrying in %.2fs",
                    method,
                    path,
                    attempt + 1,
                    delay,
                )
                time.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _json(self, response: httpx.Response, *, zone: str | None = None, expect: int = 200) -> Any:
        self._check(response, zone=zone, expect=expect)
        try:
            return response.json()
        except ValueError:
            raise PowerDnsError(
                f"{self._http.service} answered with something that is not JSON: "
                "is the API URL right?",
                code="unexpected_answer",
                detail=response.text[:2000],
            ) from None

    def _check(self, response: httpx.Response, *, zone: str | None, expect: int) -> None:
        status = response.status_code
        if status == expect:
            return
        service = self._http.service
        body = response.text[:2000]
        zone_text = canonical_zone_name(zone) if zone else "?"
        if status in (401, 403):
            raise PowerDnsAuthError(
                f"{service} refused the API key (HTTP {status}).", code=status, detail=body
            )
        if status == 404:
            raise PowerDnsZoneNotFound(
                f"PowerDNS has no zone named '{zone_text}'.", code=404, detail=body
            )
        if status == 409:
            raise PowerDnsZoneExists(
                f"PowerDNS already has a zone named '{zone_text}'.", code=409, detail=body
            )
        if status == 422:
            error, errors = _error_text(response)
            raise PowerDnsValidationError(error, detail=body, errors=errors)
        if status >= 500:
            raise PowerDnsUnavailable(
                f"{service} answered HTTP {status} ({body.strip() or 'no text'}) "
                f"{self._retry_attempts} times; try again later.",
                code=status,
                detail=body,
            )
        # 400 and the rest come as one-word plain text ("Bad Request").
        raise PowerDnsError(
            f"{service} refused the request: HTTP {status} {body.strip()}".strip(),
            code=status,
            detail=body,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PowerDnsClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _error_text(response: httpx.Response) -> tuple[str, tuple[str, ...]]:
    try:
        data = response.json()
    except ValueError:
        return response.text.strip() or "PowerDNS refused the data.", ()
    if not isinstance(data, dict):
        return str(data), ()
    errors = tuple(str(item) for item in data.get("errors") or ())
    return str(data.get("error") or "; ".join(errors) or "PowerDNS refused the data."), errors


def _rrset_to_json(rrset: RRSet) -> dict[str, object]:
    return {
        "name": rrset.name,
        "type": rrset.type,
        "ttl": int(rrset.ttl),
        "records": [
            {"content": record.content, "disabled": record.disabled} for record in rrset.records
        ],
    }


def _zone_from_json(data: dict[str, Any]) -> ZoneInfo:
    rrsets = [
        RRSet(
            name=str(item["name"]),
            type=str(item["type"]),
            ttl=int(item.get("ttl") or 0),
            records=tuple(
                Record(content=str(record["content"]), disabled=bool(record.get("disabled")))
                for record in item.get("records") or ()
            ),
        )
        for item in data.get("rrsets") or ()
        # 4.7 returns other rrsets' comments as record-less rrsets (PowerDNS bug #14539).
        if item.get("records")
    ]
    rrsets.sort(key=lambda rrset: (rrset.name, rrset.type))
    return ZoneInfo(
        name=str(data["name"]),
        kind=str(data.get("kind", "")),
        serial=int(data.get("serial") or 0),
        rrsets=tuple(rrsets),
    )
