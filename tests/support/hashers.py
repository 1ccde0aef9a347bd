"""Argon2 at its smallest cost, for the test run only: the same algorithm and hash format as in
production ("argon2$..."), without 0.14 s of CPU for every login and every user a test makes."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 8  # KiB: Argon2's minimum for one lane
    parallelism = 1
