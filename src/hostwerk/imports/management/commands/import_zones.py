"""hostwerk import_zones [--from powerdns|plesk] [--domain D ...] [--replace] [--dry-run]: create
Hostwerk zones, with their records, from what PowerDNS or the Plesk servers serve.

Reads the source only; safe to run again (a zone Hostwerk has is left alone unless --replace, and
then changed only when its records differ). One line per zone, then the JSON report as the last
line: {"zones", "records", "skipped": [...]}.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hostwerk.core.audit import Actor
from hostwerk.core.errors import HostwerkError
from hostwerk.imports.zones import SOURCES, ZoneImportRefused, zones_import


class Command(BaseCommand):
    help = "Create Hostwerk zones from the zones PowerDNS or the Plesk servers serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from",
            dest="source",
            choices=SOURCES,
            default=SOURCES[0],
            help="read the zones from the PowerDNS Hostwerk publishes to (default) or from the "
            "active Plesk servers",
        )
        parser.add_argument(
            "--domain",
            dest="domains",
            action="extend",
            nargs="+",
            default=[],
            metavar="D",
            help="only these zones (default: every zone the source has)",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="replace the records of zones Hostwerk has already (default: leave them)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="write nothing; report what would be done"
        )

    def handle(self, *args, source: str, domains: list[str], replace: bool, dry_run: bool, **_):
        try:
            report = zones_import(
                actor=Actor.system(via="command"),
                source=source,
                domains=domains,
                replace=replace,
                dry_run=dry_run,
            )
        except ZoneImportRefused as refused:
            raise CommandError(str(refused)) from None
        except HostwerkError as error:
            raise CommandError(f"{source} could not be read: {error}") from None
        for zone, outcome, records in report.imported:
            verb = f"would be {outcome}" if dry_run else outcome
            self.stdout.write(f"{verb}\t{zone}\t{records} records")
        for entry in report.skipped:
            self.stdout.write(
                "skipped\t"
                + "\t".join(entry[key] for key in ("zone", "record", "reason") if key in entry)
            )
        self.stdout.write(json.dumps(report.summary(), ensure_ascii=False))
