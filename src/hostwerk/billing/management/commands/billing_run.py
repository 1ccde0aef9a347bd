"""`hostwerk billing_run [--date YYYY-MM-DD]`: the daily billing work; the last line is JSON."""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from hostwerk.billing.run import billing_run
from hostwerk.core.audit import Actor


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date {text!r}: give a day as YYYY-MM-DD, e.g. 2027-01-31") from None


class Command(BaseCommand):
    help = (
        "Invoice renewals, send reminders and overdue notices, suspend, terminate and renew "
        "domains for a day (default: today in HOSTWERK_TIME_ZONE). Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=_day, help="the day to run, YYYY-MM-DD")

    def handle(self, *args, date: datetime.date | None, **options):
        summary = billing_run(actor=Actor.system(via="command"), day=date)
        for error in summary["errors"]:
            self.stderr.write(f"{error['step']}: {error['object']}: {error['error']}")
        self.stdout.write(json.dumps(summary, default=str))
