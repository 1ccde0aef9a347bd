"""`hostwerk generate_encryption_key`: print a new key for HOSTWERK_ENCRYPTION_KEY."""

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print a new Fernet key for HOSTWERK_ENCRYPTION_KEY."

    def handle(self, *args, **options):
        self.stdout.write(Fernet.generate_key().decode())
