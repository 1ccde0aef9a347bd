"""The WHMCS import of clients, their contacts and their logins (tblclients, tblcontacts, tblusers)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F

from hostwerk.accounts.hashers import whmcs_password_encoded
from hostwerk.accounts.models import User
from hostwerk.billing.vat import seller_country
from hostwerk.clients.actions import FIRST_CLIENT_NUMBER
from hostwerk.clients.models import Client, ClientStatus
from hostwerk.imports.whmcs import mapping as m
from hostwerk.imports.whmcs.base import ImportBase


class ClientImport(ImportBase):
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
