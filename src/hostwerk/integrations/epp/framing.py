"""RFC 5734 data units: a 4-byte big-endian total length (header included), then the XML."""

from __future__ import annotations

import struct
from typing import Protocol

HEADER_SIZE = 4
# Registry responses are a few kilobytes; a larger length means a broken or hostile peer.
MAX_FRAME_SIZE = 4 * 1024 * 1024


class FramingError(Exception):
    """The byte stream does not hold a valid EPP data unit."""


class PeerClosedConnection(FramingError):
    """The other side closed the connection (before or in the middle of a data unit)."""


class _Receiver(Protocol):
    def recv(self, size: int, /) -> bytes: ...


def encode_frame(payload: bytes) -> bytes:
    """Prefix `payload` with its total length, the 4 header bytes included."""
    total = HEADER_SIZE + len(payload)
    if total > MAX_FRAME_SIZE:
        raise FramingError(f"data unit of {total} bytes exceeds the limit of {MAX_FRAME_SIZE}")
    return struct.pack(">I", total) + payload


class FrameReader:
    """Reads whole data units from a socket, however the peer's bytes were split or joined.

    Bytes that arrive after the end of one data unit stay buffered for the next call.
    """

    def __init__(self, receiver: _Receiver, *, max_frame_size: int = MAX_FRAME_SIZE) -> None:
        self._receiver = receiver
        self._buffer = bytearray()
        self._max_frame_size = max_frame_size

    @property
    def buffered(self) -> int:
        """Bytes received but not yet returned as part of a data unit."""
        return len(self._buffer)

    def read_frame(self) -> bytes:
        """Return the XML payload of the next data unit."""
        self._fill(HEADER_SIZE)
        (total,) = struct.unpack(">I", bytes(self._buffer[:HEADER_SIZE]))
        if total <= HEADER_SIZE:
            raise FramingError(f"data unit length {total} is too small")
        if total > self._max_frame_size:
            raise FramingError(
                f"data unit length {total} exceeds the limit of {self._max_frame_size}"
            )
        self._fill(total)
        payload = bytes(self._buffer[HEADER_SIZE:total])
        del self._buffer[:total]
        return payload

    def _fill(self, size: int) -> None:
        while len(self._buffer) < size:
            chunk = self._receiver.recv(max(size - len(self._buffer), 16384))
            if not chunk:
                if self._buffer:
                    raise PeerClosedConnection(
                        f"connection closed after {len(self._buffer)} bytes of a data unit"
                    )
                raise PeerClosedConnection("connection closed by the peer")
            self._buffer.extend(chunk)
