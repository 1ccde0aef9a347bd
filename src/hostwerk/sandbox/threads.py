"""Run a socketserver-based simulator in a background thread (tests) or in the foreground (CLI)."""

from __future__ import annotations

import signal
import socketserver
import threading
from dataclasses import dataclass


@dataclass
class RunningServer:
    """A simulator server serving in a daemon thread; `stop()` shuts it down and closes the socket."""

    server: socketserver.BaseServer
    thread: threading.Thread

    @property
    def host(self) -> str:
        return str(self.server.server_address[0])  # type: ignore[index]

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])  # type: ignore[index]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def serve_in_thread(server: socketserver.BaseServer, name: str) -> RunningServer:
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, name=name, daemon=True
    )
    thread.start()
    return RunningServer(server=server, thread=thread)


def serve_until_signal(*servers: socketserver.BaseServer) -> None:
    """Serve every server until SIGINT or SIGTERM, then shut them all down."""
    running = [serve_in_thread(server, type(server).__name__) for server in servers]
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    stop.wait()
    for item in running:
        item.stop()
