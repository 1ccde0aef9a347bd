"""The one clock: days are counted in HOSTWERK_TIME_ZONE and can be set for a run or a test."""

from __future__ import annotations

import datetime

from django.test import override_settings
from django.utils import timezone

from hostwerk.core import clock

UTC = datetime.UTC


def test_frozen_day_is_that_day_in_the_local_time_zone() -> None:
    with clock.frozen_at(datetime.date(2027, 1, 31)):
        assert clock.today() == datetime.date(2027, 1, 31)
    assert clock.today() == timezone.localdate()


@override_settings(TIME_ZONE="Europe/Amsterdam")
def test_day_boundary_in_amsterdam_is_not_the_utc_day() -> None:
    # 23:30 UTC on 31 December is already 1 January in Amsterdam.
    moment = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    with clock.frozen_at(moment):
        assert clock.today() == datetime.date(2027, 1, 1)
    assert clock.local_day(moment) == datetime.date(2027, 1, 1)
    assert clock.start_of_day(datetime.date(2027, 1, 1)).astimezone(UTC) == datetime.datetime(
        2026, 12, 31, 23, 0, tzinfo=UTC
    )


def test_frozen_blocks_nest_and_restore() -> None:
    with clock.frozen_at(datetime.date(2027, 3, 1)):
        with clock.frozen_at(datetime.date(2027, 4, 1)):
            assert clock.today() == datetime.date(2027, 4, 1)
        assert clock.today() == datetime.date(2027, 3, 1)
