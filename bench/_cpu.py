"""CPU time (user + system, in seconds) used so far by the programs of a bench on this machine."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path


def _program(command: str, pid: int) -> str | None:
    if "gunicorn" in command:
        return "gunicorn"
    if "hostwerk.cli worker" in command:
        return "worker"
    if command.startswith("postgres") or "/postgres" in command.split(" ")[0]:
        return "postgresql"
    if "pdns_server" in command:
        return "powerdns"
    if pid == os.getpid():
        return "bench"
    return None


def cpu_seconds() -> dict[str, float]:
    """By program: gunicorn (master and workers), `hostwerk worker`s, PostgreSQL, pdns_server,
    and this bench's own process (its load generator or simulators). A process's own time and
    that of its children that ended: PostgreSQL's backends come and go (a web process reconnects
    after CONN_MAX_AGE), and what an ended backend used stays counted in the postmaster's."""
    tick = os.sysconf("SC_CLK_TCK")
    used: Counter = Counter()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            command = Path(stat.parent, "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        program = _program(command, int(stat.parent.name))
        if program is not None:
            fields = text.rsplit(")", 1)[1].split()
            used[program] += sum(int(field) for field in fields[11:15]) / tick
    return dict(used)


def cpu_used(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """CPU seconds by program between two readings of `cpu_seconds`."""
    return {name: round(after[name] - before.get(name, 0.0), 2) for name in sorted(after)}
