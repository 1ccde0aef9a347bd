"""`hostwerk sandbox KIND [options]`: run one simulator in the foreground (demo, manual testing)."""

import importlib

from django.core.management.base import BaseCommand, CommandError

KINDS = ("plesk", "epp", "spamexperts", "mollie")


class Command(BaseCommand):
    help = "Run a protocol simulator: plesk, epp, spamexperts or mollie. Use KIND --help for its options."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("args", nargs="*", help="options of the simulator")

    def run_from_argv(self, argv):
        # argv: [prog, "sandbox", kind, ...]; the simulator parses its own options.
        if len(argv) < 3 or argv[2] not in KINDS:
            raise SystemExit(f"usage: hostwerk sandbox {{{','.join(KINDS)}}} [options]")
        module = importlib.import_module(f"hostwerk.sandbox.{argv[2]}.server")
        module.main(argv[3:])

    def handle(self, *args, **options):
        raise CommandError("run through the command line: hostwerk sandbox KIND [options]")
