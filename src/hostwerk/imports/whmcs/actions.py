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

import datetime
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Sum
from django.utils import timezone

from hostwerk.accounts.hashers import whmcs_password_encoded
from hostwerk.accounts.models import User
from hostwerk.billing.models import (
    CancellationRequest,
    CancellationStatus,
    CancellationWhen,
    CreditEntry,
    Invoice,
    InvoiceCounter,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentKind,
    PaymentMethod,
    VatRate,
    VatScheme,
)
from hostwerk.billing.periods import period_end_for_cycle, period_end_for_years
from hostwerk.billing.vat import line_vat, seller_country
from hostwerk.catalog.models import (
    BillingCycle,
    Product,
    ProductPrice,
    ProductType,
    ProvisioningModule,
    Tld,
)
from hostwerk.clients.actions import FIRST_CLIENT_NUMBER
from hostwerk.clients.models import Client, ClientStatus
from hostwerk.core import clock
from hostwerk.core.audit import Actor, audit_record
from hostwerk.core.domain_names import DomainNameError, parse_domain_name
from hostwerk.core.money import ZERO, round_money
from hostwerk.core.validators import EU_COUNTRIES
from hostwerk.domains.models import Domain, Registrar
from hostwerk.imports.models import ImportedRow, ImportRun
from hostwerk.imports.whmcs import mapping as m
from hostwerk.imports.whmcs.crypt import DecryptionFailed, whmcs_decrypt
from hostwerk.imports.whmcs.reader import WhmcsReader
from hostwerk.provisioning.models import Server, ServerKind, Service, ServiceStatus

SOURCE = "whmcs"
ACTOR_LABEL = "WHMCS import"
# Imported invoices whose number is not in Hostwerk's yearly series (a WHMCS proforma, a number
# from another year) are kept out of the counter's way: sequence = this + the WHMCS id.
OUTSIDE_SERIES = 1_000_000_000
LIVE_DOMAIN_STATUSES = {
    "Active",
    "Pending",
    "Pending Registration",
    "Pending Transfer",
    "Grace",
    "Redemption",
    "Expired",
}


class ImportInvalid(Exception):
    """The import cannot start as asked (an option names something that does not exist)."""


@dataclass
class ImportOptions:
    encryption_hash: str = ""
    dry_run: bool = False
    server_map: dict[int, str] = field(default_factory=dict)
    number_prefix: str = "WHMCS-"


@dataclass
class Report:
    counts: Counter = field(default_factory=Counter)
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Warnings that would repeat per row are counted and written once at the end.
    grouped: Counter = field(default_factory=Counter)

    def skip(self, table: str, source_id: Any, reason: str) -> None:
        self.skipped.append({"table": table, "id": source_id, "reason": reason})

    def as_dict(self, **extra: Any) -> dict[str, Any]:
        warnings = self.warnings + [
            f"{message} ({count} rows)" if count > 1 else message
            for message, count in sorted(self.grouped.items())
        ]
        result: dict[str, Any] = {
            key: self.counts[key]
            for key in (
                "clients",
                "users",
                "services",
                "domains",
                "invoices",
                "payments",
                "products",
            )
        }
        result.update(
            {
                "servers": self.counts["servers"],
                "lines": self.counts["lines"],
                "cancellations": self.counts["cancellations"],
                "credit_adjustments": self.counts["credit_adjustments"],
                "created": dict(sorted(self.created.items())),
                "updated": dict(sorted(self.updated.items())),
                "skipped": self.skipped,
                "warnings": warnings,
            }
        )
        result.update(extra)
        return result


class Links:
    """ImportedRow, cached per table: WHMCS id → Hostwerk id."""

    def __init__(self) -> None:
        self._tables: dict[str, dict[int, int]] = {}

    def table(self, table: str) -> dict[int, int]:
        if table not in self._tables:
            self._tables[table] = dict(
                ImportedRow.objects.filter(source=SOURCE, table=table).values_list(
                    "source_id", "object_id"
                )
            )
        return self._tables[table]

    def get(self, table: str, source_id: int | None) -> int | None:
        if not source_id:
            return None
        return self.table(table).get(int(source_id))

    def add(self, table: str, pairs: list[tuple[int, int]]) -> None:
        if not pairs:
            return
        known = self.table(table)
        stale = [source_id for source_id, _ in pairs if source_id in known]
        if stale:
            ImportedRow.objects.filter(source=SOURCE, table=table, source_id__in=stale).delete()
        ImportedRow.objects.bulk_create(
            [
                ImportedRow(source=SOURCE, table=table, source_id=source_id, object_id=object_id)
                for source_id, object_id in pairs
            ],
            batch_size=2000,
        )
        known.update(pairs)


def _same(current: Any, new: Any) -> bool:
    """Equal as stored: a CountryField's Country equals its code, a Decimal its string."""
    if current == new:
        return True
    return current is not None and new is not None and str(current) == str(new)


class Importer:
    def __init__(
        self,
        *,
        reader: WhmcsReader,
        options: ImportOptions,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.reader = reader
        self.options = options
        self.progress = progress or (lambda message: None)
        self.report = Report()
        self.links = Links()
        self.batch_size = reader.batch_size
        self.config: dict[str, str] = {}
        self.default_language = "nl"
        self.currency_codes: dict[int, str] = {}
        self.house_currency_id: int | None = None
        self.client_credit: dict[int, Decimal] = {}
        self.client_currency: dict[int, str] = {}
        self.service_cycles: dict[int, str] = {}
        self.domain_years: dict[int, int] = {}

    # --- the generic upsert ----------------------------------------------------------------

    def upsert(
        self,
        *,
        table: str,
        entity: str | None,
        model: type[models.Model],
        rows: list[tuple[int, dict[str, Any]]],
    ) -> dict[int, models.Model]:
        """Create or update one object per (WHMCS id, values); return them by WHMCS id."""
        known = self.links.table(table)
        existing = (
            model._default_manager.in_bulk([known[sid] for sid, _ in rows if sid in known])
            if any(sid in known for sid, _ in rows)
            else {}
        )
        result: dict[int, models.Model] = {}
        to_create: list[tuple[int, models.Model]] = []
        to_update: list[models.Model] = []
        fields: set[str] = set()
        for source_id, values in rows:
            obj = existing.get(known.get(source_id))
            if obj is None:
                obj = model(**values)
                to_create.append((source_id, obj))
            else:
                changed = [
                    name for name, value in values.items() if not _same(getattr(obj, name), value)
                ]
                for name in changed:
                    setattr(obj, name, values[name])
                if changed:
                    to_update.append(obj)
                    fields.update(changed)
            result[source_id] = obj
        if to_create:
            model._default_manager.bulk_create([obj for _, obj in to_create], batch_size=1000)
            self.links.add(table, [(source_id, obj.pk) for source_id, obj in to_create])
        if to_update:
            model._default_manager.bulk_update(to_update, sorted(fields), batch_size=1000)
        if entity:
            self.report.counts[entity] += len(rows)
            self.report.created[entity] += len(to_create)
            self.report.updated[entity] += len(to_update)
        return result

    def decrypt(self, value: Any, *, what: str) -> str:
        secret = m.text(value) if not isinstance(value, str) else value.strip()
        if not secret:
            return ""
        if not self.options.encryption_hash:
            self.report.grouped[f"{what}: left empty (no --cc-encryption-hash given)"] += 1
            return ""
        try:
            return whmcs_decrypt(secret, encryption_hash=self.options.encryption_hash)
        except DecryptionFailed:
            self.report.grouped[f"{what}: cannot be decrypted with the given hash; left empty"] += 1
            return ""

    # --- the run ---------------------------------------------------------------------------

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

    # --- configuration, currencies, tax ----------------------------------------------------

    def import_configuration(self) -> None:
        self.config = self.reader.configuration()
        self.default_language = m.language(self.config.get("Language"), default="nl")
        currencies = self.reader.query("SELECT * FROM tblcurrencies ORDER BY id")
        self.currency_codes = {row["id"]: m.text(row["code"]).upper() for row in currencies}
        for row in currencies:
            if self.currency_codes[row["id"]] == settings.CURRENCY:
                self.house_currency_id = row["id"]
        if self.house_currency_id is None:
            default = next((row for row in currencies if row["default"]), None)
            self.house_currency_id = default["id"] if default else None
            self.report.warnings.append(
                f"WHMCS has no currency {settings.CURRENCY}; prices are taken from its default "
                f"currency {self.currency_codes.get(self.house_currency_id, '?')}"
            )
        for row in currencies:
            if row["id"] != self.house_currency_id:
                self.report.warnings.append(
                    f"currency {self.currency_codes[row['id']]}: its product prices are not "
                    f"imported (Hostwerk sells in {settings.CURRENCY}); its clients' invoices "
                    "keep their currency"
                )
        if self.reader.has_table("tbltax"):
            today = clock.today()
            rates = {}
            for rate in VatRate.objects.filter(valid_from__lte=today).order_by("valid_from"):
                rates[rate.country] = rate.rate
            for row in self.reader.query("SELECT * FROM tbltax ORDER BY id"):
                code = m.text(row["country"]).upper()
                rate = m.money(row["taxrate"])
                if row["level"] != 1:
                    self.report.warnings.append(
                        f"tbltax {row['id']}: a second tax level ({m.text(row['name'])} "
                        f"{rate} %) does not exist in Hostwerk; invoices keep their total tax"
                    )
                elif code and code in rates and rates[code] != rate:
                    self.report.warnings.append(
                        f"tbltax {row['id']}: WHMCS charges {rate} % in {code}, Hostwerk "
                        f"{rates[code]} %; new invoices use Hostwerk's VAT rates"
                    )
        orders = self.reader.count("tblorders")
        if orders:
            self.report.warnings.append(
                f"tblorders: {orders} orders are not imported; their services, domains and "
                "invoices are"
            )

    # --- products ----------------------------------------------------------------------------

    def import_products(self) -> None:
        groups = (
            {
                row["id"]: row
                for row in self.reader.query("SELECT id, name, `order` FROM tblproductgroups")
            }
            if self.reader.has_table("tblproductgroups")
            else {}
        )
        pricing = {
            row["relid"]: row
            for row in self.reader.query(
                "SELECT * FROM tblpricing WHERE type = 'product' AND currency = %s ORDER BY id",
                (self.house_currency_id or 0,),
            )
        }
        for batch in self.reader.batches("tblproducts"):
            rows = []
            prices_by_product: dict[int, list[m.Price]] = {}
            with transaction.atomic():
                for row in batch:
                    prices = m.product_prices(row["paytype"], pricing.get(row["id"]))
                    if not prices:
                        self.report.warnings.append(
                            f"tblproducts {row['id']} ({m.text(row['name'])}): no billing cycle "
                            "is switched on; imported without prices"
                        )
                    prices_by_product[row["id"]] = prices
                    rows.append((row["id"], self._product_values(row, groups, prices)))
                products = self.upsert(
                    table="tblproducts", entity="products", model=Product, rows=rows
                )
                product_ids = [product.pk for product in products.values()]
                ProductPrice.objects.filter(product_id__in=product_ids).delete()
                ProductPrice.objects.bulk_create(
                    [
                        ProductPrice(
                            product_id=products[source_id].pk,
                            billing_cycle=price.cycle,
                            amount=price.amount,
                            setup_fee=price.setup_fee,
                        )
                        for source_id, prices in prices_by_product.items()
                        for price in prices
                    ]
                )

    def _product_values(self, row, groups, prices) -> dict[str, Any]:
        servertype = m.text(row["servertype"]).lower()
        name = m.text(row["name"], limit=150) or f"WHMCS product {row['id']}"
        description = m.text(row["description"])
        module_settings: dict[str, Any] = {}
        if servertype == "plesk":
            kind, module = ProductType.HOSTING, ProvisioningModule.PLESK
            plan = m.text(row["configoption1"])
            if plan:
                module_settings["plan"] = plan
        else:
            kind, module = ProductType.OTHER, ProvisioningModule.NONE
            if servertype:
                self.report.grouped[
                    f"products of WHMCS module {servertype}: imported without a provisioning "
                    "module (staff do the work)"
                ] += 1
        group = groups.get(row["gid"])
        return {
            "name_nl": name,
            "name_en": name,
            "description_nl": description,
            "description_en": description,
            "type": kind,
            "module": module,
            "module_settings": module_settings,
            "default_billing_cycle": m.default_cycle(prices),
            "welcome_email": "welcome_hosting" if kind == ProductType.HOSTING else "",
            "active": not (row["retired"] or row["hidden"]),
            # Hostwerk has no product groups: the group's place orders the catalogue.
            "sort_order": (group["order"] if group else 0) * 1000 + (row["order"] or 0),
        }

    # --- servers -----------------------------------------------------------------------------

    def import_servers(self) -> None:
        servers = list(Server.objects.all())
        by_name = {server.name: server for server in servers}
        by_host = {server.hostname.lower(): server for server in servers}
        for whmcs_id, name in self.options.server_map.items():
            if name not in by_name:
                raise ImportInvalid(f"--server-map {whmcs_id}={name}: no Hostwerk server {name}")
        for batch in self.reader.batches("tblservers"):
            matched: list[tuple[int, int]] = []
            to_create: list[tuple[int, dict[str, Any]]] = []
            for row in batch:
                hostname = m.text(row["hostname"]).lower()
                mapped = self.options.server_map.get(row["id"])
                server = by_name.get(mapped) if mapped else by_host.get(hostname)
                if server is None and not mapped:
                    server = by_host.get(m.text(row["ipaddress"]))
                if server is not None:
                    matched.append((row["id"], server.pk))
                    continue
                if m.text(row["type"]).lower() != "plesk":
                    self.report.skip(
                        "tblservers",
                        row["id"],
                        f"server {m.text(row['name'])} uses WHMCS module "
                        f"{m.text(row['type']) or '(none)'}, which Hostwerk does not manage",
                    )
                    continue
                values = self._server_values(row, by_name)
                if values is None:
                    continue
                to_create.append((row["id"], values))
            with transaction.atomic():
                known = self.links.table("tblservers")
                fresh = [pair for pair in matched if known.get(pair[0]) != pair[1]]
                self.links.add("tblservers", fresh)
                self.report.counts["servers"] += len(matched)
                self.upsert(table="tblservers", entity="servers", model=Server, rows=to_create)

    def _server_values(self, row, by_name) -> dict[str, Any] | None:
        import ipaddress

        address = m.text(row["ipaddress"])
        try:
            ipaddress.IPv4Address(address)
        except ValueError:
            self.report.skip(
                "tblservers",
                row["id"],
                f"server {m.text(row['name'])} has no IPv4 address; add it by hand and map it "
                "with --server-map",
            )
            return None
        hostname = m.text(row["hostname"]).lower() or address
        name = m.text(row["name"], limit=100) or hostname
        linked = self.links.get("tblservers", row["id"])
        if name in by_name and by_name[name].pk != linked:
            name = f"{name[:80]} (WHMCS {row['id']})"
        port = row["port"] or 8443
        return {
            "name": name,
            "kind": ServerKind.PLESK,
            "hostname": hostname,
            "api_url": f"https://{hostname}:{port}",
            "username": m.text(row["username"], limit=100),
            "password": self.decrypt(row["password"], what="server passwords"),
            "api_key": m.text(row["accesshash"]),
            "verify_tls": m.text(row["secure"]).lower() == "on",
            "web_ip": address,
            "mail_ip": address,
            "capacity": max(row["maxaccounts"] or 0, 0),
            "active": not row["disabled"],
        }

    # --- clients and contacts ----------------------------------------------------------------

    def import_clients(self) -> None:
        default_country = seller_country()
        for batch in self.reader.batches("tblclients"):
            contacts = defaultdict(list)
            for contact in self.reader.rows_for(
                "tblcontacts", "userid", [row["id"] for row in batch]
            ):
                contacts[contact["userid"]].append(contact)
            rows = []
            for row in batch:
                self.client_credit[row["id"]] = m.money(row["credit"])
                self.client_currency[row["id"]] = self.currency_codes.get(
                    row["currency"], settings.CURRENCY
                )
                rows.append(
                    (row["id"], self._client_values(row, contacts[row["id"]], default_country))
                )
            with transaction.atomic():
                clients = self.upsert(table="tblclients", entity="clients", model=Client, rows=rows)
                numberless = [client.pk for client in clients.values() if client.number is None]
                if numberless:
                    Client.objects.filter(pk__in=numberless).update(
                        number=F("pk") + FIRST_CLIENT_NUMBER - 1
                    )

    def _client_values(self, row, contacts, default_country) -> dict[str, Any]:
        country = m.country(row["country"], default=default_country)
        if not m.text(row["country"]):
            self.report.grouped[f"clients without a country: set to {default_country}"] += 1
        phone, phone_read = m.phone(row["phonenumber"], country=country)
        vat, vat_read = m.vat_number(row["tax_id"], country=country)
        notes = [m.text(row["notes"])]
        if not phone_read:
            self.report.grouped["clients whose phone number could not be read: kept in notes"] += 1
            notes.append(f"Phone in WHMCS: {m.text(row['phonenumber'])}")
        if not vat_read:
            self.report.grouped["clients whose VAT number is not valid: kept in notes"] += 1
            notes.append(f"VAT number in WHMCS: {m.text(row['tax_id'])}")
        if self.client_currency[row["id"]] != settings.CURRENCY:
            self.report.grouped[
                f"clients in {self.client_currency[row['id']]}: imported; new invoices are in "
                f"{settings.CURRENCY}"
            ] += 1
        for contact in contacts:
            parts = [
                f"{m.text(contact['firstname'])} {m.text(contact['lastname'])}".strip(),
                m.text(contact["companyname"]),
                m.text(contact["email"]),
                m.text(contact["phonenumber"]),
            ]
            roles = [
                role
                for role, column in (
                    ("invoices", "invoiceemails"),
                    ("domains", "domainemails"),
                    ("products", "productemails"),
                )
                if contact[column]
            ]
            notes.append(
                "Contact from WHMCS: "
                + ", ".join(part for part in parts if part)
                + (f" (e-mails: {', '.join(roles)})" if roles else "")
            )
        return {
            "company": m.text(row["companyname"], limit=200),
            "first_name": m.text(row["firstname"], limit=100),
            "last_name": m.text(row["lastname"], limit=100),
            "email": m.text(row["email"], limit=254).lower(),
            "phone": phone,
            "address1": m.text(row["address1"], limit=200),
            "address2": m.text(row["address2"], limit=200),
            "postcode": m.text(row["postcode"], limit=20),
            "city": m.text(row["city"], limit=100),
            "state": m.text(row["state"], limit=100),
            "country": country,
            "language": m.language(row["language"], default=self.default_language),
            "vat_number": vat,
            "status": m.CLIENT_STATUS.get(row["status"], ClientStatus.ACTIVE),
            "notes": "\n".join(note for note in notes if note),
        }

    # --- logins ------------------------------------------------------------------------------

    def import_users(self) -> None:
        clients = self.links.table("tblclients")
        links_by_user: dict[int, list[dict]] = defaultdict(list)
        clients_with_users: set[int] = set()
        for batch in self.reader.batches("tblusers_clients"):
            for link in batch:
                links_by_user[link["auth_user_id"]].append(link)
                clients_with_users.add(link["client_id"])
        client_status = dict(
            Client.objects.filter(pk__in=clients.values()).values_list("pk", "status")
        )
        for batch in self.reader.batches("tblusers"):
            rows = []
            for row in batch:
                links = sorted(
                    links_by_user.get(row["id"], []), key=lambda link: (-link["owner"], link["id"])
                )
                links = [link for link in links if link["client_id"] in clients]
                if not links:
                    self.report.skip("tblusers", row["id"], "the login belongs to no client")
                    continue
                for extra in links[1:]:
                    self.report.skip(
                        "tblusers_clients",
                        extra["id"],
                        f"login {m.text(row['email'])} also has access to WHMCS client "
                        f"{extra['client_id']}; a Hostwerk login belongs to one client",
                    )
                client_id = clients[links[0]["client_id"]]
                rows.append(
                    (
                        row["id"],
                        {
                            "email": m.text(row["email"]).lower(),
                            "name": f"{m.text(row['first_name'])} {m.text(row['last_name'])}".strip()[
                                :150
                            ],
                            "client_id": client_id,
                            "language": m.language(row["language"], default=self.default_language),
                            "is_active": client_status.get(client_id) != ClientStatus.CLOSED,
                            "_hash": row["password"],
                        },
                    )
                )
            with transaction.atomic():
                self._upsert_users("tblusers", rows)
        # Before WHMCS 8 the client itself was the login; such clients have no tblusers row.
        for batch in self.reader.batches(
            "tblclients", "id, email, password, firstname, lastname, language"
        ):
            rows = []
            for row in batch:
                if row["id"] in clients_with_users or row["id"] not in clients:
                    continue
                if not m.text(row["password"]):
                    self.report.grouped[
                        "clients without a login: their users can be invited from the client's page"
                    ] += 1
                    continue
                client_id = clients[row["id"]]
                rows.append(
                    (
                        row["id"],
                        {
                            "email": m.text(row["email"]).lower(),
                            "name": f"{m.text(row['firstname'])} {m.text(row['lastname'])}".strip()[
                                :150
                            ],
                            "client_id": client_id,
                            "language": m.language(row["language"], default=self.default_language),
                            "is_active": client_status.get(client_id) != ClientStatus.CLOSED,
                            "_hash": row["password"],
                        },
                    )
                )
            if rows:
                with transaction.atomic():
                    self._upsert_users("tblclients_login", rows)

    def _upsert_users(self, table: str, rows: list[tuple[int, dict[str, Any]]]) -> None:
        known = self.links.table(table)
        taken = dict(
            User.objects.filter(email__in=[values["email"] for _, values in rows]).values_list(
                "email", "pk"
            )
        )
        accepted = []
        seen: set[str] = set()
        current = dict(
            User.objects.filter(pk__in=[known[sid] for sid, _ in rows if sid in known]).values_list(
                "pk", "password"
            )
        )
        for source_id, values in rows:
            email = values["email"]
            owner = taken.get(email)
            if "@" not in email:
                self.report.skip(table, source_id, f"the login has no e-mail address ({email!r})")
                continue
            if email in seen or (owner is not None and owner != known.get(source_id)):
                self.report.skip(table, source_id, f"a Hostwerk login with {email} exists already")
                continue
            seen.add(email)
            php_hash = values.pop("_hash")
            encoded = whmcs_password_encoded(m.text(php_hash))
            existing_password = current.get(known.get(source_id), "")
            if existing_password and not existing_password.startswith("whmcs_"):
                # The user logged in to Hostwerk since: the new hash is Hostwerk's own.
                pass
            elif encoded is None:
                self.report.grouped[
                    "logins with a password hash of an unknown form: they set a new password "
                    "through 'forgot password'"
                ] += 1
                values["password"] = "!whmcs-unknown-hash"
            else:
                values["password"] = encoded
            accepted.append((source_id, values))
        self.upsert(table=table, entity="users", model=User, rows=accepted)

    # --- services ----------------------------------------------------------------------------

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

    # --- domains -----------------------------------------------------------------------------

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

    # --- invoices, lines, payments -----------------------------------------------------------

    def import_invoices(self) -> None:
        mass_pay: dict[int, int] = {}  # invoice paid through a mass payment → that invoice
        mass_pay_ids: set[int] = set()
        for row in self.reader.query(
            "SELECT invoiceid, relid FROM tblinvoiceitems WHERE type = 'Invoice'"
        ):
            mass_pay_ids.add(row["invoiceid"])
            mass_pay[row["relid"]] = row["invoiceid"]
        sequential = self.config.get("SequentialInvoiceNumbering", "").lower() == "on"
        self.numbers = dict(Invoice.objects.values_list("number", "pk"))
        self.positions = {
            (year, sequence): pk
            for year, sequence, pk in Invoice.objects.filter(kind=InvoiceKind.INVOICE).values_list(
                "year", "sequence", "pk"
            )
        }
        self.position_of = {pk: position for position, pk in self.positions.items()}
        self.number_of = {pk: number for number, pk in self.numbers.items()}
        self.series_max: dict[int, int] = defaultdict(int)
        for batch in self.reader.batches("tblinvoices"):
            ids = [row["id"] for row in batch]
            items = defaultdict(list)
            for item in self.reader.rows_for("tblinvoiceitems", "invoiceid", ids):
                items[item["invoiceid"]].append(item)
            accounts = defaultdict(list)
            for account in self.reader.rows_for("tblaccounts", "invoiceid", ids):
                accounts[account["invoiceid"]].append(account)
            with transaction.atomic():
                self._invoice_batch(batch, items, accounts, mass_pay, mass_pay_ids, sequential)
        for batch in self.reader.batches(
            "tblaccounts", "id, invoiceid, userid", where="invoiceid = 0"
        ):
            for row in batch:
                self.report.skip(
                    "tblaccounts",
                    row["id"],
                    "transaction without an invoice (added funds): counted in the client's credit",
                )
        with transaction.atomic():
            for year, last in sorted(self.series_max.items()):
                counter, _ = InvoiceCounter.objects.select_for_update().get_or_create(year=year)
                if counter.last_number < last:
                    counter.last_number = last
                    counter.save(update_fields=["last_number"])

    def _invoice_batch(self, batch, items, accounts, mass_pay, mass_pay_ids, sequential) -> None:
        clients = Client.objects.in_bulk(
            [pk for row in batch if (pk := self.links.get("tblclients", row["userid"]))]
        )
        rows = []
        kept = []
        for row in batch:
            values = self._invoice_values(row, clients, mass_pay_ids, sequential, accounts)
            if values is not None:
                rows.append((row["id"], values))
                kept.append(row)
        invoices = self.upsert(table="tblinvoices", entity="invoices", model=Invoice, rows=rows)
        for invoice in invoices.values():
            self.numbers.pop(self.number_of.get(invoice.pk), None)
            self.positions.pop(self.position_of.get(invoice.pk), None)
            self.numbers[invoice.number] = invoice.pk
            self.number_of[invoice.pk] = invoice.number
            self.positions[(invoice.year, invoice.sequence)] = invoice.pk
            self.position_of[invoice.pk] = (invoice.year, invoice.sequence)
        self._lines(kept, invoices, items)
        self._payments(kept, invoices, accounts, mass_pay)

    def _invoice_values(self, row, clients, mass_pay_ids, sequential, accounts):
        source_id = row["id"]
        if source_id in mass_pay_ids:
            self.report.skip(
                "tblinvoices",
                source_id,
                "mass payment invoice: the invoices it paid are imported as paid",
            )
            for account in accounts.get(source_id, []):
                self.report.skip(
                    "tblaccounts",
                    account["id"],
                    f"payment of mass payment invoice {source_id}: booked on the invoices it paid",
                )
            return None
        status = m.INVOICE_STATUS.get(m.text(row["status"]))
        if status is None:
            reason = (
                "draft invoice: never issued"
                if m.text(row["status"]) == "Draft"
                else f"unknown status {m.text(row['status'])!r}"
            )
            self.report.skip("tblinvoices", source_id, reason)
            return None
        client = clients.get(self.links.get("tblclients", row["userid"]))
        if client is None:
            self.report.skip("tblinvoices", source_id, f"client {row['userid']} is not imported")
            return None
        issued_on = m.day(row["date"]) or m.day(row["duedate"])
        if issued_on is None:
            self.report.skip("tblinvoices", source_id, "the invoice has no date")
            return None
        legal = m.text(row["invoicenum"])
        number = legal or f"{self.options.number_prefix}{source_id}"
        if len(number) > 20:
            self.report.skip(
                "tblinvoices", source_id, f"invoice number {number!r} is longer than 20 characters"
            )
            return None
        linked = self.links.get("tblinvoices", source_id)
        if self.numbers.get(number, linked) != linked:
            self.report.skip(
                "tblinvoices", source_id, f"invoice number {number} exists in Hostwerk already"
            )
            return None
        year, sequence = self._position(row, number, legal, issued_on, sequential, linked)
        frozen = linked is not None  # an issued invoice keeps the client's details as they were
        paid_on = None
        if status == InvoiceStatus.PAID:
            paid_on = m.day(row["datepaid"]) or issued_on
        cancelled = row.get("date_cancelled")
        subtotal = m.money(row["subtotal"])
        vat_amount = m.money(row["tax"]) + m.money(row["tax2"])
        rate = m.money(row["taxrate"]) + m.money(row["taxrate2"])
        values = {
            "number": number,
            "kind": InvoiceKind.INVOICE,
            "year": year,
            "sequence": sequence,
            "client_id": client.pk,
            "status": status,
            "issued_on": issued_on,
            "due_on": m.day(row["duedate"]) or issued_on,
            "paid_on": paid_on,
            "cancelled_at": (
                timezone.make_aware(cancelled)
                if status == InvoiceStatus.CANCELLED and isinstance(cancelled, datetime.datetime)
                else None
            ),
            "vat_scheme": _vat_scheme(client, rate),
            "vat_country": client.country.code if rate else "",
            "vat_rate": rate,
            "subtotal": subtotal,
            "vat_amount": vat_amount,
            "total": subtotal + vat_amount,
            "currency": self.client_currency.get(row["userid"], settings.CURRENCY),
            "client_name": client.full_name[:200],
            "client_company": client.company,
            "client_address": "\n".join(
                part
                for part in (
                    client.address1,
                    client.address2,
                    f"{client.postcode} {client.city}".strip(),
                    client.state,
                )
                if part
            ),
            "client_country": client.country.code,
            "client_vat_number": client.vat_number,
            "client_email": client.email,
        }
        if frozen:
            for name in [name for name in values if name.startswith("client_")]:
                del values[name]
        return values

    def _position(self, row, number, legal, issued_on, sequential, linked) -> tuple[int, int]:
        """Where the invoice sits in Hostwerk's yearly series; an existing one keeps its place."""
        if linked is not None and self.number_of.get(linked) == number:
            return self.position_of[linked]
        # New, or a proforma that got its legal number in WHMCS since the last run.
        in_series = bool(legal) or not sequential  # without invoicenum a proforma is no number
        position = m.series_position(number, issued_on=issued_on) if in_series else None
        if position is not None and position not in self.positions:
            self.series_max[position[0]] = max(self.series_max[position[0]], position[1])
            return position
        if position is not None:
            self.report.grouped[
                "invoice numbers whose place in the year's series is taken: kept outside the series"
            ] += 1
        return issued_on.year, OUTSIDE_SERIES + row["id"]

    def _lines(self, rows, invoices, items) -> None:
        service_ids = set()
        domain_ids = set()
        wanted = []
        for row in rows:
            invoice = invoices[row["id"]]
            for position, item in enumerate(items.get(row["id"], []), start=1):
                kind = m.text(item["type"]).lower()
                service_id = (
                    self.links.get("tblhosting", item["relid"])
                    if kind in m.LINE_SERVICE_TYPES
                    else None
                )
                domain_id = (
                    self.links.get("tbldomains", item["relid"])
                    if kind in m.LINE_DOMAIN_TYPES
                    else None
                )
                start = m.day(item["duedate"])
                end = None
                if service_id and start:
                    end = period_end_for_cycle(start, self.service_cycles.get(item["relid"], ""))
                elif domain_id and start:
                    end = period_end_for_years(start, self.domain_years.get(item["relid"], 1))
                if end is None:
                    start = None
                amount = m.money(item["amount"])
                values = {
                    "invoice_id": invoice.pk,
                    "position": position,
                    "service_id": service_id,
                    "domain_id": domain_id,
                    "description": m.text(item["description"], limit=255) or "—",
                    "period_start": start,
                    "period_end": end,
                    "void": invoice.status == InvoiceStatus.CANCELLED,
                    "quantity": Decimal(1),
                    "unit_price": amount,
                    "amount": amount,
                    "vat_amount": line_vat(amount=amount, rate=invoice.vat_rate)
                    if item["taxed"]
                    else ZERO,
                }
                service_ids.add(service_id)
                domain_ids.add(domain_id)
                wanted.append((item["id"], values))
        # One line per service (and domain) period: a period WHMCS invoiced twice is linked to
        # the first invoice only, so Hostwerk's own constraint holds.
        known = self.links.table("tblinvoiceitems")
        charged: dict[tuple[str, int, datetime.date], Any] = {}
        for owner, ids in (("service", service_ids - {None}), ("domain", domain_ids - {None})):
            for owner_id, start, pk in InvoiceLine.objects.filter(
                **{f"{owner}_id__in": ids}, void=False, period_start__isnull=False
            ).values_list(f"{owner}_id", "period_start", "pk"):
                charged[(owner, owner_id, start)] = pk
        for source_id, values in wanted:
            if values["void"] or values["period_start"] is None:
                continue
            owner = "service" if values["service_id"] else "domain"
            key = (owner, values[f"{owner}_id"], values["period_start"])
            mine = known.get(source_id) or ("new", source_id)
            holder = charged.setdefault(key, mine)
            if holder == mine:
                continue
            values["period_start"] = values["period_end"] = None
        self.upsert(table="tblinvoiceitems", entity="lines", model=InvoiceLine, rows=wanted)

    def _payments(self, rows, invoices, accounts, mass_pay) -> None:
        payments = []
        credit_used = []
        paid_amounts: dict[int, Decimal] = {}
        for row in rows:
            invoice = invoices[row["id"]]
            gross = ZERO
            refunded = ZERO
            for account in accounts.get(row["id"], []):
                paid_on = m.day(account["date"]) or invoice.paid_on or invoice.issued_on
                common = {
                    "invoice_id": invoice.pk,
                    "method": m.payment_method(account["gateway"]),
                    "provider": SOURCE,
                    "paid_on": paid_on,
                    "actor_label": ACTOR_LABEL,
                }
                transid = m.text(account["transid"])
                reference = f"whmcs-{account['id']}" + (f" {transid}" if transid else "")
                if m.money(account["amountin"]) > 0:
                    gross += m.money(account["amountin"])
                    payments.append(
                        (
                            "tblaccounts",
                            account["id"],
                            {
                                **common,
                                "kind": PaymentKind.PAYMENT,
                                "amount": m.money(account["amountin"]),
                                "reference": reference[:100],
                            },
                        )
                    )
                if m.money(account["amountout"]) > 0:
                    refunded += m.money(account["amountout"])
                    payments.append(
                        (
                            "tblaccounts_refund",
                            account["id"],
                            {
                                **common,
                                "kind": PaymentKind.REFUND,
                                "amount": m.money(account["amountout"]),
                                "reference": reference[:100],
                            },
                        )
                    )
            credit = m.money(row["credit"])
            if credit > 0:
                gross += credit
                payments.append(
                    (
                        "tblinvoices_credit",
                        row["id"],
                        {
                            "invoice_id": invoice.pk,
                            "kind": PaymentKind.PAYMENT,
                            "amount": credit,
                            "method": PaymentMethod.CREDIT,
                            "provider": SOURCE,
                            "reference": f"whmcs-credit-{row['id']}",
                            "paid_on": invoice.paid_on or invoice.issued_on,
                            "actor_label": ACTOR_LABEL,
                        },
                    )
                )
                credit_used.append(
                    (
                        row["id"],
                        {
                            "client_id": invoice.client_id,
                            "amount": -credit,
                            "invoice_id": invoice.pk,
                            "description": f"Used for invoice {invoice.number} (in WHMCS)",
                        },
                    )
                )
            if invoice.status == InvoiceStatus.PAID and gross < invoice.total:
                # Paid in WHMCS without (enough) transactions: by a mass payment invoice, or
                # marked paid by staff. The rest is booked so the invoice is paid here too.
                through = mass_pay.get(row["id"])
                reference = (
                    f"whmcs-masspay-{through}-{row['id']}" if through else f"whmcs-paid-{row['id']}"
                )
                payments.append(
                    (
                        "tblinvoices_paid",
                        row["id"],
                        {
                            "invoice_id": invoice.pk,
                            "kind": PaymentKind.PAYMENT,
                            "amount": invoice.total - gross,
                            "method": PaymentMethod.OTHER,
                            "provider": SOURCE,
                            "reference": reference,
                            "paid_on": invoice.paid_on or invoice.issued_on,
                            "actor_label": ACTOR_LABEL,
                        },
                    )
                )
                gross = invoice.total
            paid_amounts[invoice.pk] = max(min(gross, invoice.total) - refunded, ZERO)
        by_table = defaultdict(list)
        for table, source_id, values in payments:
            by_table[table].append((source_id, values))
        for table, table_rows in by_table.items():
            self.upsert(table=table, entity="payments", model=Payment, rows=table_rows)
        self.upsert(
            table="tblinvoices_credit_used", entity=None, model=CreditEntry, rows=credit_used
        )
        changed = [
            invoice
            for invoice in invoices.values()
            if invoice.amount_paid != paid_amounts.get(invoice.pk, ZERO)
        ]
        for invoice in changed:
            invoice.amount_paid = paid_amounts.get(invoice.pk, ZERO)
        if changed:
            Invoice.objects.bulk_update(changed, ["amount_paid"], batch_size=1000)

    # --- client credit -----------------------------------------------------------------------

    def reconcile_credit(self) -> None:
        """Bring each client's credit to tblclients.credit with one entry for the difference."""
        clients = self.links.table("tblclients")
        balances = dict(
            CreditEntry.objects.filter(client_id__in=clients.values())
            .values("client_id")
            .annotate(total=Sum("amount"))
            .values_list("client_id", "total")
        )
        entries = []
        for source_id, credit in self.client_credit.items():
            client_id = clients.get(source_id)
            if client_id is None:
                continue
            difference = credit - (balances.get(client_id) or ZERO)
            if difference:
                entries.append(
                    CreditEntry(
                        client_id=client_id,
                        amount=difference,
                        description="Credit balance taken over from WHMCS",
                    )
                )
        with transaction.atomic():
            CreditEntry.objects.bulk_create(entries, batch_size=2000)
        self.report.counts["credit_adjustments"] += len(entries)


def _vat_scheme(client: Client, rate: Decimal) -> str:
    code = client.country.code
    if code == seller_country() or not code:
        return VatScheme.DOMESTIC
    if code in EU_COUNTRIES:
        return VatScheme.REVERSE_CHARGE if not rate and client.vat_number else VatScheme.EU_CONSUMER
    return VatScheme.OUTSIDE_EU


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
