"""`hostwerk demo_data`: load the demo catalogue, servers and users (refused in production)."""

from django.core.management.base import BaseCommand

from hostwerk.demo.setup import load_demo_data


class Command(BaseCommand):
    help = "Load or refresh the demo data; prints new passwords and a staff API token."

    def handle(self, *args, **options):
        logins = load_demo_data()
        self.stdout.write(f"staff:  {logins.staff_email}  password {logins.staff_password}")
        self.stdout.write(f"client: {logins.client_email}  password {logins.client_password}")
        self.stdout.write(f"staff API token: {logins.staff_token}")
