"""`hostwerk create_api_token EMAIL`: print a new API token for that user as the last line."""

from django.core.management.base import BaseCommand, CommandError

from hostwerk.accounts.models import User
from hostwerk.accounts.tokens import api_token_create
from hostwerk.core.audit import Actor


class Command(BaseCommand):
    help = "Create an API token for the user with this e-mail address; the token is the last line."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="command line")

    def handle(self, *args, email: str, name: str, **options):
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active user with e-mail address {email}.")
        _, plain = api_token_create(actor=Actor.system(via="command"), user=user, name=name)
        kind = "staff" if user.is_staff or user.client is None else f"client {user.client.number}"
        self.stdout.write(f"API token for {user.email} ({kind}); it is shown only now:")
        self.stdout.write(plain)
