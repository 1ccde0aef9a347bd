"""The one clock for business dates: invoice days, due dates, reminders, suspensions, expiry.

Everything that decides *which day it is* for billing or domains asks this module, so a billing
run for another day (`hostwerk billing_run --date`), a test or a staff preview can set the day.
Days are counted in HOSTWERK_TIME_ZONE (Django's TIME_ZONE), never in UTC. Technical timestamps
(leases, task retries, "sent at") keep the real time from `django.utils.timezone.now`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

# The moment a run or test pretends it is; None means the real time.
_frozen: ContextVar[datetime.datetime | None] = ContextVar("hostwerk_clock", default=None)

# A day given without a time of day is taken at noon: far from both midnights, so no time zone
# conversion moves it to another day.
NOON = datetime.time(12, 0)


def now() -> datetime.datetime:
    """The current moment (aware), or the moment the clock was set to."""
    return _frozen.get() or timezone.now()


def today() -> datetime.date:
    """The current day in HOSTWERK_TIME_ZONE."""
    return timezone.localdate(now())


def local_day(moment: datetime.datetime) -> datetime.date:
    """The day an aware moment falls on in HOSTWERK_TIME_ZONE."""
    return timezone.localdate(moment)


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in HOSTWERK_TIME_ZONE, as an aware moment."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def moment_for(value: datetime.date | datetime.datetime) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(datetime.datetime.combine(value, NOON))


@contextmanager
def frozen_at(value: datetime.date | datetime.datetime) -> Iterator[datetime.datetime]:
    """Set the clock to `value` (a day means its noon in HOSTWERK_TIME_ZONE) inside the block."""
    moment = moment_for(value)
    token = _frozen.set(moment)
    try:
        yield moment
    finally:
        _frozen.reset(token)
