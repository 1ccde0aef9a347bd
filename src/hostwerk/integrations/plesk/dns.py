"""DNS records of a Plesk site's zone."""

from __future__ import annotations

from hostwerk.integrations.plesk.objects import DnsRecord
from hostwerk.integrations.plesk.packets import child, int_of, new_packet, path, text_of
from hostwerk.integrations.plesk.transport import PleskTransport


class DnsOperations(PleskTransport):
    def dns_get_records(self, *, site_id: int) -> list[DnsRecord]:
        packet = new_packet()
        child(path(packet, "dns", "get_rec", "filter"), "site-id", site_id)
        answer = self._send(packet)
        records = []
        for result in self._results(
            answer, "dns", "get_rec", action=f"read the DNS records of site {site_id}"
        ):
            data = result.find("data")
            if data is None:
                continue
            records.append(
                DnsRecord(
                    id=int_of(result, "id") or 0,
                    site_id=int_of(data, "site-id") or site_id,
                    type=text_of(data, "type"),
                    host=text_of(data, "host"),
                    value=text_of(data, "value"),
                    opt=text_of(data, "opt") or None,
                )
            )
        return records

    def dns_add_record(
        self, *, site_id: int, type: str, host: str, value: str, opt: str | None = None
    ) -> int:
        """Add a record to the site's zone; `host` is relative ("" for the apex, "www").

        For MX records `opt` is the priority. Returns the record id.
        """
        packet = new_packet()
        add = path(packet, "dns", "add_rec")
        child(add, "site-id", site_id)
        child(add, "type", type)
        child(add, "host", host)
        child(add, "value", value)
        if opt is not None:
            child(add, "opt", opt)
        result = self._call(
            packet, "dns", "add_rec", action=f"add {type} record {value} to site {site_id}"
        )
        record_id = int_of(result, "id")
        if record_id is None:
            raise self._unexpected("dns.add_rec", "the new record's id")
        return record_id

    def dns_delete_record(self, *, id: int) -> None:
        packet = new_packet()
        child(path(packet, "dns", "del_rec", "filter"), "id", id)
        self._call(packet, "dns", "del_rec", action=f"delete DNS record {id}")
