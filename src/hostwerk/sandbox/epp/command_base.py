"""What every simulated EPP command shares: parsing the command, the session's login state,
reading values, and the building blocks of replies.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from hostwerk.integrations.epp import namespaces
from hostwerk.sandbox.epp.protocol import q
from hostwerk.sandbox.epp.state import CommandFailure

VERBS = (
    "login",
    "logout",
    "check",
    "info",
    "create",
    "update",
    "delete",
    "renew",
    "transfer",
    "poll",
)
OBJECT_PREFIXES = {
    namespaces.DOMAIN: "domain",
    namespaces.CONTACT: "contact",
    namespaces.HOST: "host",
}
SIDN_VALIDATION_FAILED = "Validation of the transaction failed."

D = {"domain": namespaces.DOMAIN}
C = {"contact": namespaces.CONTACT}
H = {"host": namespaces.HOST}
E = {"epp": namespaces.EPP}


@dataclass
class SessionState:
    """One connection's login state."""

    client_id: str | None = None
    object_uris: tuple[str, ...] = ()
    extension_uris: tuple[str, ...] = ()

    @property
    def sidn_uri(self) -> str | None:
        return next((uri for uri in self.extension_uris if uri == namespaces.SIDN), None)


@dataclass
class ParsedCommand:
    operation: str  # "login", "poll", "domain:create" ...: the key of faults
    verb: str
    verb_element: etree._Element
    object_element: etree._Element | None
    extension: etree._Element | None
    client_transaction_id: str | None

    @property
    def target(self) -> etree._Element:
        """The object element (`domain:create` ...) of an object command."""
        if self.object_element is None:
            raise CommandFailure(2001, f"<{self.verb}> holds no object element")
        return self.object_element


def parse_command(root: etree._Element) -> ParsedCommand:
    command = root.find("epp:command", E)
    if root.tag != q(namespaces.EPP, "epp") or command is None:
        raise CommandFailure(2001, "expected <epp><command> or <epp><hello/>")
    verb_element = None
    extension = None
    client_transaction_id = None
    for child in command:
        if not isinstance(child.tag, str):
            continue
        local = etree.QName(child).localname
        if child.tag == q(namespaces.EPP, "extension"):
            extension = child
        elif child.tag == q(namespaces.EPP, "clTRID"):
            client_transaction_id = (child.text or "").strip()
        elif verb_element is None:
            verb_element = child
            if etree.QName(child).namespace != namespaces.EPP or local not in VERBS:
                raise CommandFailure(2000, f"unknown command <{local}>")
    if verb_element is None:
        raise CommandFailure(2001, "the command has no verb")
    if client_transaction_id is not None and not 3 <= len(client_transaction_id) <= 64:
        raise CommandFailure(2001, "clTRID must be 3 to 64 characters")
    verb = etree.QName(verb_element).localname
    if verb in ("login", "logout", "poll"):
        return ParsedCommand(verb, verb, verb_element, None, extension, client_transaction_id)
    object_element = next((item for item in verb_element if isinstance(item.tag, str)), None)
    if object_element is None:
        raise CommandFailure(2001, f"<{verb}> holds no object element")
    prefix = OBJECT_PREFIXES.get(etree.QName(object_element).namespace or "")
    if prefix is None:
        raise CommandFailure(2307, f"object namespace {etree.QName(object_element).namespace}")
    if etree.QName(object_element).localname != verb:
        raise CommandFailure(2001, f"<{verb}> holds <{etree.QName(object_element).localname}>")
    return ParsedCommand(
        f"{prefix}:{verb}", verb, verb_element, object_element, extension, client_transaction_id
    )


def text(element: etree._Element | None, path: str, ns: dict[str, str]) -> str:
    if element is None:
        return ""
    found = element.find(path, ns)
    return (found.text or "").strip() if found is not None else ""


def texts(element: etree._Element | None, path: str, ns: dict[str, str]) -> list[str]:
    if element is None:
        return []
    return [(item.text or "").strip() for item in element.findall(path, ns)]


def sidn_failure(
    code: int, detail_code: str, field_name: str, detail: str, *, message: str | None = None
) -> CommandFailure:
    return CommandFailure(code, message=message, sidn=[(detail_code, field_name, detail)])


def response_data(namespace: str, prefix: str, name: str) -> tuple[etree._Element, etree._Element]:
    data = etree.Element(q(namespaces.EPP, "resData"))
    inner = etree.SubElement(data, q(namespace, name), nsmap={prefix: namespace})
    return data, inner
