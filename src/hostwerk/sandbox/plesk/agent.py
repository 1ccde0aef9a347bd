"""The simulated agent.php: authentication, packet checks, fault injection and dispatch."""

from __future__ import annotations

import hmac
import time
from collections.abc import Mapping

from lxml import etree

from hostwerk.core.xml import UnsafeXmlError, parse_xml, to_bytes
from hostwerk.sandbox.faults import Fault
from hostwerk.sandbox.plesk.entries import STANDARD_TEXTS, PleskFailure
from hostwerk.sandbox.plesk.operations import error_answer, execute
from hostwerk.sandbox.plesk.schema import SchemaViolation, validate_packet
from hostwerk.sandbox.plesk.state import PleskState

NEWEST_PROTOCOL = (1, 6, 9, 1)
NEWEST_PROTOCOL_TEXT = "1.6.9.1"


class ConnectionDropped(Exception):
    """A fault says: close the connection without answering."""


def answer_packet(state: PleskState, headers: Mapping[str, str], body: bytes) -> bytes:
    """Answer one POST to agent.php the way Plesk does: always a packet, errors inside it.

    `headers` has lower-case names. Raises ConnectionDropped when a drop fault fires; operations before it keep their effect.
    """
    failure = _authenticate(state, headers)
    if failure is not None:
        return _system_error(NEWEST_PROTOCOL_TEXT, failure)
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "text/xml":
        return _system_error(
            NEWEST_PROTOCOL_TEXT,
            PleskFailure(
                1014,
                "Parser error: Request is invalid. The packet must be sent as "
                "Content-Type: text/xml.",
            ),
        )
    try:
        packet = parse_xml(body)
    except UnsafeXmlError as exc:
        return _system_error(NEWEST_PROTOCOL_TEXT, PleskFailure(1014, _parse_error_text(exc)))
    version = packet.get("version")
    if version is not None and not _supported(version):
        return _system_error(NEWEST_PROTOCOL_TEXT, PleskFailure(1005))
    answer_version = version or NEWEST_PROTOCOL_TEXT
    try:
        validate_packet(packet)
    except SchemaViolation as violation:
        return _system_error(answer_version, PleskFailure(1014, str(violation)))

    answer = etree.Element("packet", version=answer_version)
    for operator in packet:
        answer_operator = etree.SubElement(answer, operator.tag)
        for operation in operator:
            answer_operator.append(_run(state, operator.tag, operation))
    return to_bytes(answer)


def _run(state: PleskState, operator: str, operation: etree._Element) -> etree._Element:
    fault = state.faults.take(f"{operator}.{operation.tag}")
    if fault is None:
        with state.lock:
            return execute(state, operator, operation)
    if fault.mode == "delay":
        time.sleep(fault.delay)
    elif fault.mode == "drop_before":
        raise ConnectionDropped
    elif fault.mode == "error":
        code, text = _fault_error(fault)
        return error_answer(operation, code, text)
    with state.lock:
        if fault.mode == "ignore":
            before = state.snapshot()
            answer = execute(state, operator, operation)
            state.restore(before)
            return answer
        answer = execute(state, operator, operation)
    if fault.mode == "drop_after_commit":
        raise ConnectionDropped
    return answer


def _parse_error_text(error: UnsafeXmlError) -> str:
    cause = error.__cause__
    if isinstance(cause, etree.XMLSyntaxError):
        return f"Parser error: Request is invalid. Error in line {cause.lineno}: {cause.msg}"
    return f"Parser error: Request is invalid. {error}"


def _fault_error(fault: Fault) -> tuple[int, str]:
    try:
        code = int(fault.code) if fault.code is not None else 1023
    except ValueError:
        code = 1023
    return code, fault.text or STANDARD_TEXTS.get(code, "Operation failed.")


def _authenticate(state: PleskState, headers: Mapping[str, str]) -> PleskFailure | None:
    key = headers.get("key")
    if key is not None:
        if state.secret_key is None or not hmac.compare_digest(
            key.encode(), state.secret_key.encode()
        ):
            return PleskFailure(11003)
        return None
    login = headers.get("http_auth_login") or ""
    password = headers.get("http_auth_passwd") or ""
    if not (
        hmac.compare_digest(login.encode(), state.login.encode())
        and hmac.compare_digest(password.encode(), state.password.encode())
    ):
        return PleskFailure(1001)
    return None


def _supported(version: str) -> bool:
    """Any 1.x protocol up to the newest one; "1.6" and "1.6.5" count as 1.6.0.0 and 1.6.5.0."""
    parts = version.strip().split(".")
    if not all(part.isdigit() for part in parts) or not 1 <= len(parts) <= 4:
        return False
    numbers = tuple(int(part) for part in parts) + (0,) * (4 - len(parts))
    return numbers[0] == 1 and numbers <= NEWEST_PROTOCOL


def _system_error(version: str, failure: PleskFailure) -> bytes:
    answer = etree.Element("packet", version=version)
    system = etree.SubElement(answer, "system")
    etree.SubElement(system, "status").text = "error"
    etree.SubElement(system, "errcode").text = str(failure.code)
    etree.SubElement(system, "errtext").text = failure.text
    return to_bytes(answer)
