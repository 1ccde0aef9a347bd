"""The WHMCS import of domains (tbldomains): one per name, with its TLD and registrar."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from hostwerk.catalog.models import Tld
from hostwerk.core import clock
from hostwerk.core.domain_names import DomainNameError, parse_domain_name
from hostwerk.core.money import round_money
from hostwerk.domains.models import Domain, Registrar
from hostwerk.imports.whmcs import mapping as m
from hostwerk.imports.whmcs.base import ImportBase

LIVE_DOMAIN_STATUSES = {
    "Active",
    "Pending",
    "Pending Registration",
    "Pending Transfer",
    "Grace",
    "Redemption",
    "Expired",
}


class DomainImport(ImportBase):
    def import_domains(self) -> None:
        # A name WHMCS holds twice (given up by one client, registered again by another) is
        # imported once: the live row, else the newest.
        winner: dict[str, tuple[bool, int]] = {}
        for batch in self.reader.batches("tbldomains", "id, domain, status"):
            for row in batch:
                name = m.text(row["domain"]).lower().rstrip(".")
                rank = (row["status"] in LIVE_DOMAIN_STATUSES, row["id"])
                if name not in winner or rank > winner[name]:
                    winner[name] = rank
        tlds = {tld.name: tld for tld in Tld.objects.select_related("registrar")}
        registrars = list(Registrar.objects.all())
        taken = dict(Domain.objects.values_list("name", "pk"))
        for batch in self.reader.batches("tbldomains"):
            rows = []
            for row in batch:
                name = m.text(row["domain"]).lower().rstrip(".")
                if winner.get(name, (False, row["id"]))[1] != row["id"]:
                    self.report.skip(
                        "tbldomains",
                        row["id"],
                        f"{name} is imported from WHMCS domain {winner[name][1]}",
                    )
                    continue
                values = self._domain_values(row, name, tlds, registrars)
                if values is None:
                    continue
                owner = taken.get(values["name"])
                if owner is not None and owner != self.links.get("tbldomains", row["id"]):
                    self.report.skip(
                        "tbldomains", row["id"], f"{values['name']} exists in Hostwerk already"
                    )
                    continue
                rows.append((row["id"], values))
            with transaction.atomic():
                domains = self.upsert(table="tbldomains", entity="domains", model=Domain, rows=rows)
            taken.update({domain.name: domain.pk for domain in domains.values()})

    def _domain_values(self, row, name, tlds, registrars) -> dict[str, Any] | None:
        client_id = self.links.get("tblclients", row["userid"])
        if client_id is None:
            self.report.skip("tbldomains", row["id"], f"client {row['userid']} is not imported")
            return None
        try:
            parsed = parse_domain_name(name)
        except DomainNameError as error:
            self.report.skip("tbldomains", row["id"], f"{name!r}: {error}")
            return None
        tld = self._tld_for(parsed.ascii, tlds)
        registrar = self._registrar_for(
            m.text(row["registrar"]).lower(), tld, registrars, parsed.ascii
        )
        years = max(int(row["registrationperiod"] or 1), 1)
        self.domain_years[row["id"]] = years
        registered = m.day(row["registrationdate"])
        expires = m.day(row["expirydate"])
        return {
            "name": parsed.ascii,
            "client_id": client_id,
            "tld_id": tld.pk,
            "registrar_id": registrar.pk if registrar else None,
            "status": m.DOMAIN_STATUS.get(row["status"], "pending"),
            "years": years,
            "registered_at": clock.moment_for(registered) if registered else None,
            "expires_at": clock.moment_for(expires) if expires else None,
            "next_due_date": m.day(row["nextduedate"]),
            # WHMCS keeps the price of the whole registration period; Hostwerk's is per year.
            "recurring_amount": round_money(m.money(row["recurringamount"]) / years),
            "do_not_renew": bool(row["donotrenew"]),
        }

    def _tld_for(self, name: str, tlds: dict[str, Tld]) -> Tld:
        labels = name.split(".")
        for start in range(1, len(labels)):
            suffix = ".".join(labels[start:])
            if suffix in tlds:
                return tlds[suffix]
        suffix = labels[-1]
        tld = Tld.objects.create(name=suffix, active=False)
        tlds[suffix] = tld
        self.report.warnings.append(
            f"TLD .{suffix} did not exist: created, not for sale, without registrar or prices"
        )
        return tld

    def _registrar_for(self, module: str, tld: Tld, registrars, name) -> Registrar | None:
        if not module:
            return tld.registrar
        candidates = [
            registrar
            for registrar in registrars
            if module in registrar.name.lower()
            or str(registrar.settings.get("whmcs_module", "")).lower() == module
        ]
        if tld.registrar in candidates:
            return tld.registrar
        if candidates:
            return candidates[0]
        self.report.grouped[
            f"domains at WHMCS registrar {module}, which Hostwerk does not have: imported "
            "without a registrar (nothing is renewed at a registry until one is chosen)"
        ] += 1
        return None
