"""Building request packets and reading answer elements of the Plesk XML API."""

from __future__ import annotations

from lxml import etree

# Newest protocol in the Obsidian schema table; Plesk answers in the version it was asked for.
PROTOCOL_VERSION = "1.6.9.1"
# <spamfilter> is documented for protocol 1.4.0.0 to 1.6.9.0 only; asking for 1.6.9.0 keeps a
# newer server on the schema that still defines the operator.
SPAMFILTER_PROTOCOL_VERSION = "1.6.9.0"


def new_packet(version: str = PROTOCOL_VERSION) -> etree._Element:
    return etree.Element("packet", version=version)


def child(parent: etree._Element, tag: str, text: str | int | None = None) -> etree._Element:
    """Append <tag> to `parent`, with `text` as content when given; returns the new element."""
    element = etree.SubElement(parent, tag)
    if text is not None:
        element.text = str(text)
    return element


def path(parent: etree._Element, *tags: str) -> etree._Element:
    """Append a chain of nested elements (<a><b><c/></b></a>) and return the innermost."""
    element = parent
    for tag in tags:
        element = child(element, tag)
    return element


def text_of(element: etree._Element | None, xpath: str, default: str = "") -> str:
    if element is None:
        return default
    found = element.find(xpath)
    if found is None or found.text is None:
        return default
    return found.text.strip()


def texts_of(element: etree._Element | None, xpath: str) -> list[str]:
    if element is None:
        return []
    return [found.text.strip() for found in element.findall(xpath) if found.text]


def int_of(element: etree._Element | None, xpath: str) -> int | None:
    value = text_of(element, xpath)
    try:
        return int(value)
    except ValueError:
        return None


def bool_of(element: etree._Element | None, xpath: str) -> bool:
    return text_of(element, xpath).lower() in ("true", "1")


def exactly_one(**candidates: object) -> tuple[str, str]:
    given = [(tag, value) for tag, value in candidates.items() if value is not None]
    if len(given) != 1:
        raise TypeError(f"give exactly one of {', '.join(candidates)}")
    tag, value = given[0]
    return tag, str(value)


def optional_child(parent: etree._Element, tag: str, value: str) -> None:
    if value:
        child(parent, tag, value)
