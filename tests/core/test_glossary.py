"""Dutch says one thing one way: the words of the provider's staff in the staff area ("order",
as they write it), the client's words in the client area ("bestelling"), and one name each for
the client area ("klantscherm") and the filtering ("spamfilter")."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import hostwerk

CATALOGUE = Path(hostwerk.__file__).parent / "locale" / "nl" / "LC_MESSAGES" / "django.po"

# Sources only staff read (the staff area, settings, staff e-mails, permissions, audit labels).
STAFF_ONLY = (
    "staff/",
    "templates/staff/",
    "templates/notifications/staff_new_order/",
    "core/audit_labels.py",
    "core/models.py",
    "notifications/kinds.py",
    "billing/config.py",
    "catalog/",
)
CLIENT_ONLY = ("portal/", "templates/portal/")
NOWHERE = re.compile(r"klantenomgeving|mailfilter", re.IGNORECASE)


def entries() -> list[tuple[list[str], str, str]]:
    """(references, msgid, msgstr) of every translated entry."""
    found = []
    for block in CATALOGUE.read_text(encoding="utf-8").split("\n\n"):
        lines = block.splitlines()
        references = [ref for line in lines if line.startswith("#: ") for ref in line[3:].split()]
        texts: dict[str, list[str]] = {}
        current = None
        for line in lines:
            if line.startswith(("msgid ", "msgstr ")):
                current, _, line = line.partition(" ")
            elif not line.startswith('"'):
                current = None
                continue
            if current:
                texts.setdefault(current, []).append(ast.literal_eval(line))
        if "msgid" in texts and "msgstr" in texts:
            found.append((references, "".join(texts["msgid"]), "".join(texts["msgstr"])))
    return found


def test_the_catalogue_is_read():
    assert len(entries()) > 1000


def test_staff_texts_say_order():
    wrong = [
        (msgid, msgstr)
        for references, msgid, msgstr in entries()
        if references
        and all(ref.startswith(STAFF_ONLY) for ref in references)
        and "estelling" in msgstr
    ]
    assert wrong == []


def test_client_texts_say_bestelling():
    wrong = [
        (msgid, msgstr)
        for references, msgid, msgstr in entries()
        if references
        and all(ref.startswith(CLIENT_ONLY) for ref in references)
        and re.search(r"\b[Oo]rders?\b", msgstr)
    ]
    assert wrong == []


def test_one_name_for_the_client_area_and_the_filtering():
    assert [msgstr for _, _, msgstr in entries() if NOWHERE.search(msgstr)] == []
