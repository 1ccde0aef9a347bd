"""The WHMCS import of servers (tblservers): matched by --server-map or host name, else created."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from hostwerk.imports.whmcs import mapping as m
from hostwerk.imports.whmcs.base import ImportBase, ImportInvalid
from hostwerk.provisioning.models import Server, ServerKind


class ServerImport(ImportBase):
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
