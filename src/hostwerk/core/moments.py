"""Moments and days kept as ISO text (audit changes, checkpoint references), shown as people read
them: in the reader's language and on the clock of HOSTWERK_TIME_ZONE."""

from __future__ import annotations

import datetime

from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime


def stored_moment_text(value: str) -> str | None:
    """An ISO moment such as 2026-12-07T08:37:57+00:00 as "7 Dec 2026 09:37" (Amsterdam,
    English), an ISO day as "7 Dec 2026"; None when `value` is neither."""
    moment = parse_datetime(value) if "T" in value else None
    if moment is not None:
        # Stored in UTC; shown like every other moment on the page.
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    day = parse_date(value) if len(value) == 10 else None
    if isinstance(day, datetime.date):
        return formats.date_format(day, "SHORT_DATE_FORMAT")
    return None
