"""The simulated registry's host commands: check and create."""

from __future__ import annotations

import ipaddress

from hostwerk.integrations.epp import namespaces
from hostwerk.sandbox.epp.command_base import (
    H,
    ParsedCommand,
    SessionState,
    response_data,
    text,
    texts,
)
from hostwerk.sandbox.epp.protocol import Reply, sub
from hostwerk.sandbox.epp.state import (
    CommandFailure,
    HostRecord,
    RegistryState,
    normalise_name,
    timestamp,
    utc_now,
    valid_host_name,
)


class HostCommands:
    """Host commands of CommandProcessor."""

    state: RegistryState

    def host_check(self, session: SessionState, command: ParsedCommand) -> Reply:
        names = texts(command.object_element, "host:name", H)
        if not names:
            raise CommandFailure(2003, "no host:name")
        data, check = response_data(namespaces.HOST, "host", "chkData")
        for raw in names:
            item = sub(check, namespaces.HOST, "cd")
            taken = normalise_name(raw) in self.state.hosts
            sub(item, namespaces.HOST, "name", raw.strip(), avail="0" if taken else "1")
            if taken:
                sub(item, namespaces.HOST, "reason", "In use")
        return Reply(1000, result_data=data)

    def host_create(self, session: SessionState, command: ParsedCommand) -> Reply:
        element = command.target
        name = normalise_name(text(element, "host:name", H))
        if not valid_host_name(name):
            raise CommandFailure(2005, f"{name!r} is not a valid host name")
        if name in self.state.hosts:
            raise CommandFailure(2302, f"host {name} exists already")
        addresses = []
        for item in element.findall("host:addr", H):
            value = (item.text or "").strip()
            try:
                address = ipaddress.ip_address(value)
            except ValueError:
                raise CommandFailure(2005, f"{value!r} is not an IP address") from None
            expected = "v6" if address.version == 6 else "v4"
            if item.get("ip", "v4") != expected:
                raise CommandFailure(2005, f"{value} is not an {item.get('ip', 'v4')} address")
            addresses.append(str(address))
        superordinate = self.state.superordinate_domain(name)
        if superordinate is not None:
            if superordinate.sponsor != session.client_id:
                raise CommandFailure(2201, f"{superordinate.name} belongs to another registrar")
            if not addresses:
                raise CommandFailure(
                    2003, f"{name} lies inside {superordinate.name}: give its addresses"
                )
        elif addresses:
            raise CommandFailure(2306, f"{name} is outside this registry: no addresses allowed")
        created = utc_now()
        self.state.hosts[name] = HostRecord(
            name=name,
            roid=self.state.new_roid("H"),
            sponsor=session.client_id or "",
            addresses=addresses,
            created=created,
        )
        data, result = response_data(namespaces.HOST, "host", "creData")
        sub(result, namespaces.HOST, "name", name)
        sub(result, namespaces.HOST, "crDate", timestamp(created))
        return Reply(1000, result_data=data)
