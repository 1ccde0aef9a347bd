"""Building the answers of the simulated Plesk operations and reading their requests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol, TypeVar

from lxml import etree

from hostwerk.sandbox.plesk.entries import PleskFailure
from hostwerk.sandbox.plesk.state import PleskState


class _Identified(Protocol):
    id: int


Item = TypeVar("Item", bound=_Identified)


def error_answer(operation: etree._Element, code: int, text: str) -> etree._Element:
    """The answer to an operation that failed as a whole: one error result."""
    answer = etree.Element(operation.tag)
    inner = answer
    if operation.tag == "update" and len(operation):
        # mail update answers inside the sub-operation: <update><set><result/></set></update>
        inner = etree.SubElement(answer, operation[0].tag)
    add_result(inner, failure=PleskFailure(code, text))
    return answer


# -- building answers and reading requests ----------------------------------------------------------------------------


def add_child(parent: etree._Element, tag: str, text: object = None) -> etree._Element:
    element = etree.SubElement(parent, tag)
    if text is not None:
        element.text = str(text)
    return element


def add_result(
    parent: etree._Element,
    *,
    failure: PleskFailure | None = None,
    filter_id: str | None = None,
    id: int | None = None,
) -> etree._Element:
    """<result> in resultFilterType order: status, errcode, errtext, filter-id, id."""
    result = add_child(parent, "result")
    if failure is None:
        add_child(result, "status", "ok")
    else:
        add_child(result, "status", "error")
        add_child(result, "errcode", failure.code)
        add_child(result, "errtext", failure.text)
    if filter_id is not None:
        add_child(result, "filter-id", filter_id)
    if id is not None:
        add_child(result, "id", id)
    return result


def text_at(element: etree._Element | None, path: str, default: str = "") -> str:
    if element is None:
        return default
    found = element.find(path)
    if found is None or found.text is None:
        return default
    return found.text.strip()


def flag_at(element: etree._Element | None, path: str, default: bool) -> bool:
    value = text_at(element, path)
    if not value:
        return default
    return value in ("true", "1")


def filter_items(filter_element: etree._Element | None) -> list[tuple[str | None, str | None]]:
    """(key, value) per filter entry; an empty filter is one (None, None): everything."""
    if filter_element is None or not len(filter_element):
        return [(None, None)]
    return [(item.tag, (item.text or "").strip()) for item in filter_element]


def select(
    answer: etree._Element,
    filter_element: etree._Element | None,
    find: Callable[[str | None, str | None], list[Item]],
) -> Iterator[tuple[str | None, Item]]:
    """Resolve the filter entry by entry, in request order.

    An entry that matches nothing gets its error result here; the caller writes the result of
    each yielded match before the next entry is looked at, so results keep the request's order.
    """
    for key, value in filter_items(filter_element):
        try:
            matches = find(key, value)
        except PleskFailure as failure:
            add_result(answer, failure=failure, filter_id=value)
            continue
        if not matches and key is not None and key not in ("site-id", "site-name"):
            add_result(answer, failure=PleskFailure(1013), filter_id=value)
        for match in matches:
            yield value, match


def for_each(
    state: PleskState,
    operation: etree._Element,
    find: Callable[[str | None, str | None], list[Item]],
    act: Callable[[Item], None],
) -> etree._Element:
    """set/del style: act on every selected object, one result (filter-id, id) each."""
    answer = etree.Element(operation.tag)
    for filter_id, item in select(answer, operation.find("filter"), find):
        try:
            act(item)
        except PleskFailure as failure:
            add_result(answer, failure=failure, filter_id=filter_id, id=item.id)
            continue
        add_result(answer, filter_id=filter_id, id=item.id)
    return answer


def fields_of(element: etree._Element | None) -> dict[str, str]:
    if element is None:
        return {}
    return {item.tag: (item.text or "").strip() for item in element if isinstance(item.tag, str)}
