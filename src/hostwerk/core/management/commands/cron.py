"""`hostwerk cron`: enqueue the scheduled work that is due. Run it every 5 minutes."""

from django.core.management.base import BaseCommand

from hostwerk.core.scheduling import cron_run, scheduled_jobs


class Command(BaseCommand):
    help = "Enqueue due scheduled jobs (run every 5 minutes from cron or a systemd timer)."

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="list the jobs and stop")
        parser.add_argument("--force", action="store_true", help="enqueue every job now")

    def handle(self, *args, list: bool, force: bool, **options):
        if list:
            for job in scheduled_jobs():
                self.stdout.write(f"{job.name:40} every {job.every}  {job.description}")
            return
        names = cron_run(force=force)
        for name in names:
            self.stdout.write(f"enqueued {name}")
        if not names:
            self.stdout.write("nothing due")
