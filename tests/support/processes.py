"""Hostwerk as separate OS processes on the test database: gunicorn web processes and
`hostwerk worker` processes, each with its own log file, started together and stopped at the end.

The children see what the test committed (the test must be transactional) because they get a
DATABASE_URL naming the test database itself, which pytest-xdist suffixes per worker.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx
from django.db import connection

from hostwerk.core.models import WorkerBeat
from hostwerk.sandbox.powerdns import LOOPBACK, free_port

# Generous: five Python processes importing Django at once on a busy two-core machine.
STARTUP_TIMEOUT = 120.0


def database_url() -> str:
    """The URL of the database this test runs on (the test database, not the configured one)."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = quote(settings["USER"] or "postgres")
    password = f":{quote(settings['PASSWORD'])}" if settings.get("PASSWORD") else ""
    host = settings["HOST"] or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"


def wait_for(condition: Callable[[], object], *, timeout: float, what: str, every: float = 0.05):
    """Poll `condition` until it returns something true, and return that; fail after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(every)


@dataclass
class Child:
    name: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None


@dataclass
class HostwerkProcesses:
    """Web processes (`web_urls`) and workers (`workers`, by worker id) sharing one database."""

    directory: Path
    env: dict[str, str]
    children: list[Child] = field(default_factory=list)
    web_urls: list[str] = field(default_factory=list)
    workers: dict[str, Child] = field(default_factory=dict)

    def _spawn(self, name: str, command: list[str]) -> Child:
        log_path = self.directory / f"{name}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command,
                env=self.env,
                cwd=self.directory,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        child = Child(name=name, process=process, log_path=log_path)
        self.children.append(child)
        return child

    def web_start(self, name: str) -> str:
        port = free_port()
        # gthread: one Python process with threads, so that two web processes start quickly
        # and still take many requests at once.
        command = [sys.executable, "-m", "gunicorn", "hostwerk.wsgi:application"]
        command += ["--bind", f"{LOOPBACK}:{port}", "--workers", "1", "--threads", "8"]
        command += ["--worker-class", "gthread", "--timeout", "60", "--graceful-timeout", "5"]
        self._spawn(name, command)
        url = f"http://{LOOPBACK}:{port}"
        self.web_urls.append(url)
        return url

    def worker_start(self, worker_id: str) -> Child:
        command = [sys.executable, "-m", "hostwerk.cli", "worker", "--worker-id", worker_id]
        command += ["--interval", "0.2"]
        child = self._spawn(worker_id, command)
        self.workers[worker_id] = child
        return child

    def wait_until_ready(self) -> None:
        def ready() -> bool:
            for child in self.children:
                if not child.alive():
                    raise AssertionError(f"{child.name} exited at start:\n{child.log()[-3000:]}")
            for url in self.web_urls:
                try:
                    httpx.get(f"{url}/api/v1/openapi.json", timeout=2)
                except httpx.TransportError:
                    return False
            beating = set(WorkerBeat.objects.values_list("worker_id", flat=True))
            return set(self.workers) <= beating

        wait_for(ready, timeout=STARTUP_TIMEOUT, what="the web processes and workers", every=0.1)

    def kill(self, child: Child) -> None:
        child.process.send_signal(signal.SIGKILL)
        child.process.wait(timeout=10)

    def cpu_seconds(self) -> float:
        """CPU time used so far by the running children and their own children (gunicorn's
        worker), from /proc; for reporting what the processes cost."""
        ticks = os.sysconf("SC_CLK_TCK")
        parents: dict[int, int] = {}
        used: dict[int, int] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid = int(stat.parent.name)
            parents[pid] = int(fields[1])
            used[pid] = int(fields[11]) + int(fields[12])
        tree = {child.process.pid for child in self.children if child.alive()}
        grown = True
        while grown:
            more = {pid for pid, parent in parents.items() if parent in tree} - tree
            grown = bool(more)
            tree |= more
        return sum(used.get(pid, 0) for pid in tree) / ticks

    def logs(self) -> dict[str, str]:
        return {child.name: child.log() for child in self.children}

    def stop(self) -> None:
        """SIGTERM to all (workers finish their task, gunicorn its requests), then SIGKILL."""
        for child in self.children:
            if child.alive():
                child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in self.children:
            try:
                child.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait(timeout=10)


def processes_environment(directory: Path, **settings: str) -> dict[str, str]:
    """The children's environment: this process's, on the test database, writing under
    `directory`, with the given Hostwerk settings (HOSTWERK_...)."""
    src = str(Path(__file__).resolve().parents[2] / "src")
    path = os.environ.get("PYTHONPATH", "")
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "HOSTWERK_VAR_DIR": str(directory),
        "HOSTWERK_EMAIL": "file",
        "PYTHONPATH": f"{src}{os.pathsep}{path}" if path else src,
        "PYTHONUNBUFFERED": "1",
        **settings,
    }
