"""In-memory state of the Plesk simulator and the rules real Plesk enforces on it."""

from __future__ import annotations

import copy
import datetime
import re
import threading
import uuid
from dataclasses import asdict
from typing import Any

from hostwerk.sandbox.faults import FaultPlan
from hostwerk.sandbox.plesk.entries import (
    SITE_NOT_FOUND,
    CustomerEntry,
    DnsEntry,
    MailboxEntry,
    Objects,
    PlanEntry,
    PleskFailure,
    SiteAliasEntry,
    WebspaceEntry,
)

_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_FTP_LOGIN = re.compile(r"^[0-9a-zA-Z][-a-zA-Z0-9_.]{0,16}$")
_CUSTOMER_LOGIN = re.compile(r"^[a-zA-Z0-9][-a-zA-Z0-9_.@]{0,59}$")
_MAIL_NAME = re.compile(r"^[a-zA-Z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$")
SETTABLE_STATUSES = (0, 16, 32, 64)
# The simulator's well-known admin password: it guards nothing and is printed at start.
SANDBOX_PASSWORD = "sandbox"


class PleskState:
    """Everything one simulated Plesk server holds. Methods take the lock; tests may call them."""

    def __init__(
        self,
        *,
        name: str = "plesk",
        login: str = "admin",
        password: str = SANDBOX_PASSWORD,
        secret_key: str | None = None,
        ips: tuple[str, ...] = ("192.0.2.10",),
        plans: tuple[str, ...] = ("Default Domain", "Unlimited"),
    ) -> None:
        self.name = name
        self.login = login
        self.password = password
        self.secret_key = secret_key
        self.ips = tuple(ips)
        self.plan_names = tuple(plans)
        self.guid = str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{name}.plesk.sandbox"))
        self.version = "18.0.61"
        self.faults = FaultPlan()
        self.lock = threading.RLock()
        self._objects = Objects()
        self._seed()

    def _seed(self) -> None:
        for plan_name in self.plan_names:
            plan_id = self._next_id("plan")
            self._objects.plans[plan_id] = PlanEntry(
                id=plan_id, guid=str(uuid.uuid4()), name=plan_name
            )

    def reset(self) -> None:
        """Forget every customer, webspace and mailbox and every armed fault; keep the plans."""
        with self.lock:
            self._objects = Objects()
            self._seed()
            self.faults.clear()

    # -- snapshots (the "ignore" fault answers as usual, then puts everything back) --------------

    def snapshot(self) -> Objects:
        with self.lock:
            return copy.deepcopy(self._objects)

    def restore(self, objects: Objects) -> None:
        with self.lock:
            self._objects = objects

    # -- reads for tests and the control endpoint ---------------------------------------------

    @property
    def customers(self) -> list[CustomerEntry]:
        with self.lock:
            return list(self._objects.customers.values())

    @property
    def plans(self) -> list[PlanEntry]:
        with self.lock:
            return list(self._objects.plans.values())

    @property
    def webspaces(self) -> list[WebspaceEntry]:
        with self.lock:
            return list(self._objects.webspaces.values())

    @property
    def aliases(self) -> list[SiteAliasEntry]:
        with self.lock:
            return list(self._objects.aliases.values())

    @property
    def mailboxes(self) -> list[MailboxEntry]:
        with self.lock:
            return list(self._objects.mailboxes.values())

    @property
    def dns_records(self) -> list[DnsEntry]:
        with self.lock:
            return list(self._objects.dns.values())

    def counts(self) -> dict[str, int]:
        with self.lock:
            return {
                "customers": len(self._objects.customers),
                "webspaces": len(self._objects.webspaces),
                "aliases": len(self._objects.aliases),
                "mailboxes": len(self._objects.mailboxes),
                "dns_records": len(self._objects.dns),
            }

    def find_customer(self, *, login: str) -> CustomerEntry | None:
        with self.lock:
            return next((c for c in self._objects.customers.values() if c.login == login), None)

    def find_webspace(self, *, name: str) -> WebspaceEntry | None:
        with self.lock:
            return self._webspace_by_name(name)

    def find_mailbox(self, address: str) -> MailboxEntry | None:
        with self.lock:
            return self._mailbox_by_address(address)

    def plan_name_of(self, webspace: WebspaceEntry) -> str | None:
        with self.lock:
            plan = self._plan_by_guid(webspace.plan_guid) if webspace.plan_guid else None
            return plan.name if plan else None

    def dump(self) -> dict[str, Any]:
        """JSON-ready view of the whole state, passwords left out."""
        with self.lock:
            objects = self._objects
            webspace_names = {w.id: w.name for w in objects.webspaces.values()}
            return {
                "name": self.name,
                "ips": list(self.ips),
                "plans": [asdict(plan) for plan in objects.plans.values()],
                "customers": [
                    {k: v for k, v in asdict(c).items() if k != "password"}
                    for c in objects.customers.values()
                ],
                "webspaces": [
                    {
                        **{k: v for k, v in asdict(w).items() if k != "ftp_password"},
                        "plan_name": self.plan_name_of(w),
                    }
                    for w in objects.webspaces.values()
                ],
                "aliases": [asdict(alias) for alias in objects.aliases.values()],
                "mailboxes": [
                    {
                        **{k: v for k, v in asdict(m).items() if k != "password"},
                        "address": f"{m.name}@{webspace_names.get(m.site_id, '?')}",
                    }
                    for m in objects.mailboxes.values()
                ],
                "dns_records": [asdict(record) for record in objects.dns.values()],
                "faults": self.faults.pending(),
            }

    # -- customers ------------------------------------------------------------------------------

    def customer_add(self, fields: dict[str, str]) -> CustomerEntry:
        with self.lock:
            login = fields["login"]
            if not _CUSTOMER_LOGIN.match(login):
                raise PleskFailure(1019, f"Invalid value of the login: '{login}'.")
            if len(fields["passwd"]) < 5:
                raise PleskFailure(1019, "The password is too short: use at least 5 characters.")
            if self.find_customer(login=login) is not None or login == self.login:
                raise PleskFailure(1007, f"User account {login} already exists.")
            external_id = fields.get("external-id", "")
            if external_id and any(
                c.external_id == external_id for c in self._objects.customers.values()
            ):
                raise PleskFailure(1007, "Customer with such external id already exists.")
            status = int(fields.get("status") or 0)
            if status not in SETTABLE_STATUSES:
                raise PleskFailure(1025, f"Wrong status value: {status}.")
            customer = CustomerEntry(
                id=self._next_id("customer"),
                guid=str(uuid.uuid4()),
                login=login,
                password=fields["passwd"],
                pname=fields["pname"],
                status=status,
                external_id=external_id,
                created=_today(),
                **{
                    key: fields[key]
                    for key in (
                        "cname",
                        "email",
                        "phone",
                        "fax",
                        "address",
                        "city",
                        "state",
                        "pcode",
                        "country",
                        "description",
                    )
                    if key in fields
                },
            )
            if "locale" in fields:
                customer.locale = fields["locale"]
            self._objects.customers[customer.id] = customer
            return customer

    def customers_matching(self, key: str | None, value: str | None) -> list[CustomerEntry]:
        with self.lock:
            customers = list(self._objects.customers.values())
            if key is None:
                return customers
            attribute = {"external-id": "external_id", "owner-id": None, "owner-login": None}.get(
                key, key
            )
            if attribute is None:
                # Customers of the administrator: all of them in the simulator.
                return customers
            return [c for c in customers if str(getattr(c, attribute)) == value]

    def customer_set(self, customer: CustomerEntry, fields: dict[str, str]) -> None:
        with self.lock:
            new_login = fields.get("login", customer.login)
            if new_login != customer.login and self.find_customer(login=new_login) is not None:
                raise PleskFailure(1007, f"User account {new_login} already exists.")
            if "passwd" in fields and len(fields["passwd"]) < 5:
                raise PleskFailure(1019, "The password is too short: use at least 5 characters.")
            if "status" in fields and int(fields["status"]) not in SETTABLE_STATUSES:
                raise PleskFailure(1025, f"Wrong status value: {fields['status']}.")
            for key, value in fields.items():
                if key == "passwd":
                    customer.password = value
                elif key == "status":
                    customer.status = int(value)
                elif key == "external-id":
                    customer.external_id = value
                elif key != "guid":
                    setattr(customer, key, value)

    def customer_delete(self, customer: CustomerEntry) -> None:
        with self.lock:
            for webspace in [
                w for w in self._objects.webspaces.values() if w.owner_id == customer.id
            ]:
                self.webspace_delete(webspace)
            del self._objects.customers[customer.id]

    # -- plans ----------------------------------------------------------------------------------

    def plans_matching(self, key: str | None, value: str | None) -> list[PlanEntry]:
        with self.lock:
            plans = list(self._objects.plans.values())
            if key is None:
                return plans
            attribute = "external_id" if key == "external-id" else key
            return [p for p in plans if str(getattr(p, attribute)) == value]

    # -- webspaces ------------------------------------------------------------------------------

    def webspace_add(
        self,
        *,
        name: str,
        owner: tuple[str, str] | None,
        hosting_type: str,
        ip_address: str,
        plan: tuple[str, str] | None,
        ftp_login: str = "",
        ftp_password: str = "",
        forwarding_url: str = "",
        external_id: str = "",
        status: int = 0,
    ) -> WebspaceEntry:
        with self.lock:
            name = name.lower().rstrip(".")
            if not _is_host_name(name):
                raise PleskFailure(1019, f"The domain name {name} is invalid.")
            if self._webspace_by_name(name) is not None or any(
                a.name == name for a in self._objects.aliases.values()
            ):
                raise PleskFailure(
                    1007,
                    f"Unable to create the domain {name} because a DNS record pointing to the "
                    f"host {name} already exists.",
                )
            owner_id = self._owner_id(owner)
            if ip_address not in self.ips:
                raise PleskFailure(
                    1018, f"IP address {ip_address} is not in the IP pool of the owner."
                )
            plan_guid = None
            if plan is not None:
                plan_guid = self._plan(plan).guid
            if hosting_type == "vrt_hst":
                if not _FTP_LOGIN.match(ftp_login or ""):
                    raise PleskFailure(1019, f"Invalid value of ftp_login: '{ftp_login}'.")
                if len(ftp_password) < 5:
                    raise PleskFailure(
                        1019, "The FTP password is too short: use at least 5 characters."
                    )
                if any(w.ftp_login == ftp_login for w in self._objects.webspaces.values()):
                    raise PleskFailure(1007, f"System user {ftp_login} already exists.")
            elif hosting_type in ("std_fwd", "frm_fwd") and not forwarding_url:
                raise PleskFailure(1019, "The forwarding URL is empty.")
            webspace = WebspaceEntry(
                id=self._next_id("webspace"),
                guid=str(uuid.uuid4()),
                name=name,
                owner_id=owner_id,
                hosting_type=hosting_type,
                ip_address=ip_address,
                plan_guid=plan_guid,
                status=status,
                ftp_login=ftp_login if hosting_type == "vrt_hst" else "",
                ftp_password=ftp_password if hosting_type == "vrt_hst" else "",
                forwarding_url=forwarding_url if hosting_type != "vrt_hst" else "",
                external_id=external_id,
                created=_today(),
            )
            self._objects.webspaces[webspace.id] = webspace
            self._add_default_dns(webspace)
            return webspace

    def webspaces_matching(self, key: str | None, value: str | None) -> list[WebspaceEntry]:
        with self.lock:
            webspaces = list(self._objects.webspaces.values())
            if key is None:
                return webspaces
            if key == "name":
                value = (value or "").lower().rstrip(".")
            if key in ("owner-login", "owner-guid", "owner-external-id"):
                attribute = {"owner-login": "login", "owner-guid": "guid"}.get(key, "external_id")
                owners = {
                    c.id
                    for c in self._objects.customers.values()
                    if str(getattr(c, attribute)) == value
                }
                return [w for w in webspaces if w.owner_id in owners]
            attribute = {"owner-id": "owner_id", "external-id": "external_id"}.get(key, key)
            return [w for w in webspaces if str(getattr(w, attribute)) == value]

    def webspace_set_status(self, webspace: WebspaceEntry, status: int) -> None:
        with self.lock:
            if status not in SETTABLE_STATUSES:
                raise PleskFailure(1025, f"Wrong status value: {status}.")
            webspace.status = status

    def webspace_switch_plan(self, webspace: WebspaceEntry, plan: tuple[str, str] | None) -> None:
        with self.lock:
            webspace.plan_guid = self._plan(plan).guid if plan is not None else None

    def webspace_delete(self, webspace: WebspaceEntry) -> None:
        with self.lock:
            objects = self._objects
            for table in (objects.aliases, objects.mailboxes, objects.dns):
                for key in [k for k, item in table.items() if item.site_id == webspace.id]:
                    del table[key]
            del objects.webspaces[webspace.id]

    # -- site aliases ---------------------------------------------------------------------------

    def alias_create(self, *, site_id: int, name: str, web: bool, mail: bool) -> SiteAliasEntry:
        with self.lock:
            self._site(site_id)
            name = name.lower().rstrip(".")
            if not _is_host_name(name):
                raise PleskFailure(1019, f"The domain alias name {name} is invalid.")
            if self._webspace_by_name(name) is not None or any(
                a.name == name for a in self._objects.aliases.values()
            ):
                raise PleskFailure(1007, f"Domain alias {name} already exists.")
            alias = SiteAliasEntry(
                id=self._next_id("alias"), site_id=site_id, name=name, web=web, mail=mail
            )
            self._objects.aliases[alias.id] = alias
            return alias

    def aliases_matching(self, key: str | None, value: str | None) -> list[SiteAliasEntry]:
        with self.lock:
            aliases = list(self._objects.aliases.values())
            if key is None:
                return aliases
            if key == "site-id":
                self._site(int(value or 0))
                return [a for a in aliases if str(a.site_id) == value]
            if key == "site-name":
                webspace = self._webspace_by_name(value or "")
                if webspace is None:
                    raise PleskFailure(1015, SITE_NOT_FOUND)
                return [a for a in aliases if a.site_id == webspace.id]
            return [a for a in aliases if str(getattr(a, key)) == value]

    def alias_delete(self, alias: SiteAliasEntry) -> None:
        with self.lock:
            del self._objects.aliases[alias.id]

    # -- mail -----------------------------------------------------------------------------------

    def mailbox_create(
        self, *, site_id: int, name: str, password: str, enabled: bool, quota: int | None
    ) -> MailboxEntry:
        with self.lock:
            self._site(site_id)
            if not _MAIL_NAME.match(name) or name.startswith(".") or name.endswith("."):
                raise PleskFailure(1019, f"Invalid value of the mail name: '{name}'.")
            if self._mailbox(site_id, name) is not None:
                raise PleskFailure(1007, "Mailname already exists")
            if password and len(password) < 5:
                raise PleskFailure(1019, "The password is too short: use at least 5 characters.")
            mailbox = MailboxEntry(
                id=self._next_id("mailbox"),
                site_id=site_id,
                name=name.lower(),
                password=password,
                enabled=enabled,
                quota=quota if quota is not None else -1,
            )
            self._objects.mailboxes[mailbox.id] = mailbox
            return mailbox

    def mailboxes_of(self, site_id: int) -> list[MailboxEntry]:
        with self.lock:
            self._site(site_id)
            return [m for m in self._objects.mailboxes.values() if m.site_id == site_id]

    def mailbox(self, site_id: int, name: str) -> MailboxEntry:
        with self.lock:
            self._site(site_id)
            mailbox = self._mailbox(site_id, name)
            if mailbox is None:
                raise PleskFailure(1013)
            return mailbox

    def mailbox_update(
        self, mailbox: MailboxEntry, *, password: str | None, quota: int | None
    ) -> None:
        with self.lock:
            if password is not None and len(password) < 5:
                raise PleskFailure(1019, "The password is too short: use at least 5 characters.")
            if password is not None:
                mailbox.password = password
            if quota is not None:
                mailbox.quota = quota

    def mailbox_remove(self, mailbox: MailboxEntry) -> None:
        with self.lock:
            del self._objects.mailboxes[mailbox.id]

    def spam_filter_mailbox(self, address: str) -> MailboxEntry:
        with self.lock:
            mailbox = self._mailbox_by_address(address)
            if mailbox is None:
                raise PleskFailure(1013)
            return mailbox

    # -- DNS ------------------------------------------------------------------------------------

    def dns_add(self, *, site_id: int, type: str, host: str, value: str, opt: str) -> DnsEntry:
        with self.lock:
            webspace = self._site(site_id)
            host = host.strip().rstrip(".")
            if host.endswith(webspace.name):
                absolute_host = f"{host}."
            else:
                absolute_host = f"{host}.{webspace.name}." if host else f"{webspace.name}."
            value = _absolute_value(type, value.strip())
            for record in self._objects.dns.values():
                if (record.site_id, record.type, record.host, record.value) == (
                    site_id,
                    type,
                    absolute_host,
                    value,
                ):
                    raise PleskFailure(
                        1007, f"DNS record '{absolute_host} IN {type} {value}' already exists."
                    )
            return self._add_dns(site_id, type, absolute_host, value, opt)

    def dns_matching(self, key: str | None, value: str | None) -> list[DnsEntry]:
        with self.lock:
            records = list(self._objects.dns.values())
            if key is None:
                return records
            if key == "site-id":
                self._site(int(value or 0))
                return [r for r in records if str(r.site_id) == value]
            if key == "dns-zone-name":
                webspace = self._webspace_by_name(value or "")
                if webspace is None:
                    raise PleskFailure(1013)
                return [r for r in records if r.site_id == webspace.id]
            if key == "id":
                return [r for r in records if str(r.id) == value]
            return []

    def dns_delete(self, record: DnsEntry) -> None:
        with self.lock:
            if record.type == "MX":
                others = [
                    r
                    for r in self._objects.dns.values()
                    if r.site_id == record.site_id and r.type == "MX" and r.id != record.id
                ]
                # The SpamExperts Plesk extension notes that "the panel does not allow to
                # delete the last MX record"; replacing MX means adding first, then deleting.
                if not others:
                    raise PleskFailure(1023, "Unable to delete the last MX record of the zone.")
            del self._objects.dns[record.id]

    # -- internals ------------------------------------------------------------------------------

    def _next_id(self, kind: str) -> int:
        value = self._objects.next_ids[kind]
        self._objects.next_ids[kind] = value + 1
        return value

    def _owner_id(self, owner: tuple[str, str] | None) -> int:
        if owner is None:
            raise PleskFailure(1015)
        key, value = owner
        attribute = {
            "owner-id": "id",
            "owner-login": "login",
            "owner-guid": "guid",
            "owner-external-id": "external_id",
        }[key]
        for customer in self._objects.customers.values():
            if str(getattr(customer, attribute)) == value:
                return customer.id
        raise PleskFailure(1015)

    def _plan(self, plan: tuple[str, str]) -> PlanEntry:
        key, value = plan
        attribute = {
            "plan-id": "id",
            "plan-name": "name",
            "plan-guid": "guid",
            "plan-external-id": "external_id",
        }[key]
        for entry in self._objects.plans.values():
            if str(getattr(entry, attribute)).lower() == value.lower():
                return entry
        raise PleskFailure(1013, f"Service plan {value} does not exist.")

    def _plan_by_guid(self, guid: str) -> PlanEntry | None:
        return next((p for p in self._objects.plans.values() if p.guid == guid), None)

    def _site(self, site_id: int) -> WebspaceEntry:
        webspace = self._objects.webspaces.get(site_id)
        if webspace is None:
            raise PleskFailure(1015, SITE_NOT_FOUND)
        return webspace

    def _webspace_by_name(self, name: str) -> WebspaceEntry | None:
        name = name.lower().rstrip(".")
        return next((w for w in self._objects.webspaces.values() if w.name == name), None)

    def _mailbox(self, site_id: int, name: str) -> MailboxEntry | None:
        name = name.lower()
        return next(
            (
                m
                for m in self._objects.mailboxes.values()
                if m.site_id == site_id and m.name == name
            ),
            None,
        )

    def _mailbox_by_address(self, address: str) -> MailboxEntry | None:
        local, _, domain = address.lower().partition("@")
        webspace = self._webspace_by_name(domain)
        if webspace is None:
            alias = next((a for a in self._objects.aliases.values() if a.name == domain), None)
            webspace = self._objects.webspaces.get(alias.site_id) if alias else None
        if webspace is None:
            return None
        return self._mailbox(webspace.id, local)

    def _add_dns(self, site_id: int, type: str, host: str, value: str, opt: str) -> DnsEntry:
        record = DnsEntry(
            id=self._next_id("dns"), site_id=site_id, type=type, host=host, value=value, opt=opt
        )
        self._objects.dns[record.id] = record
        return record

    def _add_default_dns(self, webspace: WebspaceEntry) -> None:
        """The records Plesk's default DNS template creates for a new domain."""
        domain = f"{webspace.name}."
        ip = webspace.ip_address
        for type, host, value, opt in (
            ("NS", domain, f"ns1.{domain}", ""),
            ("NS", domain, f"ns2.{domain}", ""),
            ("A", domain, ip, ""),
            ("A", f"www.{domain}", ip, ""),
            ("A", f"mail.{domain}", ip, ""),
            ("A", f"webmail.{domain}", ip, ""),
            ("A", f"ns1.{domain}", ip, ""),
            ("A", f"ns2.{domain}", ip, ""),
            ("CNAME", f"ftp.{domain}", domain, ""),
            ("MX", domain, f"mail.{domain}", "10"),
            ("TXT", domain, f"v=spf1 +a +mx +a:{self.name} -all", ""),
            ("TXT", f"_dmarc.{domain}", "v=DMARC1; p=none", ""),
        ):
            self._add_dns(webspace.id, type, host, value, opt)


def _is_host_name(name: str) -> bool:
    labels = name.split(".")
    return (
        len(labels) >= 2
        and len(name) <= 253
        and all(_HOST_LABEL.match(label) for label in labels)
        and not labels[-1].isdigit()
    )


def _absolute_value(type: str, value: str) -> str:
    if type in ("CNAME", "MX", "NS", "PTR") and value and not value.endswith("."):
        return f"{value}."
    return value


def _today() -> str:
    return datetime.date.today().isoformat()
