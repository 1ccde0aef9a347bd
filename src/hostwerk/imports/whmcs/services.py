"""The WHMCS import of services and their cancellation requests (tblhosting, tblcancelrequests)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from hostwerk.billing.models import CancellationRequest, CancellationStatus, CancellationWhen
from hostwerk.catalog.models import BillingCycle
from hostwerk.core import clock
from hostwerk.core.domain_names import DomainNameError, parse_domain_name
from hostwerk.imports.whmcs import mapping as m
from hostwerk.imports.whmcs.base import ACTOR_LABEL, ImportBase
from hostwerk.provisioning.models import Service, ServiceStatus


class ServiceImport(ImportBase):
    def import_services(self) -> None:
        servers_seen = {
            row["id"] for batch in self.reader.batches("tblservers", "id") for row in batch
        }
        for batch in self.reader.batches("tblhosting"):
            rows = []
            for row in batch:
                values = self._service_values(row, servers_seen)
                if values is not None:
                    rows.append((row["id"], values))
            cancellations = self.reader.rows_for(
                "tblcancelrequests", "relid", [source_id for source_id, _ in rows]
            )
            with transaction.atomic():
                services = self.upsert(
                    table="tblhosting", entity="services", model=Service, rows=rows
                )
                self._import_cancellations(cancellations, services)
        addons = self.reader.count("tblhostingaddons")
        if addons:
            for batch in self.reader.batches("tblhostingaddons", "id, hostingid, name"):
                for row in batch:
                    self.report.skip(
                        "tblhostingaddons",
                        row["id"],
                        "add-ons are not imported; add their price to the service "
                        f"(WHMCS service {row['hostingid']}) by hand",
                    )

    def _service_values(self, row, servers_seen) -> dict[str, Any] | None:
        client_id = self.links.get("tblclients", row["userid"])
        if client_id is None:
            self.report.skip("tblhosting", row["id"], f"client {row['userid']} is not imported")
            return None
        product_id = self.links.get("tblproducts", row["packageid"])
        if product_id is None:
            self.report.skip("tblhosting", row["id"], f"product {row['packageid']} is not imported")
            return None
        cycle = m.cycle(row["billingcycle"])
        if cycle is None:
            self.report.skip(
                "tblhosting",
                row["id"],
                f"billing cycle {m.text(row['billingcycle'])!r} is not one Hostwerk knows",
            )
            return None
        server_id = self.links.get("tblservers", row["server"])
        if row["server"] and server_id is None:
            known = "not imported" if row["server"] in servers_seen else "unknown"
            self.report.grouped[
                f"services on WHMCS server {row['server']} ({known}): imported without a server"
            ] += 1
        status = m.SERVICE_STATUS.get(row["domainstatus"], ServiceStatus.PENDING)
        recurring = cycle not in (BillingCycle.FREE, BillingCycle.ONE_TIME)
        next_due = m.day(row["nextduedate"]) if recurring else None
        if (
            recurring
            and next_due is None
            and status in (ServiceStatus.ACTIVE, ServiceStatus.SUSPENDED)
        ):
            self.report.grouped[
                "recurring services without a next due date: not invoiced until one is set"
            ] += 1
        self.service_cycles[row["id"]] = cycle
        regdate = m.day(row["regdate"])
        terminated = m.day(row["termination_date"])
        no_suspend = m.day(row["overidesuspenduntil"]) if row["overideautosuspend"] else None
        domain = m.text(row["domain"]).lower()
        try:
            domain = parse_domain_name(domain).ascii if domain else ""
        except DomainNameError:
            domain = domain[:253]
        return {
            "client_id": client_id,
            "product_id": product_id,
            "server_id": server_id,
            "domain": domain,
            "status": status,
            "billing_cycle": cycle,
            "recurring_amount": m.money(row["amount"]),
            "next_due_date": next_due,
            "billing_anchor_day": next_due.day if next_due else None,
            "suspend_reason": m.suspend_reason(status, row["suspendreason"]),
            "no_suspend_until": no_suspend
            or (datetime.date(2999, 12, 31) if row["overideautosuspend"] else None),
            "username": m.text(row["username"], limit=64),
            "password": self.decrypt(row["password"], what="service passwords"),
            "activated_at": clock.moment_for(regdate)
            if regdate and status != ServiceStatus.PENDING
            else None,
            "terminated_at": clock.moment_for(terminated)
            if terminated and status == ServiceStatus.TERMINATED
            else None,
        }

    def _import_cancellations(self, rows, services) -> None:
        wanted = []
        for row in rows:
            service = services.get(row["relid"])
            if service is None:
                continue
            if service.status not in (ServiceStatus.ACTIVE, ServiceStatus.SUSPENDED):
                continue  # carried out already in WHMCS
            immediate = m.text(row["type"]).lower() == "immediate"
            requested = m.day(row["date"]) or clock.today()
            ends_on = requested if immediate or not service.next_due_date else service.next_due_date
            wanted.append(
                (
                    row["id"],
                    {
                        "service_id": service.pk,
                        "when": CancellationWhen.NOW
                        if immediate
                        else CancellationWhen.END_OF_PERIOD,
                        "reason": m.text(row["reason"]),
                        "ends_on": ends_on,
                        "status": CancellationStatus.PENDING,
                        "requested_by": ACTOR_LABEL,
                    },
                )
            )
        # One open request per service: the newest WHMCS request wins.
        newest = {values["service_id"]: (sid, values) for sid, values in wanted}
        known = self.links.table("tblcancelrequests")
        open_elsewhere = set(
            CancellationRequest.objects.filter(
                service_id__in=newest.keys(), status=CancellationStatus.PENDING
            )
            .exclude(pk__in=[known[sid] for sid, _ in newest.values() if sid in known])
            .values_list("service_id", flat=True)
        )
        self.upsert(
            table="tblcancelrequests",
            entity="cancellations",
            model=CancellationRequest,
            rows=[pair for service_id, pair in newest.items() if service_id not in open_elsewhere],
        )
