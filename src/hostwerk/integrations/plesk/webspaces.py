"""Plesk webspaces (subscriptions) and their site aliases."""

from __future__ import annotations

from lxml import etree

from hostwerk.integrations.plesk.errors import PleskObjectNotFound
from hostwerk.integrations.plesk.objects import (
    STATUS_ACTIVE,
    STATUS_DISABLED_BY_ADMIN,
    SiteAlias,
    Webspace,
    WebspaceSpec,
    WebspaceStatus,
)
from hostwerk.integrations.plesk.packets import (
    bool_of,
    child,
    exactly_one,
    int_of,
    new_packet,
    optional_child,
    path,
    text_of,
    texts_of,
)
from hostwerk.integrations.plesk.transport import NOT_FOUND, PleskTransport


class WebspaceOperations(PleskTransport):
    # -- webspaces --------------------------------------------------------------------------

    def webspace_add(self, spec: WebspaceSpec) -> Webspace:
        packet = new_packet()
        add = path(packet, "webspace", "add")
        setup = child(add, "gen_setup")
        child(setup, "name", spec.name)
        child(setup, "owner-id", spec.owner_id)
        child(setup, "htype", spec.hosting_type)
        child(setup, "ip_address", spec.ip_address)
        optional_child(setup, "external-id", spec.external_id)
        hosting = path(add, "hosting", spec.hosting_type)
        if spec.hosting_type == "vrt_hst":
            for name, value in (("ftp_login", spec.ftp_login), ("ftp_password", spec.ftp_password)):
                prop = child(hosting, "property")
                child(prop, "name", name)
                child(prop, "value", value)
        else:
            child(hosting, "dest_url", spec.forwarding_url)
        child(hosting, "ip_address", spec.ip_address)
        child(path(add, "prefs"), "www", "true")
        # The plan comes after hosting, limits and prefs in the add sequence; only at creation
        # can a plan be given by name (later changes go through switch-subscription).
        child(add, "plan-name", spec.plan_name)
        result = self._call(packet, "webspace", "add", action=f"create webspace {spec.name}")
        webspace_id = int_of(result, "id")
        if webspace_id is None:
            raise self._unexpected("webspace.add", "the new webspace's id")
        return Webspace(
            id=webspace_id,
            guid=text_of(result, "guid"),
            name=spec.name,
            owner_id=spec.owner_id,
            status=STATUS_ACTIVE,
            hosting_type=spec.hosting_type,
            ip_addresses=(spec.ip_address,),
            plan_name=spec.plan_name,
            ftp_login=spec.ftp_login or None,
            forwarding_url=spec.forwarding_url or None,
        )

    def webspace_get(self, *, id: int | None = None, name: str | None = None) -> Webspace | None:
        """Find one webspace by id or name (A-label); None if there is none."""
        tag, value = exactly_one(id=id, name=name)
        packet = new_packet()
        get = path(packet, "webspace", "get")
        child(path(get, "filter"), tag, value)
        dataset = child(get, "dataset")
        for part in ("gen_info", "hosting", "subscriptions"):
            child(dataset, part)
        # The webspace names its plan only by guid; the plan list in the same packet turns that
        # into a name without a second round trip.
        path(packet, "service-plan", "get", "filter")
        answer = self._send(packet)
        try:
            result = self._single_result(
                answer, "webspace", "get", action=f"read webspace {tag} {value}"
            )
        except PleskObjectNotFound as exc:
            if exc.code == NOT_FOUND:
                return None
            raise
        plan_names: dict[str, str] = {}
        for plan in answer.findall("service-plan/get/result"):
            if text_of(plan, "status") == "ok":
                plan_names[text_of(plan, "guid").lower()] = text_of(plan, "name")
        return self._webspace_from(result, plan_names)

    def webspace_list(self) -> list[Webspace]:
        """Every webspace (subscription) on the server, with its plan's name."""
        packet = new_packet()
        get = path(packet, "webspace", "get")
        path(get, "filter")
        dataset = child(get, "dataset")
        for part in ("gen_info", "hosting", "subscriptions"):
            child(dataset, part)
        path(packet, "service-plan", "get", "filter")
        answer = self._send(packet)
        results = self._results(answer, "webspace", "get", action="list the webspaces")
        plan_names: dict[str, str] = {}
        for plan in answer.findall("service-plan/get/result"):
            if text_of(plan, "status") == "ok":
                plan_names[text_of(plan, "guid").lower()] = text_of(plan, "name")
        return [
            self._webspace_from(result, plan_names)
            for result in results
            if result.find("id") is not None
        ]

    def webspace_del(self, *, id: int) -> None:
        packet = new_packet()
        child(path(packet, "webspace", "del", "filter"), "id", id)
        self._call(packet, "webspace", "del", action=f"delete webspace {id}")

    def webspace_set_status(self, *, id: int, status: WebspaceStatus) -> None:
        """Activate (status 0) or suspend the webspace; suspending uses 16, "disabled by admin"."""
        codes = {"active": STATUS_ACTIVE, "suspended": STATUS_DISABLED_BY_ADMIN}
        if status not in codes:
            raise ValueError(f"status must be 'active' or 'suspended', not {status!r}")
        packet = new_packet()
        operation = path(packet, "webspace", "set")
        child(path(operation, "filter"), "id", id)
        child(path(operation, "values", "gen_setup"), "status", codes[status])
        verb = "activate" if status == "active" else "suspend"
        self._call(packet, "webspace", "set", action=f"{verb} webspace {id}")

    def webspace_switch_plan(self, *, id: int, plan_name: str) -> None:
        plan_guid = self._plan_guid(plan_name)
        packet = new_packet()
        operation = path(packet, "webspace", "switch-subscription")
        child(path(operation, "filter"), "id", id)
        child(operation, "plan-guid", plan_guid)
        self._call(
            packet,
            "webspace",
            "switch-subscription",
            action=f"switch webspace {id} to plan {plan_name}",
        )

    # -- site aliases -----------------------------------------------------------------------

    def site_alias_create(self, *, site_id: int, name: str) -> int:
        """Add `name` (A-label) as an alias for web and mail of the site; returns the alias id."""
        packet = new_packet()
        create = path(packet, "site-alias", "create")
        pref = child(create, "pref")
        child(pref, "web", 1)
        child(pref, "mail", 1)
        child(create, "site-id", site_id)
        child(create, "name", name)
        result = self._call(
            packet, "site-alias", "create", action=f"create site alias {name} on site {site_id}"
        )
        alias_id = int_of(result, "id")
        if alias_id is None:
            raise self._unexpected("site-alias.create", "the new alias's id")
        return alias_id

    def site_alias_get(self, *, site_id: int) -> list[SiteAlias]:
        packet = new_packet()
        child(path(packet, "site-alias", "get", "filter"), "site-id", site_id)
        answer = self._send(packet)
        aliases = []
        for result in self._results(
            answer, "site-alias", "get", action=f"list the site aliases of site {site_id}"
        ):
            info = result.find("info")
            if info is None:
                continue
            aliases.append(
                SiteAlias(
                    id=int_of(result, "id") or 0,
                    site_id=int_of(info, "site-id") or site_id,
                    name=text_of(info, "name"),
                    web=bool_of(info, "pref/web"),
                    mail=bool_of(info, "pref/mail"),
                    status=int_of(info, "status") or STATUS_ACTIVE,
                )
            )
        return aliases

    def site_alias_delete(self, *, id: int) -> None:
        packet = new_packet()
        child(path(packet, "site-alias", "delete", "filter"), "id", id)
        self._call(packet, "site-alias", "delete", action=f"delete site alias {id}")

    def _plan_guid(self, plan_name: str) -> str:
        packet = new_packet()
        child(path(packet, "service-plan", "get", "filter"), "name", plan_name)
        result = self._call(packet, "service-plan", "get", action=f"find service plan {plan_name}")
        guid = text_of(result, "guid")
        if not guid:
            raise self._unexpected("service-plan.get", f"the guid of plan {plan_name}")
        return guid

    def _webspace_from(self, result: etree._Element, plan_names: dict[str, str]) -> Webspace:
        webspace_id = int_of(result, "id")
        info = result.find("data/gen_info")
        if webspace_id is None or info is None:
            raise self._unexpected("webspace.get", "the webspace's data")
        hosting_type = text_of(info, "htype") or "none"
        hosting = result.find(f"data/hosting/{hosting_type}")
        ip_addresses = texts_of(hosting, "ip_address") or texts_of(info, "dns_ip_address")
        ftp_login = None
        if hosting is not None:
            for prop in hosting.findall("property"):
                if text_of(prop, "name") == "ftp_login":
                    ftp_login = text_of(prop, "value") or None
        plan_guid = text_of(result, "data/subscriptions/subscription/plan/plan-guid").lower()
        return Webspace(
            id=webspace_id,
            guid=text_of(info, "guid"),
            name=text_of(info, "name"),
            owner_id=int_of(info, "owner-id") or 0,
            status=int_of(info, "status") or STATUS_ACTIVE,
            hosting_type=hosting_type,
            ip_addresses=tuple(ip_addresses),
            plan_name=plan_names.get(plan_guid) if plan_guid else None,
            ftp_login=ftp_login,
            forwarding_url=text_of(hosting, "dest_url") or None,
        )
