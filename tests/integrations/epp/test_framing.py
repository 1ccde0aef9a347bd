"""RFC 5734 framing: the reader must cope with however TCP splits or joins the bytes."""

from __future__ import annotations

import socket
import struct
import threading
import time

import pytest

from hostwerk.integrations.epp.framing import (
    FrameReader,
    FramingError,
    PeerClosedConnection,
    encode_frame,
)


@pytest.fixture
def socket_pair():
    left, right = socket.socketpair()
    left.settimeout(5)
    right.settimeout(5)
    yield left, right
    left.close()
    right.close()


def test_length_counts_the_four_header_bytes():
    frame = encode_frame(b"<epp/>")

    assert frame[:4] == struct.pack(">I", 10)
    assert frame[4:] == b"<epp/>"


def test_frame_split_across_several_reads_is_reassembled(socket_pair):
    writer, reading_side = socket_pair
    payload = b"<epp>" + b"x" * 5000 + b"</epp>"
    frame = encode_frame(payload)

    def dribble() -> None:
        # Split inside the header as well as inside the body.
        for start, end in ((0, 1), (1, 3), (3, 7), (7, 2000), (2000, len(frame))):
            writer.sendall(frame[start:end])
            time.sleep(0.02)

    thread = threading.Thread(target=dribble)
    thread.start()
    reader = FrameReader(reading_side)

    assert reader.read_frame() == payload
    thread.join()
    assert reader.buffered == 0


def test_two_frames_in_one_read_are_returned_one_after_the_other(socket_pair):
    writer, reading_side = socket_pair
    writer.sendall(encode_frame(b"<first/>") + encode_frame(b"<second/>"))
    reader = FrameReader(reading_side)

    assert reader.read_frame() == b"<first/>"
    assert reader.buffered == len(encode_frame(b"<second/>"))
    assert reader.read_frame() == b"<second/>"
    assert reader.buffered == 0


def test_a_frame_and_a_half_keeps_the_half_for_the_next_read(socket_pair):
    writer, reading_side = socket_pair
    second = encode_frame(b"<second/>")
    writer.sendall(encode_frame(b"<first/>") + second[:6])
    reader = FrameReader(reading_side)

    assert reader.read_frame() == b"<first/>"
    writer.sendall(second[6:])
    assert reader.read_frame() == b"<second/>"


def test_peer_closing_in_the_middle_of_a_frame_is_reported(socket_pair):
    writer, reading_side = socket_pair
    writer.sendall(encode_frame(b"<epp>unfinished</epp>")[:10])
    writer.close()

    with pytest.raises(PeerClosedConnection, match="after 10 bytes"):
        FrameReader(reading_side).read_frame()


def test_peer_closing_between_frames_is_reported(socket_pair):
    writer, reading_side = socket_pair
    writer.close()

    with pytest.raises(PeerClosedConnection, match="closed by the peer"):
        FrameReader(reading_side).read_frame()


@pytest.mark.parametrize("length", [0, 3, 4])
def test_a_length_without_room_for_xml_is_refused(socket_pair, length):
    writer, reading_side = socket_pair
    writer.sendall(struct.pack(">I", length))

    with pytest.raises(FramingError, match="too small"):
        FrameReader(reading_side).read_frame()


def test_a_huge_length_is_refused_before_reading_it(socket_pair):
    writer, reading_side = socket_pair
    writer.sendall(struct.pack(">I", 2**31))

    with pytest.raises(FramingError, match="exceeds the limit"):
        FrameReader(reading_side, max_frame_size=1024).read_frame()
