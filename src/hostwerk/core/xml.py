"""Hardened XML parsing for protocol messages from outside (Plesk, EPP): no entities, DTDs or network."""

from __future__ import annotations

from lxml import etree


class UnsafeXmlError(ValueError):
    """The document is not well-formed or tries to use a DTD or entities."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=True,
    )


def parse_xml(data: bytes | str) -> etree._Element:
    """Parse `data` and return the root element; refuse documents that declare a DTD."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise UnsafeXmlError(f"not well-formed XML: {exc}") from exc
    if root.getroottree().docinfo.doctype:
        raise UnsafeXmlError("XML with a document type declaration is refused")
    return root


def to_bytes(element: etree._Element) -> bytes:
    """Serialise an element as a UTF-8 document with an XML declaration."""
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8")
