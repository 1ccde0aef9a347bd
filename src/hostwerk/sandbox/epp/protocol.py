"""EPP documents the simulator sends: greeting and responses with RFC 5730's result texts."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from hostwerk.core.xml import to_bytes
from hostwerk.integrations.epp import namespaces
from hostwerk.sandbox.epp.state import PollEntry, timestamp, utc_now

SERVER_ID = "Hostwerk EPP sandbox"

RESULT_MESSAGES = {
    1000: "Command completed successfully",
    1001: "Command completed successfully; action pending",
    1300: "Command completed successfully; no messages",
    1301: "Command completed successfully; ack to dequeue",
    1500: "Command completed successfully; ending session",
    2000: "Unknown command",
    2001: "Command syntax error",
    2002: "Command use error",
    2003: "Required parameter missing",
    2004: "Parameter value range error",
    2005: "Parameter value syntax error",
    2100: "Unimplemented protocol version",
    2101: "Unimplemented command",
    2102: "Unimplemented option",
    2103: "Unimplemented extension",
    2104: "Billing failure",
    2105: "Object is not eligible for renewal",
    2106: "Object is not eligible for transfer",
    2200: "Authentication error",
    2201: "Authorization error",
    2202: "Invalid authorization information",
    2300: "Object pending transfer",
    2301: "Object not pending transfer",
    2302: "Object exists",
    2303: "Object does not exist",
    2304: "Object status prohibits operation",
    2305: "Object association prohibits operation",
    2306: "Parameter value policy error",
    2307: "Unimplemented object service",
    2308: "Data management policy violation",
    2400: "Command failed",
    2500: "Command failed; server closing connection",
    2501: "Authentication error; server closing connection",
    2502: "Session limit exceeded; server closing connection",
}

OBJECT_URIS = (namespaces.DOMAIN, namespaces.CONTACT, namespaces.HOST)
EXTENSION_URIS = (namespaces.SIDN, namespaces.SECDNS)


def q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def sub(
    parent: etree._Element, namespace: str, name: str, text: str | None = None, **attributes: str
) -> etree._Element:
    child = etree.SubElement(parent, q(namespace, name), attrib=attributes or None)
    if text is not None:
        child.text = text
    return child


def new_epp() -> etree._Element:
    return etree.Element(q(namespaces.EPP, "epp"), nsmap={None: namespaces.EPP})


def greeting() -> bytes:
    root = new_epp()
    element = sub(root, namespaces.EPP, "greeting")
    sub(element, namespaces.EPP, "svID", SERVER_ID)
    sub(element, namespaces.EPP, "svDate", timestamp(utc_now()))
    menu = sub(element, namespaces.EPP, "svcMenu")
    sub(menu, namespaces.EPP, "version", "1.0")
    sub(menu, namespaces.EPP, "lang", "en")
    sub(menu, namespaces.EPP, "lang", "nl")
    for uri in OBJECT_URIS:
        sub(menu, namespaces.EPP, "objURI", uri)
    extensions = sub(menu, namespaces.EPP, "svcExtension")
    for uri in EXTENSION_URIS:
        sub(extensions, namespaces.EPP, "extURI", uri)
    dcp = sub(element, namespaces.EPP, "dcp")
    access = sub(dcp, namespaces.EPP, "access")
    sub(access, namespaces.EPP, "all")
    statement = sub(dcp, namespaces.EPP, "statement")
    purpose = sub(statement, namespaces.EPP, "purpose")
    sub(purpose, namespaces.EPP, "admin")
    sub(purpose, namespaces.EPP, "prov")
    recipient = sub(statement, namespaces.EPP, "recipient")
    sub(recipient, namespaces.EPP, "ours")
    sub(recipient, namespaces.EPP, "public")
    retention = sub(statement, namespaces.EPP, "retention")
    sub(retention, namespaces.EPP, "stated")
    return to_bytes(root)


@dataclass
class Reply:
    """What a command answers; `close` ends the session after sending it."""

    code: int = 1000
    message: str | None = None
    reason: str = ""
    sidn: list[tuple[str, str, str]] = field(default_factory=list)
    result_data: etree._Element | None = None
    extension: etree._Element | None = None
    poll: PollEntry | None = None
    queue_count: int | None = None
    queue_id: str | None = None
    close: bool = False


def response(
    reply: Reply,
    *,
    client_transaction_id: str | None,
    server_transaction_id: str,
    sidn_uri: str = namespaces.SIDN,
) -> bytes:
    root = new_epp()
    element = sub(root, namespaces.EPP, "response")
    result = sub(element, namespaces.EPP, "result", code=str(reply.code))
    sub(result, namespaces.EPP, "msg", reply.message or RESULT_MESSAGES.get(reply.code, ""))
    if reply.reason:
        ext_value = sub(result, namespaces.EPP, "extValue")
        value = sub(ext_value, namespaces.EPP, "value")
        sub(value, namespaces.EPP, "undef")
        sub(ext_value, namespaces.EPP, "reason", reply.reason)
    if reply.poll is not None or reply.queue_id is not None:
        queue = sub(
            element,
            namespaces.EPP,
            "msgQ",
            count=str(reply.queue_count or 0),
            id=reply.poll.id if reply.poll else str(reply.queue_id),
        )
        if reply.poll is not None:
            sub(queue, namespaces.EPP, "qDate", timestamp(reply.poll.queued_at))
            sub(queue, namespaces.EPP, "msg", reply.poll.text)
    if reply.result_data is not None:
        element.append(reply.result_data)
    extension = reply.extension
    if reply.sidn:
        extension = etree.Element(q(namespaces.EPP, "extension"))
        ext = etree.SubElement(extension, q(sidn_uri, "ext"), nsmap={"sidn-ext-epp": sidn_uri})
        sidn_response = sub(ext, sidn_uri, "response")
        for code, field_name, text in reply.sidn:
            sub(sidn_response, sidn_uri, "msg", text, field=field_name, code=code)
    if extension is not None:
        element.append(extension)
    transaction = sub(element, namespaces.EPP, "trID")
    if client_transaction_id:
        sub(transaction, namespaces.EPP, "clTRID", client_transaction_id)
    sub(transaction, namespaces.EPP, "svTRID", server_transaction_id)
    return to_bytes(root)
