"""A small HTTP/1.1 GET client over a plain socket, for load generation on the machine under test.

The load generator shares the 2 cores with the server it measures: httpx spent ~1-2.6 ms of CPU
a request here, this client ~0.2 ms, so more of the machine is left to gunicorn and PostgreSQL.
It reads Content-Length, chunked and read-until-close bodies, and reconnects when the server
closes the connection (gunicorn's sync workers close after every response).
"""

from __future__ import annotations

import socket


class HttpGetter:
    def __init__(self, host: str, port: int, *, timeout: float = 30.0) -> None:
        self.address = (host, port)
        self.host_header = f"Host: {host}:{port}\r\n".encode()
        self.timeout = timeout
        self.sock: socket.socket | None = None
        self.buffer = b""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = None
        self.buffer = b""

    def get(self, target: str, headers: dict[str, str]) -> tuple[int, bytes]:
        """(status, body) of GET `target`; raises OSError or ValueError on a broken answer."""
        if self.sock is None:
            self.sock = socket.create_connection(self.address, timeout=self.timeout)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        lines = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        request = f"GET {target} HTTP/1.1\r\n".encode() + self.host_header + lines.encode()
        try:
            self.sock.sendall(request + b"\r\n")
            status, fields = self._head()
            body = self._body(fields)
        except (OSError, ValueError):
            self.close()
            raise
        if fields.get("connection", "").lower() == "close" or "content-length" not in fields:
            self.close()
        return status, body

    def _receive(self) -> bytes:
        assert self.sock is not None
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionResetError("the server closed the connection")
        return chunk

    def _head(self) -> tuple[int, dict[str, str]]:
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self._receive()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/"):
            raise ValueError(f"not an HTTP status line: {status_line!r}")
        fields = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
        return int(parts[1]), fields

    def _exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self.buffer += self._receive()
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def _line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            self.buffer += self._receive()
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def _body(self, fields: dict[str, str]) -> bytes:
        if "content-length" in fields:
            return self._exactly(int(fields["content-length"]))
        if fields.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while size := int(self._line().split(b";")[0], 16):
                parts.append(self._exactly(size))
                self._exactly(2)
            while self._line():  # trailer fields, then the empty line
                pass
            return b"".join(parts)
        data = self.buffer
        self.buffer = b""
        assert self.sock is not None
        while chunk := self.sock.recv(65536):
            data += chunk
        return data
