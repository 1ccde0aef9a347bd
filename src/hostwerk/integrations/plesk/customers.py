"""Plesk customers: get, list, add, change the password, delete."""

from __future__ import annotations

from lxml import etree

from hostwerk.integrations.plesk.errors import PleskObjectNotFound
from hostwerk.integrations.plesk.objects import STATUS_ACTIVE, Customer, CustomerSpec
from hostwerk.integrations.plesk.packets import (
    child,
    exactly_one,
    int_of,
    new_packet,
    optional_child,
    path,
    text_of,
)
from hostwerk.integrations.plesk.transport import NOT_FOUND, PleskTransport


class CustomerOperations(PleskTransport):
    def customer_get(
        self, *, id: int | None = None, login: str | None = None, external_id: str | None = None
    ) -> Customer | None:
        """Find one customer by exactly one of id, login or external id; None if there is none."""
        tag, value = exactly_one(id=id, login=login, **{"external-id": external_id})
        packet = new_packet()
        get = path(packet, "customer", "get")
        child(path(get, "filter"), tag, value)
        path(get, "dataset", "gen_info")
        try:
            result = self._call(packet, "customer", "get", action=f"read customer {tag} {value}")
        except PleskObjectNotFound as exc:
            if exc.code == NOT_FOUND:
                return None
            raise
        return self._customer_from(result)

    def customer_list(self) -> list[Customer]:
        """Every customer on the server (an empty filter selects them all)."""
        packet = new_packet()
        get = path(packet, "customer", "get")
        path(get, "filter")
        path(get, "dataset", "gen_info")
        answer = self._send(packet)
        results = self._results(answer, "customer", "get", action="list the customers")
        return [self._customer_from(result) for result in results if result.find("id") is not None]

    def customer_add(self, spec: CustomerSpec) -> Customer:
        packet = new_packet()
        info = path(packet, "customer", "add", "gen_info")
        # clientAddGenInfo is an xs:sequence: this order is the schema's.
        optional_child(info, "cname", spec.cname)
        child(info, "pname", spec.pname)
        child(info, "login", spec.login)
        child(info, "passwd", spec.password)
        for tag, value in (
            ("phone", spec.phone),
            ("email", spec.email),
            ("address", spec.address),
            ("city", spec.city),
            ("pcode", spec.pcode),
            ("country", spec.country),
            ("external-id", spec.external_id),
        ):
            optional_child(info, tag, value)
        result = self._call(packet, "customer", "add", action=f"create customer {spec.login}")
        customer_id = int_of(result, "id")
        if customer_id is None:
            raise self._unexpected("customer.add", "the new customer's id")
        return Customer(
            id=customer_id,
            guid=text_of(result, "guid"),
            login=spec.login,
            pname=spec.pname,
            cname=spec.cname,
            email=spec.email,
            phone=spec.phone,
            address=spec.address,
            city=spec.city,
            pcode=spec.pcode,
            country=spec.country,
            external_id=spec.external_id,
            status=STATUS_ACTIVE,
        )

    def customer_set_password(self, *, id: int, password: str) -> None:
        packet = new_packet()
        operation = path(packet, "customer", "set")
        child(path(operation, "filter"), "id", id)
        child(path(operation, "values", "gen_info"), "passwd", password)
        self._call(packet, "customer", "set", action=f"change the password of customer {id}")

    def customer_del(self, *, id: int) -> None:
        """Delete a customer; Plesk deletes the customer's webspaces with it."""
        packet = new_packet()
        child(path(packet, "customer", "del", "filter"), "id", id)
        self._call(packet, "customer", "del", action=f"delete customer {id}")

    def _customer_from(self, result: etree._Element) -> Customer:
        customer_id = int_of(result, "id")
        info = result.find("data/gen_info")
        if customer_id is None or info is None:
            raise self._unexpected("customer.get", "the customer's data")
        return Customer(
            id=customer_id,
            guid=text_of(info, "guid"),
            login=text_of(info, "login"),
            pname=text_of(info, "pname"),
            cname=text_of(info, "cname"),
            email=text_of(info, "email"),
            phone=text_of(info, "phone"),
            address=text_of(info, "address"),
            city=text_of(info, "city"),
            pcode=text_of(info, "pcode"),
            country=text_of(info, "country"),
            external_id=text_of(info, "external-id"),
            status=int_of(info, "status") or STATUS_ACTIVE,
        )
