"""Every environment variable Hostwerk reads is explained in .env.example (CONVENTIONS 7)."""

import re
from pathlib import Path

import hostwerk

ROOT = Path(hostwerk.__file__).resolve().parents[2]


def test_every_variable_read_is_listed_in_env_example():
    read = set()
    for path in Path(hostwerk.__file__).parent.rglob("*.py"):
        read |= set(
            re.findall(
                r"""(?:env_\w+|_port|os\.environ\.get)\(\s*["']((?:HOSTWERK|DATABASE)_\w+)""",
                path.read_text(),
            )
        )
    listed = set(
        re.findall(r"^((?:HOSTWERK|DATABASE)_\w+)=", (ROOT / ".env.example").read_text(), re.M)
    )
    assert read, "the pattern found nothing: it needs updating"
    assert read - listed == set()
