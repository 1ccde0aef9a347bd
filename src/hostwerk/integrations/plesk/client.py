"""Typed client of the Plesk XML API: one method per operation, dataclasses in and out."""

from __future__ import annotations

import ssl
from typing import Literal

import httpx
from lxml import etree

from hostwerk.core.errors import TransientError
from hostwerk.core.http import HttpClient
from hostwerk.core.xml import UnsafeXmlError, parse_xml, to_bytes
from hostwerk.integrations.plesk.errors import (
    PleskAuthError,
    PleskCertificateError,
    PleskError,
    PleskObjectNotFound,
    PleskUnavailable,
    PleskUnexpectedAnswer,
    error_class_for,
)
from hostwerk.integrations.plesk.objects import (
    STATUS_ACTIVE,
    STATUS_DISABLED_BY_ADMIN,
    Customer,
    CustomerSpec,
    DnsRecord,
    Mailbox,
    ServerInfo,
    SiteAlias,
    Webspace,
    WebspaceSpec,
    WebspaceStatus,
)
from hostwerk.integrations.plesk.packets import (
    SPAMFILTER_PROTOCOL_VERSION,
    bool_of,
    child,
    int_of,
    new_packet,
    path,
    text_of,
    texts_of,
)

AGENT_PATH = "/enterprise/control/agent.php"
NOT_FOUND = 1013

SpamAction = Literal["text", "delete", "move"]


class PleskClient:
    """One Plesk server. `url` is the panel address, e.g. https://plesk1.example.net:8443.

    Authenticates with `login`/`password` (HTTP_AUTH_LOGIN/HTTP_AUTH_PASSWD headers) or with a
    `secret_key` (KEY header). `name` names the server in error messages for staff.
    Errors: PleskError and its subclasses are permanent (a person has to act);
    PleskUnavailable is transient (timeouts, refused connections, 5xx): retry later.
    """

    def __init__(
        self,
        url: str,
        *,
        login: str | None = None,
        password: str | None = None,
        secret_key: str | None = None,
        verify_tls: bool = True,
        timeout: float = 30.0,
        name: str = "Plesk",
    ) -> None:
        if secret_key:
            headers = {"KEY": secret_key}
        elif login and password:
            headers = {"HTTP_AUTH_LOGIN": login, "HTTP_AUTH_PASSWD": password}
        else:
            raise ValueError("a Plesk client needs login and password, or a secret key")
        headers["Content-Type"] = "text/xml"
        self.url = url.rstrip("/")
        self.name = name
        self.label = "Plesk server" if name == "Plesk" else f"Plesk server {name}"
        self._credential = "secret key" if secret_key else "login"
        self._http = HttpClient(
            self.url, timeout=timeout, service=self.label, verify=verify_tls, headers=headers
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PleskClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- server -----------------------------------------------------------------------------

    def server_info(self) -> ServerInfo:
        """Read host name and version; also proves that address and credentials work."""
        packet = new_packet()
        get = path(packet, "server", "get")
        child(get, "gen_info")
        child(get, "stat")
        result = self._call(packet, "server", "get", action="read the server information")
        hostname = text_of(result, "gen_info/server_name")
        if not hostname:
            raise self._unexpected("server.get", "a server name")
        operating_system = " ".join(
            part
            for part in (
                text_of(result, "stat/version/plesk_os"),
                text_of(result, "stat/version/plesk_os_version"),
            )
            if part
        )
        return ServerInfo(
            hostname=hostname,
            guid=text_of(result, "gen_info/server_guid"),
            version=text_of(result, "stat/version/plesk_version"),
            operating_system=operating_system,
        )

    # -- customers --------------------------------------------------------------------------

    def customer_get(
        self, *, id: int | None = None, login: str | None = None, external_id: str | None = None
    ) -> Customer | None:
        """Find one customer by exactly one of id, login or external id; None if there is none."""
        tag, value = _exactly_one(id=id, login=login, **{"external-id": external_id})
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
        _optional(info, "cname", spec.cname)
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
            _optional(info, tag, value)
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

    # -- webspaces --------------------------------------------------------------------------

    def webspace_add(self, spec: WebspaceSpec) -> Webspace:
        packet = new_packet()
        add = path(packet, "webspace", "add")
        setup = child(add, "gen_setup")
        child(setup, "name", spec.name)
        child(setup, "owner-id", spec.owner_id)
        child(setup, "htype", spec.hosting_type)
        child(setup, "ip_address", spec.ip_address)
        _optional(setup, "external-id", spec.external_id)
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
        tag, value = _exactly_one(id=id, name=name)
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

    # -- mail -------------------------------------------------------------------------------

    def mail_create(
        self, *, site_id: int, name: str, password: str, quota_bytes: int | None = None
    ) -> Mailbox:
        """Create mailbox `name`@site. The spam filter starts off; see spamfilter_set."""
        packet = new_packet()
        filter_ = path(packet, "mail", "create", "filter")
        child(filter_, "site-id", site_id)
        mailname = child(filter_, "mailname")
        child(mailname, "name", name)
        mailbox = child(mailname, "mailbox")
        child(mailbox, "enabled", "true")
        if quota_bytes is not None:
            child(mailbox, "quota", quota_bytes)
        _password(mailname, password)
        result = self._call(
            packet, "mail", "create", action=f"create mailbox {name} on site {site_id}"
        )
        mailbox_id = int_of(result, "mailname/id")
        if mailbox_id is None:
            raise self._unexpected("mail.create", "the new mailbox's id")
        return Mailbox(
            id=mailbox_id, site_id=site_id, name=name, enabled=True, quota_bytes=quota_bytes
        )

    def mail_get(self, *, site_id: int, name: str) -> Mailbox | None:
        packet = new_packet()
        get_info = path(packet, "mail", "get_info")
        filter_ = child(get_info, "filter")
        child(filter_, "site-id", site_id)
        child(filter_, "name", name)
        child(get_info, "mailbox")
        try:
            result = self._call(
                packet, "mail", "get_info", action=f"read mailbox {name} on site {site_id}"
            )
        except PleskObjectNotFound as exc:
            if exc.code == NOT_FOUND:
                return None
            raise
        if result.find("mailname") is None:
            raise self._unexpected("mail.get_info", f"mailbox {name}")
        return _mailbox_from(result, site_id)

    def mail_list(self, *, site_id: int) -> list[Mailbox]:
        packet = new_packet()
        get_info = path(packet, "mail", "get_info")
        child(path(get_info, "filter"), "site-id", site_id)
        child(get_info, "mailbox")
        answer = self._send(packet)
        results = self._results(
            answer, "mail", "get_info", action=f"list the mailboxes of site {site_id}"
        )
        # A site without mail names answers one ok result without <mailname>.
        return [
            _mailbox_from(result, site_id)
            for result in results
            if result.find("mailname") is not None
        ]

    def mail_update(
        self,
        *,
        site_id: int,
        name: str,
        password: str | None = None,
        quota_bytes: int | None = None,
    ) -> None:
        """Change the password and/or quota; None leaves a value as it is, quota -1 is unlimited."""
        if password is None and quota_bytes is None:
            raise ValueError("mail_update needs a password or a quota to change")
        packet = new_packet()
        filter_ = path(packet, "mail", "update", "set", "filter")
        child(filter_, "site-id", site_id)
        mailname = child(filter_, "mailname")
        child(mailname, "name", name)
        if quota_bytes is not None:
            child(path(mailname, "mailbox"), "quota", quota_bytes)
        if password is not None:
            _password(mailname, password)
        self._call(packet, "mail", "update/set", action=f"change mailbox {name} on site {site_id}")

    def mail_remove(self, *, site_id: int, name: str) -> None:
        packet = new_packet()
        filter_ = path(packet, "mail", "remove", "filter")
        child(filter_, "site-id", site_id)
        child(filter_, "name", name)
        self._call(packet, "mail", "remove", action=f"remove mailbox {name} on site {site_id}")

    # -- spam filter ------------------------------------------------------------------------

    def spamfilter_set(
        self,
        *,
        mailbox: str,
        enabled: bool,
        action: SpamAction | None = None,
        required_score: float | None = None,
    ) -> None:
        """Switch SpamAssassin on or off for one mailbox (full address); it is off by default.

        `action` is what happens to spam (text: mark it, move: to the Spam folder, delete);
        `required_score` the score from which a message counts as spam (Plesk's default is 7).
        """
        packet = new_packet(SPAMFILTER_PROTOCOL_VERSION)
        operation = path(packet, "spamfilter", "set")
        child(path(operation, "filter"), "username", mailbox)
        preferences = child(operation, "preferences")
        if required_score is not None:
            child(preferences, "required-score", f"{required_score:g}")
        if action is not None:
            child(preferences, "action", action)
        child(operation, "enabled" if enabled else "disabled")
        verb = "switch on" if enabled else "switch off"
        self._call(packet, "spamfilter", "set", action=f"{verb} the spam filter of {mailbox}")

    def spamfilter_get(self, *, mailbox: str) -> bool:
        """Whether the spam filter of one mailbox (full address) is on."""
        packet = new_packet(SPAMFILTER_PROTOCOL_VERSION)
        child(path(packet, "spamfilter", "get", "filter"), "username", mailbox)
        result = self._call(
            packet, "spamfilter", "get", action=f"read the spam filter of {mailbox}"
        )
        if result.find("enabled") is not None:
            return True
        if result.find("disabled") is not None:
            return False
        raise self._unexpected("spamfilter.get", f"the spam filter state of {mailbox}")

    # -- DNS --------------------------------------------------------------------------------

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

    # -- low level --------------------------------------------------------------------------

    def request(self, packet: etree._Element) -> etree._Element:
        """Send a packet built by the caller; returns the answer's <packet> element.

        Packet-level (<system>) errors are raised; results are left to the caller.
        """
        return self._send(packet)

    def _send(self, packet: etree._Element) -> etree._Element:
        try:
            response = self._http.request("POST", AGENT_PATH, content=to_bytes(packet))
        except TransientError as exc:
            problem = _certificate_problem(exc)
            if problem is not None:
                raise PleskCertificateError(
                    f"{self.label} presented a TLS certificate that cannot be verified "
                    f"({problem.verify_message}); install a trusted certificate or switch off "
                    "certificate verification for this server.",
                    code=0,
                    text=str(problem),
                ) from exc
            raise PleskUnavailable(exc.message, code=exc.code, detail=exc.detail) from exc
        answer = self._parse(response)
        system = answer.find("system")
        if system is not None and text_of(system, "status") != "ok":
            code, text = _error_of(system)
            error_class = error_class_for(code)
            if issubclass(error_class, PleskAuthError):
                message = f"{self.label} refused the {self._credential} ({code}): {text}"
            else:
                message = f"{self.label} rejected the request ({code}): {text}"
            raise error_class(message, code=code, text=text)
        return answer

    def _parse(self, response: httpx.Response) -> etree._Element:
        # Plesk answers errors with HTTP 200; some setups answer a 500 that still carries an
        # error packet, so the body is read before the status is judged.
        try:
            answer = parse_xml(response.content)
        except UnsafeXmlError:
            answer = None
        if answer is not None and answer.tag == "packet":
            return answer
        status = response.status_code
        if status == 200 or status >= 500:
            raise PleskUnavailable(
                f"{self.label} answered HTTP {status} with something that is not a Plesk packet; "
                "try again later.",
                code=status,
                detail=response.text[:2000],
            )
        raise PleskUnexpectedAnswer(
            f"{self.label} answered HTTP {status} at {self.url}{AGENT_PATH}; "
            "check the server address.",
            code=status,
            text=response.text[:2000],
        )

    def _call(
        self, packet: etree._Element, operator: str, operation: str, *, action: str
    ) -> etree._Element:
        """Send a one-operation packet and return its checked result."""
        return self._single_result(self._send(packet), operator, operation, action=action)

    def _results(
        self, answer: etree._Element, operator: str, operation: str, *, action: str
    ) -> list[etree._Element]:
        """All results of one operation, each checked; raises on the first error."""
        name = _operation_name(operator, operation)
        node = answer.find(f"{operator}/{operation}")
        if node is None:
            raise self._unexpected(name, f"an answer to {name}")
        return [self._check(result, name, action) for result in node.findall("result")]

    def _single_result(
        self, answer: etree._Element, operator: str, operation: str, *, action: str
    ) -> etree._Element:
        name = _operation_name(operator, operation)
        node = answer.find(f"{operator}/{operation}")
        result = node.find("result") if node is not None else None
        if result is None:
            raise self._unexpected(name, f"a result for {name}")
        return self._check(result, name, action)

    def _check(self, result: etree._Element, operation: str, action: str) -> etree._Element:
        if text_of(result, "status") == "ok":
            return result
        code, text = _error_of(result)
        raise error_class_for(code)(
            f"{self.label} could not {action} ({code}): {text}",
            code=code,
            text=text,
            operation=operation,
        )

    def _unexpected(self, operation: str, missing: str) -> PleskError:
        return PleskUnexpectedAnswer(
            f"{self.label} did not send {missing}.",
            code=0,
            text=f"missing {missing}",
            operation=operation,
        )

    def _plan_guid(self, plan_name: str) -> str:
        packet = new_packet()
        child(path(packet, "service-plan", "get", "filter"), "name", plan_name)
        result = self._call(packet, "service-plan", "get", action=f"find service plan {plan_name}")
        guid = text_of(result, "guid")
        if not guid:
            raise self._unexpected("service-plan.get", f"the guid of plan {plan_name}")
        return guid

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


def _certificate_problem(error: BaseException) -> ssl.SSLCertVerificationError | None:
    """The certificate verification failure somewhere in the chain of causes, if any."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLCertVerificationError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _exactly_one(**candidates: object) -> tuple[str, str]:
    given = [(tag, value) for tag, value in candidates.items() if value is not None]
    if len(given) != 1:
        raise TypeError(f"give exactly one of {', '.join(candidates)}")
    tag, value = given[0]
    return tag, str(value)


def _optional(parent: etree._Element, tag: str, value: str) -> None:
    if value:
        child(parent, tag, value)


def _password(mailname: etree._Element, password: str) -> None:
    element = child(mailname, "password")
    child(element, "value", password)
    child(element, "type", "plain")


def _error_of(element: etree._Element) -> tuple[int, str]:
    code = int_of(element, "errcode")
    text = text_of(element, "errtext") or "no error text"
    return (code if code is not None else 0), text


def _operation_name(operator: str, operation: str) -> str:
    return f"{operator}.{operation.split('/')[0]}"


def _mailbox_from(result: etree._Element, site_id: int) -> Mailbox:
    mailname = result.find("mailname")
    quota = int_of(mailname, "mailbox/quota")
    enabled_text = text_of(mailname, "mailbox/enabled", default="true")
    return Mailbox(
        id=int_of(mailname, "id") or 0,
        site_id=site_id,
        name=text_of(mailname, "name"),
        enabled=enabled_text.lower() in ("true", "1"),
        # Plesk writes -1 for "unlimited".
        quota_bytes=quota if quota is not None and quota >= 0 else None,
    )
