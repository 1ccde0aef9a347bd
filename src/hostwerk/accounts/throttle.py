"""Login throttling shared by every web process: failed attempts per e-mail address in the database."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from hostwerk.accounts.models import LoginFailure


def _window_start():
    return timezone.now() - timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def login_blocked(email: str) -> bool:
    recent = LoginFailure.objects.filter(email=email.lower(), created_at__gte=_window_start())
    return recent.count() >= settings.LOGIN_FAILURE_LIMIT


def login_failure_record(*, email: str, ip_address: str | None) -> None:
    LoginFailure.objects.create(email=email.lower()[:254], ip_address=ip_address)
    # Old rows are useless; dropping them here keeps the table small without a cron job.
    LoginFailure.objects.filter(created_at__lt=_window_start() - timedelta(days=1)).delete()


def login_failures_clear(*, email: str) -> None:
    LoginFailure.objects.filter(email=email.lower()).delete()
