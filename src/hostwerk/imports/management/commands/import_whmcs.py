"""hostwerk import_whmcs --database mysql://USER:PASS@HOST:PORT/DB: take over a WHMCS 8 database.

Reads only; safe to run again (what changed is updated, nothing is created twice). The last
line of output is the JSON report.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hostwerk.core.audit import Actor
from hostwerk.imports.whmcs.actions import ImportInvalid, ImportOptions, whmcs_import
from hostwerk.imports.whmcs.reader import (
    NotWhmcs,
    SourceUnreachable,
    WhmcsReader,
    database_address,
)


def _server_map(pairs: list[str]) -> dict[int, str]:
    mapping = {}
    for pair in pairs:
        whmcs_id, equals, name = pair.partition("=")
        if not equals or not whmcs_id.strip().isdigit() or not name.strip():
            raise CommandError(f"--server-map {pair}: write WHMCS_ID=HOSTWERK_SERVER_NAME")
        mapping[int(whmcs_id)] = name.strip()
    return mapping


class Command(BaseCommand):
    help = (
        "Import clients, logins, products, services, domains, invoices and payments from WHMCS 8."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--database", required=True, help="mysql://USER:PASSWORD@HOST:PORT/DATABASE of WHMCS"
        )
        parser.add_argument(
            "--cc-encryption-hash",
            default="",
            help="$cc_encryption_hash from WHMCS's configuration.php; without it stored service "
            "and server passwords are left empty",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="do everything, then roll it back; print the report",
        )
        parser.add_argument(
            "--server-map",
            nargs="*",
            default=[],
            metavar="WHMCS_ID=NAME",
            help="use this Hostwerk server for a WHMCS server (default: the same host name)",
        )
        parser.add_argument(
            "--number-prefix",
            default="WHMCS-",
            help="prefix of the number of an invoice that has no legal number in WHMCS",
        )
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, **options) -> None:
        try:
            address = database_address(options["database"])
        except ValueError as error:
            raise CommandError(f"--database: {error}") from None
        import_options = ImportOptions(
            encryption_hash=options["cc_encryption_hash"],
            dry_run=options["dry_run"],
            server_map=_server_map(options["server_map"]),
            number_prefix=options["number_prefix"],
        )
        try:
            with WhmcsReader(address, batch_size=options["batch_size"]) as reader:
                report = whmcs_import(
                    actor=Actor.system(via="command"),
                    reader=reader,
                    options=import_options,
                    progress=lambda message: self.stdout.write(message),
                )
        except (SourceUnreachable, NotWhmcs, ImportInvalid) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(report, ensure_ascii=False, default=str))
