"""Build EPP command documents and read greetings and responses (lxml, hardened parser)."""

from __future__ import annotations

from datetime import datetime

from lxml import etree

from hostwerk.core.xml import UnsafeXmlError, parse_xml, to_bytes
from hostwerk.integrations.epp import namespaces
from hostwerk.integrations.epp.data import Greeting, Response

REDACTED = "********"
# Elements whose text is a secret: login passwords and auth codes of every object type.
_SECRET_ELEMENTS = {"pw", "newPW"}


class ResponseFormatError(ValueError):
    """The registry sent something that is not an EPP greeting or response."""


def qualified(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def add(
    parent: etree._Element,
    namespace: str,
    name: str,
    text: str | None = None,
    **attributes: str,
) -> etree._Element:
    """Append a child element; `text` None leaves it empty."""
    child = etree.SubElement(parent, qualified(namespace, name), attrib=attributes or None)
    if text is not None:
        child.text = text
    return child


def new_document() -> etree._Element:
    return etree.Element(qualified(namespaces.EPP, "epp"), nsmap={None: namespaces.EPP})


def new_command(verb: str, **attributes: str) -> tuple[etree._Element, etree._Element]:
    """Return (<command>, <verb>) of a new document; the clTRID is added when it is sent."""
    document = new_document()
    command = add(document, namespaces.EPP, "command")
    verb_element = add(command, namespaces.EPP, verb, **attributes)
    return command, verb_element


def object_element(
    parent: etree._Element, namespace: str, prefix: str, name: str, **attributes: str
) -> etree._Element:
    """An object command element (`domain:create` ...) that declares its own prefix."""
    element = etree.SubElement(
        parent,
        qualified(namespace, name),
        attrib=attributes or None,
        nsmap={prefix: namespace},
    )
    return element


def extension_element(command: etree._Element) -> etree._Element:
    """The command's <extension>, created after the verb element on first use."""
    existing = command.find(qualified(namespaces.EPP, "extension"))
    if existing is not None:
        return existing
    return add(command, namespaces.EPP, "extension")


def set_client_transaction_id(command: etree._Element, client_transaction_id: str) -> None:
    """Put the clTRID last in <command>, replacing an earlier one (a resend is a new command)."""
    tag = qualified(namespaces.EPP, "clTRID")
    for old in command.findall(tag):
        command.remove(old)
    add(command, namespaces.EPP, "clTRID", client_transaction_id)


def document_bytes(element: etree._Element) -> bytes:
    return to_bytes(element.getroottree().getroot())


def redact(xml: bytes) -> str:
    """The document as text with every password and auth code replaced, for logs."""
    if not xml:
        return ""
    try:
        root = parse_xml(xml)
    except UnsafeXmlError:
        return f"<!-- unreadable document of {len(xml)} bytes -->"
    for element in root.iter():
        if (
            isinstance(element.tag, str)
            and etree.QName(element).localname in _SECRET_ELEMENTS
            and element.text
        ):
            element.text = REDACTED
    return etree.tostring(root, encoding="unicode")


def parse_timestamp(text: str | None) -> datetime | None:
    """EPP dateTime (`2026-01-01T00:00:00.0Z`) as an aware datetime; None when absent."""
    if not text:
        return None
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def text_of(element: etree._Element | None, path: str, namespaces_map: dict[str, str]) -> str:
    if element is None:
        return ""
    found = element.find(path, namespaces_map)
    if found is None or found.text is None:
        return ""
    return found.text.strip()


def _parse_root(xml: bytes) -> etree._Element:
    try:
        root = parse_xml(xml)
    except UnsafeXmlError as exc:
        raise ResponseFormatError(str(exc)) from None
    if root.tag != qualified(namespaces.EPP, "epp"):
        raise ResponseFormatError(f"root element is {root.tag}, not an EPP document")
    return root


def parse_greeting(xml: bytes) -> Greeting:
    root = _parse_root(xml)
    ns = {"epp": namespaces.EPP}
    greeting = root.find("epp:greeting", ns)
    if greeting is None:
        raise ResponseFormatError("expected a <greeting>")
    menu = greeting.find("epp:svcMenu", ns)
    if menu is None:
        raise ResponseFormatError("the greeting has no <svcMenu>")

    def texts(path: str) -> tuple[str, ...]:
        return tuple((item.text or "").strip() for item in menu.findall(path, ns))

    return Greeting(
        server_id=text_of(greeting, "epp:svID", ns),
        server_date=parse_timestamp(text_of(greeting, "epp:svDate", ns)),
        versions=texts("epp:version"),
        languages=texts("epp:lang"),
        object_uris=texts("epp:objURI"),
        extension_uris=texts("epp:svcExtension/epp:extURI"),
    )


def _reasons(response: etree._Element) -> list[str]:
    ns = {"epp": namespaces.EPP}
    reasons: list[str] = []
    results = response.findall("epp:result", ns)
    for index, result in enumerate(results):
        if index > 0:
            extra = text_of(result, "epp:msg", ns)
            if extra:
                reasons.append(f"{result.get('code', '')} {extra}".strip())
        for ext_value in result.findall("epp:extValue", ns):
            reason = text_of(ext_value, "epp:reason", ns)
            if reason:
                reasons.append(reason)
    extension = response.find("epp:extension", ns)
    if extension is not None:
        # SIDN puts its detailed validation messages (code, field, text) in its extension.
        for sidn_uri in namespaces.SIDN_ALTERNATIVES:
            for message in extension.iter(qualified(sidn_uri, "msg")):
                text = (message.text or "").strip()
                label = " ".join(
                    part for part in (message.get("code", ""), message.get("field", "")) if part
                )
                reasons.append(f"{label}: {text}" if label else text)
    return reasons


def parse_response(xml: bytes) -> Response:
    root = _parse_root(xml)
    ns = {"epp": namespaces.EPP}
    response = root.find("epp:response", ns)
    if response is None:
        raise ResponseFormatError("expected a <response>")
    result = response.find("epp:result", ns)
    if result is None:
        raise ResponseFormatError("the response has no <result>")
    try:
        code = int(result.get("code", ""))
    except ValueError:
        raise ResponseFormatError(f"result code {result.get('code')!r} is not a number") from None
    queue = response.find("epp:msgQ", ns)
    queue_count = None
    queue_id = None
    if queue is not None:
        queue_id = queue.get("id")
        try:
            queue_count = int(queue.get("count", "0"))
        except ValueError:
            queue_count = None
    return Response(
        code=code,
        message=text_of(result, "epp:msg", ns),
        reason="; ".join(_reasons(response)),
        client_transaction_id=text_of(response, "epp:trID/epp:clTRID", ns),
        server_transaction_id=text_of(response, "epp:trID/epp:svTRID", ns),
        queue_count=queue_count,
        queue_message_id=queue_id,
        queue_date=parse_timestamp(text_of(queue, "epp:qDate", ns)),
        queue_text=text_of(queue, "epp:msg", ns),
        result_data=response.find("epp:resData", ns),
        extension=response.find("epp:extension", ns),
        xml=xml,
    )


def is_greeting(xml: bytes) -> bool:
    try:
        root = _parse_root(xml)
    except ResponseFormatError:
        return False
    return root.find(qualified(namespaces.EPP, "greeting")) is not None
