"""`hostwerk drift_check [--server NAME] [--repair]`: compare Hostwerk with the remote systems.

Prints each difference on a line, then (with --repair) what was repaired; the last line is JSON
{"checked", "differences", "repaired"}.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from hostwerk.core.audit import Actor
from hostwerk.drift.actions import drift_check
from hostwerk.provisioning.models import Server


class Command(BaseCommand):
    help = "Compare Hostwerk with Plesk, the registries, PowerDNS and SpamExperts."

    def add_arguments(self, parser):
        parser.add_argument("--server", default="", help="check only this Plesk server")
        parser.add_argument(
            "--repair", action="store_true", help="repair the differences that are safe to repair"
        )

    def handle(self, *args, server: str, repair: bool, **options):
        if server and not Server.objects.filter(name=server).exists():
            raise CommandError(f"There is no server named {server!r}.")
        outcome = drift_check(actor=Actor.system(via="command"), server_name=server, repair=repair)
        for system, why in outcome.unreachable:
            self.stderr.write(f"{system}: not checked: {why}")
        for difference in outcome.differences:
            mark = "repairable" if difference.repairable else "needs a person"
            self.stdout.write(
                f"{difference.system}\t{difference.kind}\t{difference.object_label}\t"
                f"expected {_one_line(difference.expected)!r}, found "
                f"{_one_line(difference.found)!r} ({mark})"
            )
        for difference in outcome.repaired:
            self.stdout.write(f"repaired\t{difference.kind}\t{difference.object_label}")
        for difference, why in outcome.repair_failures:
            self.stderr.write(f"not repaired\t{difference.kind}\t{difference.object_label}: {why}")
        self.stdout.write(json.dumps(outcome.summary()))


def _one_line(text: str) -> str:
    return "; ".join(line for line in text.splitlines() if line.strip())
