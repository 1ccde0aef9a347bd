"""`hostwerk cron`: enqueue the scheduled work that is due. Run it every 5 minutes."""

import signal
import threading

from django.core.management.base import BaseCommand

from hostwerk.core.scheduling import cron_run, scheduled_jobs


class Command(BaseCommand):
    help = "Enqueue due scheduled jobs (run every 5 minutes from cron or a systemd timer)."

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="list the jobs and stop")
        parser.add_argument("--force", action="store_true", help="enqueue every job now")
        parser.add_argument(
            "--loop",
            type=int,
            metavar="SECONDS",
            help="keep running, checking every SECONDS (the demo uses this instead of cron)",
        )

    def handle(self, *args, list: bool, force: bool, loop: int | None, **options):
        if list:
            for job in scheduled_jobs():
                self.stdout.write(f"{job.name:40} every {job.every}  {job.description}")
            return
        if loop is None:
            self.run_once(force=force)
            return
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        while not stop.is_set():
            self.run_once(force=force)
            force = False
            stop.wait(loop)

    def run_once(self, *, force: bool) -> None:
        names = cron_run(force=force)
        for name in names:
            self.stdout.write(f"enqueued {name}")
        if not names:
            self.stdout.write("nothing due")
