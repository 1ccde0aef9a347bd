"""`hostwerk worker`: run the task worker (django-tasks database backend)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background task worker; start one or more per machine."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="run what is queued, then stop")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")

    def handle(self, *args, batch: bool, interval: float, **options):
        arguments = ["--queue-name", "*", "--interval", str(interval), "--no-reload"]
        if batch:
            arguments.append("--batch")
        call_command("db_worker", *arguments)
