"""mypy over src/hostwerk, held to a per-file baseline of errors that may only shrink to zero.

The baseline (mypy_baseline.json: {"path under src/hostwerk": error count}) lists what is left
to fix. A file may not get more errors than it has there, a file not listed may have none, and a
count that reality has gone below must be lowered in the same change, so what is fixed stays
fixed. The cache under var/ makes a run after a small change take a few seconds; the first
run of a configuration takes about fifteen.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "src" / "hostwerk"
BASELINE = Path(__file__).with_name("mypy_baseline.json")
CONFIG = ROOT / "pyproject.toml"
CACHE = ROOT / "var" / "mypy-cache"
ERROR_LINE = re.compile(r"^(?P<path>[^:\n]+\.py):\d+(?::\d+)?: error: ", re.M)


def _errors_per_file() -> Counter[str]:
    # One cache per configuration: mypy keeps a module's cached errors when only another
    # module's override changed (an import that became ignored would still be reported).
    cache = CACHE / hashlib.sha256(CONFIG.read_bytes()).hexdigest()[:16]
    cache.mkdir(parents=True, exist_ok=True)
    stdout, stderr, status = api.run(
        [
            "--config-file",
            str(CONFIG),
            "--cache-dir",
            str(cache),
            "--no-error-summary",
            "--hide-error-context",
            str(SOURCE),
        ]
    )
    # 0: clean, 1: type errors; anything else means mypy itself could not run.
    assert status in (0, 1), f"mypy did not run:\n{stderr}\n{stdout}"
    counts: Counter[str] = Counter()
    for match in ERROR_LINE.finditer(stdout):
        path = Path(match["path"])
        path = path if path.is_absolute() else Path.cwd() / path
        counts[path.resolve().relative_to(SOURCE).as_posix()] += 1
    assert status == 0 or counts, f"mypy failed without errors it could place:\n{stdout}"
    return counts


def test_mypy_errors_stay_within_the_baseline_and_the_baseline_follows_every_fix():
    baseline: dict[str, int] = json.loads(BASELINE.read_text())
    found = _errors_per_file()
    worse = {
        path: f"{count} errors, baseline {baseline.get(path, 0)}"
        for path, count in sorted(found.items())
        if count > baseline.get(path, 0)
    }
    assert worse == {}, "new mypy errors; run mypy on these files and fix them"
    better = {
        path: found.get(path, 0)
        for path, allowed in sorted(baseline.items())
        if found.get(path, 0) < allowed
    }
    assert better == {}, (
        f"fewer mypy errors than {BASELINE.name} allows: lower these counts to what they are now "
        "(and drop the files at 0)"
    )
