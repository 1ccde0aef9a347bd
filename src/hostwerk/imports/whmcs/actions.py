"""The WHMCS 8 import: every table in dependency order, one transaction per batch, idempotent.

Each imported row is remembered in ImportedRow (table, WHMCS id → Hostwerk id): a second run
finds its objects and updates what changed, and creates nothing twice. Nothing is sent
anywhere: servers, registries and DNS are only compared later, per service or domain.

Tables and what they become (the key under which ImportedRow remembers them):
  tblproducts → catalog.Product (+ its ProductPrices, rewritten from tblpricing)
  tblservers → provisioning.Server (matched by --server-map or host name, else created)
  tblclients → clients.Client (tblcontacts go into its notes; Hostwerk has one contact per client)
  tblusers → accounts.User; tblclients_login → accounts.User from a pre-WHMCS 8 client password
  tblhosting → provisioning.Service; tblcancelrequests → billing.CancellationRequest
  tbldomains → domains.Domain
  tblinvoices → billing.Invoice; tblinvoiceitems → billing.InvoiceLine
  tblaccounts → billing.Payment (money in); tblaccounts_refund → billing.Payment (refund)
  tblinvoices_credit → billing.Payment paid from credit; tblinvoices_credit_used → CreditEntry
  tblinvoices_paid → billing.Payment for a paid invoice without (enough) transactions
  tblclients_credit → billing.CreditEntry that brings the balance to tblclients.credit
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from hostwerk.core.audit import Actor, audit_record
from hostwerk.imports.models import ImportRun
from hostwerk.imports.whmcs.base import SOURCE, ImportBase, ImportInvalid, ImportOptions, Report
from hostwerk.imports.whmcs.catalogue import CatalogueImport
from hostwerk.imports.whmcs.clients import ClientImport
from hostwerk.imports.whmcs.domains import DomainImport
from hostwerk.imports.whmcs.invoices import InvoiceImport
from hostwerk.imports.whmcs.reader import WhmcsReader
from hostwerk.imports.whmcs.servers import ServerImport
from hostwerk.imports.whmcs.services import ServiceImport

__all__ = ["ImportInvalid", "ImportOptions", "Importer", "Report", "whmcs_import"]


class Importer(
    CatalogueImport,
    ServerImport,
    ClientImport,
    ServiceImport,
    DomainImport,
    InvoiceImport,
    ImportBase,
):
    """The whole import: each table family in dependency order (see the module's docstring)."""

    def run(self) -> dict[str, Any]:
        started = time.perf_counter()
        for name, step in (
            ("configuration", self.import_configuration),
            ("products", self.import_products),
            ("servers", self.import_servers),
            ("clients", self.import_clients),
            ("users", self.import_users),
            ("services", self.import_services),
            ("domains", self.import_domains),
            ("invoices", self.import_invoices),
            ("credit", self.reconcile_credit),
        ):
            self.progress(f"{name}…")
            step()
        return self.report.as_dict(
            dry_run=self.options.dry_run, seconds=round(time.perf_counter() - started, 1)
        )


def whmcs_import(
    *,
    actor: Actor,
    reader: WhmcsReader,
    options: ImportOptions,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Import the WHMCS database behind `reader`; return the report.

    A dry run does all the work inside one transaction and rolls it back: its report is what a
    real run would do, and nothing is kept (not even the report).
    """
    started_at = timezone.now()
    importer = Importer(reader=reader, options=options, progress=progress)
    if options.dry_run:
        with transaction.atomic():
            report = importer.run()
            transaction.set_rollback(True)
        return report
    report = importer.run()
    with transaction.atomic():
        run = ImportRun.objects.create(
            source=SOURCE,
            database=reader.address.display,
            started_at=started_at,
            finished_at=timezone.now(),
            started_by=actor.label[:200],
            report=report,
        )
        audit_record(
            actor=actor,
            action="whmcs.import",
            obj=run,
            data={
                key: report[key]
                for key in ("clients", "users", "services", "domains", "invoices", "payments")
            }
            | {"skipped": len(report["skipped"]), "warnings": len(report["warnings"])},
        )
    return report
