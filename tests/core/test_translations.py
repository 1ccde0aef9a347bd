"""Every string is translated to Dutch, and the compiled catalogue is up to date."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import hostwerk
from tests.conftest import skip_or_fail

PACKAGE = Path(hostwerk.__file__).parent
PO_FILE = PACKAGE / "locale" / "nl" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")


def _entries(po_text: str) -> list[tuple[str, list[str], bool]]:
    """(msgid, msgstrs, fuzzy) per entry of a .po file; enough for Django's own output."""
    entries = []
    for block in po_text.split("\n\n"):
        lines = block.strip().splitlines()
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        current, parts = None, {}
        for line in lines:
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                parts[current] = match.group(2)
            elif line.startswith('"') and current:
                parts[current] += line[1:-1]
        if parts.get("msgid"):
            strings = [value for key, value in parts.items() if key.startswith("msgstr")]
            entries.append((parts["msgid"], strings, fuzzy))
    return entries


def test_every_dutch_string_is_translated():
    untranslated = [
        msgid
        for msgid, strings, fuzzy in _entries(PO_FILE.read_text())
        if fuzzy or not all(strings)
    ]
    assert untranslated == []


def test_compiled_catalogue_matches_the_po_file():
    with MO_FILE.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    compiled = {key[0] if isinstance(key, tuple) else key for key in catalogue}
    source = {
        bytes(msgid, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
        for msgid, _, _ in _entries(PO_FILE.read_text())
    }
    assert source - compiled == set(), "run: hostwerk compilemessages -l nl"


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    if not shutil.which("xgettext"):
        skip_or_fail("xgettext is not installed (apt-get install gettext)")
    copy = tmp_path / "hostwerk"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "static"))
    subprocess.run(
        [
            sys.executable,
            "-P",  # the copy's own dns/ must not shadow dnspython
            "-m",
            "hostwerk.cli",
            "makemessages",
            "-l",
            "nl",
            "--no-obsolete",
            "--ignore",
            "sandbox/*",
            "--ignore",
            "integrations/*",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    fresh = {
        msgid for msgid, _, _ in _entries((copy / "locale/nl/LC_MESSAGES/django.po").read_text())
    }
    committed = {msgid for msgid, _, _ in _entries(PO_FILE.read_text())}
    assert fresh - committed == set(), (
        "run: cd src/hostwerk && hostwerk makemessages -l nl, then translate"
    )
