"""Run the real PowerDNS Authoritative server (Debian's pdns_server + gsqlite3) for tests and the demo.

Everything lives in one directory: pdns.conf, the SQLite database, the control socket and the log.
The server listens on loopback only, runs in the foreground as a child process (no daemon, no
guardian) and works both for root and for an ordinary user: it never needs /etc/powerdns or
/var/run/pdns, and it does not change user (setuid/setgid stay empty), so the files it writes
belong to whoever started it.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from hostwerk.core.errors import TransientError
from hostwerk.core.http import HttpClient

LOOPBACK = "127.0.0.1"
BACKEND_MODULE = "libgsqlite3backend.so"
# Debian's pdns-backend-sqlite3 puts the schema in the first place; the others are the
# package's documentation copy and what a source build installs.
SCHEMA_CANDIDATES = (
    "/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql",
    "/usr/share/doc/pdns-backend-sqlite3/schema.sqlite3.sql",
    "/usr/local/share/doc/pdns/schema.sqlite3.sql",
)
MODULE_DIRECTORY_PATTERNS = (
    "/usr/lib/*/pdns",
    "/usr/lib/pdns",
    "/usr/lib64/pdns",
    "/usr/local/lib/pdns",
)
# pdns_server lives in sbin, which an ordinary user's PATH often lacks.
EXTRA_BINARY_DIRECTORIES = ("/usr/sbin", "/usr/local/sbin", "/sbin")
DATABASE_NAME = "pdns.sqlite3"
CONFIG_NAME = "pdns.conf"
LOG_NAME = "pdns.log"
DEFAULT_SOA_CONTENT = "ns1.hostwerk.test. hostmaster.@ 0 10800 3600 604800 3600"


class PowerDnsStartError(RuntimeError):
    """pdns_server is missing, exited, or did not answer in time; the message has its log tail."""


def find_pdns_server() -> str | None:
    search_path = os.pathsep.join([os.environ.get("PATH", os.defpath), *EXTRA_BINARY_DIRECTORIES])
    return shutil.which("pdns_server", path=search_path)


def find_module_directory() -> Path | None:
    for pattern in MODULE_DIRECTORY_PATTERNS:
        for directory in sorted(glob.glob(pattern)):
            if (Path(directory) / BACKEND_MODULE).is_file():
                return Path(directory)
    return None


def find_schema() -> Path | None:
    for candidate in SCHEMA_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    return None


def powerdns_available() -> bool:
    """Whether pdns_server, its gsqlite3 backend module and the SQLite schema are installed."""
    return (
        find_pdns_server() is not None
        and find_module_directory() is not None
        and find_schema() is not None
    )


def missing_parts() -> list[str]:
    """What is missing for `powerdns_available()`, in words for a skip reason."""
    missing = []
    if find_pdns_server() is None:
        missing.append("pdns_server (Debian package pdns-server)")
    if find_module_directory() is None:
        missing.append(f"{BACKEND_MODULE} (Debian package pdns-backend-sqlite3)")
    if find_schema() is None:
        missing.append("schema.sqlite3.sql (Debian package pdns-backend-sqlite3)")
    return missing


def prepare(directory: Path, *, dns_port: int, api_port: int, api_key: str) -> list[str]:
    """Write pdns.conf, create the database if it does not exist yet, return the command line.

    An existing database is kept, so the demo's zones survive a restart.
    """
    binary = find_pdns_server()
    module_directory = find_module_directory()
    schema = find_schema()
    if binary is None or module_directory is None or schema is None:
        raise PowerDnsStartError("PowerDNS is not installed: missing " + ", ".join(missing_parts()))
    directory = Path(directory).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    database = directory / DATABASE_NAME
    if not database.exists():
        _create_database(database, schema)

    settings = {
        "launch": "gsqlite3",
        "module-dir": str(module_directory),
        "gsqlite3-database": str(database),
        "gsqlite3-dnssec": "yes",
        # WAL (also 4.7's default, named so it stays): the DNS side reads while the API writes.
        # synchronous=NORMAL is SQLite's advice for WAL: a commit no longer waits for an fsync,
        # so an API write costs a fraction (185 against 86 zone creates a second, one client),
        # and a power cut can lose only the last commits, never corrupt the file. What a
        # PowerDNS on gsqlite3 in production should use too; Hostwerk republishes what is lost.
        "gsqlite3-pragma-journal-mode": "WAL",
        "gsqlite3-pragma-synchronous": "1",
        "local-address": LOOPBACK,
        "local-port": str(dns_port),
        # Without its own socket directory an unprivileged server fails on /var/run/pdns.
        "socket-dir": str(directory),
        "daemon": "no",
        "guardian": "no",
        "write-pid": "no",
        "disable-syslog": "yes",
        "log-timestamp": "no",
        "loglevel": "4",
        # No outbound DNS lookups for security announcements.
        "security-poll-suffix": "",
        "api": "yes",
        "api-key": api_key,
        "webserver": "yes",
        "webserver-address": LOOPBACK,
        "webserver-port": str(api_port),
        "webserver-allow-from": "127.0.0.1/32,::1/128",
        "webserver-loglevel": "none",
        "default-soa-content": DEFAULT_SOA_CONTENT,
        # No answer caching: a change made through the API is served at once (the packet cache
        # would otherwise keep answering REFUSED for a name queried before its zone existed).
        "cache-ttl": "0",
        "negquery-cache-ttl": "0",
        "query-cache-ttl": "0",
        # Empty: stay the user who started us, whose files these are (root in CI, a developer
        # elsewhere); switching to "pdns" would lose write access to the directory.
        "setuid": "",
        "setgid": "",
    }
    config = directory / CONFIG_NAME
    config.write_text("".join(f"{name}={value}\n" for name, value in settings.items()))
    # The file holds the API key.
    config.chmod(0o600)
    return [binary, f"--config-dir={directory}"]


def _create_database(database: Path, schema: Path) -> None:
    partial = database.with_name(database.name + ".new")
    partial.unlink(missing_ok=True)
    connection = sqlite3.connect(partial)
    try:
        connection.executescript(schema.read_text())
        connection.commit()
    finally:
        connection.close()
    partial.rename(database)


@dataclass
class RunningPowerDns:
    """A pdns_server child process; `stop()` (or leaving the `with` block) terminates it."""

    process: subprocess.Popen[bytes]
    directory: Path
    api_url: str  # "http://127.0.0.1:<port>": the webserver; the API is under /api/v1
    api_key: str
    dns_host: str
    dns_port: int
    api_port: int
    log_path: Path
    _log_file: IO[bytes] | None = field(default=None, repr=False)

    def stop(self, timeout: float = 10.0) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, lines: int = 20) -> str:
        return _tail(self.log_path, lines)

    def __enter__(self) -> RunningPowerDns:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start(
    directory: Path,
    *,
    dns_port: int = 0,
    api_port: int = 0,
    api_key: str | None = None,
    startup_timeout: float = 30.0,
) -> RunningPowerDns:
    """Start pdns_server on loopback and wait until its API answers.

    A port of 0 picks a free one; when another process takes it in the moment between choosing
    and binding, the start is tried again with new ports.
    """
    api_key = api_key or secrets.token_urlsafe(24)
    directory = Path(directory).resolve()
    attempts = 3 if dns_port == 0 or api_port == 0 else 1
    last_error: PowerDnsStartError | None = None
    for _attempt in range(attempts):
        chosen_dns_port = dns_port or free_port(udp_too=True)
        chosen_api_port = api_port or free_port(exclude={chosen_dns_port})
        try:
            return _start_once(
                directory,
                dns_port=chosen_dns_port,
                api_port=chosen_api_port,
                api_key=api_key,
                startup_timeout=startup_timeout,
            )
        except PowerDnsStartError as exc:
            last_error = exc
    assert last_error is not None
    raise last_error


def _start_once(
    directory: Path, *, dns_port: int, api_port: int, api_key: str, startup_timeout: float
) -> RunningPowerDns:
    command = prepare(directory, dns_port=dns_port, api_port=api_port, api_key=api_key)
    log_path = directory / LOG_NAME
    log_file = log_path.open("ab")
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        cwd=directory,
        # Same process group as the caller on purpose: a Ctrl-C in the demo's terminal stops
        # this server too, so it is not left behind if the caller dies before `stop()`.
    )
    running = RunningPowerDns(
        process=process,
        directory=directory,
        api_url=f"http://{LOOPBACK}:{api_port}",
        api_key=api_key,
        dns_host=LOOPBACK,
        dns_port=dns_port,
        api_port=api_port,
        log_path=log_path,
        _log_file=log_file,
    )
    try:
        _wait_until_ready(running, startup_timeout)
    except BaseException:
        running.stop()
        raise
    return running


def _wait_until_ready(running: RunningPowerDns, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    with HttpClient(
        running.api_url,
        timeout=1.0,
        service="PowerDNS",
        headers={"X-API-Key": running.api_key},
    ) as http:
        while True:
            if running.process.poll() is not None:
                raise PowerDnsStartError(
                    f"pdns_server exited with status {running.process.returncode}:\n"
                    + running.log_tail()
                )
            with contextlib.suppress(TransientError):
                response = http.request("GET", "/api/v1/servers/localhost")
                if response.status_code == 200 and _accepts_tcp(running.dns_host, running.dns_port):
                    return
                if response.status_code in (401, 403):
                    raise PowerDnsStartError(
                        f"port {running.api_port} answers, but not to our API key: "
                        "another server is using it"
                    )
            if time.monotonic() > deadline:
                raise PowerDnsStartError(
                    f"pdns_server did not answer within {timeout:g} seconds:\n" + running.log_tail()
                )
            time.sleep(0.05)


def _accepts_tcp(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def free_port(*, udp_too: bool = False, exclude: set[int] = frozenset()) -> int:  # type: ignore[assignment]
    """A loopback port that is free now (for TCP, and for UDP too when asked)."""
    for _attempt in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind((LOOPBACK, 0))
            port = int(tcp.getsockname()[1])
            if port in exclude:
                continue
            if not udp_too:
                return port
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind((LOOPBACK, port))
                except OSError:
                    continue
                return port
    raise PowerDnsStartError("no free loopback port found")


def _tail(path: Path, lines: int) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])
