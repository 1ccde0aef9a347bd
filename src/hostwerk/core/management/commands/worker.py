"""`hostwerk worker`: run the task worker (django-tasks database backend) with a heartbeat."""

import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

from hostwerk.core.workers import current_worker_set, heartbeat_thread, worker_beat


class Command(BaseCommand):
    help = "Run the background task worker; start one or more per machine."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="run what is queued, then stop")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
        parser.add_argument(
            "--worker-id", default="", help="unique name of this worker (default: random)"
        )

    def handle(self, *args, batch: bool, interval: float, worker_id: str, **options):
        worker_id = worker_id or get_random_string(24)
        current_worker_set(worker_id)
        arguments = ["--queue-name", "*", "--interval", str(interval), "--no-reload"]
        arguments += ["--worker-id", worker_id]
        if batch:
            arguments.append("--batch")
            worker_beat(worker_id=worker_id)
            call_command("db_worker", *arguments)
            return
        stop = threading.Event()
        heartbeat_thread(worker_id=worker_id, stop=stop)
        try:
            call_command("db_worker", *arguments)
        finally:
            stop.set()
