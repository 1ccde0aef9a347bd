"""Shared set-up for benchmarks: a throw-away SQLite database under a temporary var dir."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def django_with_fresh_database() -> Path:
    """Point Hostwerk at an empty temporary var dir, set up Django and migrate; return the dir."""
    var_dir = Path(tempfile.mkdtemp(prefix="hostwerk-bench-"))
    os.environ["HOSTWERK_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hostwerk.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return var_dir


def django_in_database() -> None:
    """Set up Django on the database in DATABASE_URL (a fresh temporary SQLite file without it)
    and migrate it."""
    if not os.environ.get("DATABASE_URL"):
        django_with_fresh_database()
        return
    os.environ.setdefault("HOSTWERK_VAR_DIR", tempfile.mkdtemp(prefix="hostwerk-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hostwerk.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
