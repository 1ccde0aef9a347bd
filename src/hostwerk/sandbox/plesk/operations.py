"""What each simulated Plesk operation does and answers: one handler per "<operator>.<operation>"."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol, TypeVar

from lxml import etree

from hostwerk.sandbox.plesk.state import (
    CustomerEntry,
    DnsEntry,
    MailboxEntry,
    PleskFailure,
    PleskState,
    SiteAliasEntry,
    WebspaceEntry,
)

Handler = Callable[[PleskState, etree._Element], etree._Element]


class _Identified(Protocol):
    id: int


Item = TypeVar("Item", bound=_Identified)
PROTOCOLS = ("1.6.9.1", "1.6.9.0", "1.6.8.0", "1.6.7.0", "1.6.6.0", "1.6.5.0", "1.6.3.0")


def execute(state: PleskState, operator: str, operation: etree._Element) -> etree._Element:
    """Run one operation and return its answer element (<add><result>…</result></add>)."""
    handler = HANDLERS[f"{operator}.{operation.tag}"]
    try:
        return handler(state, operation)
    except PleskFailure as failure:
        return error_answer(operation, failure.code, failure.text)


def error_answer(operation: etree._Element, code: int, text: str) -> etree._Element:
    """The answer to an operation that failed as a whole: one error result."""
    answer = etree.Element(operation.tag)
    inner = answer
    if operation.tag == "update" and len(operation):
        # mail update answers inside the sub-operation: <update><set><result/></set></update>
        inner = etree.SubElement(answer, operation[0].tag)
    _result(inner, failure=PleskFailure(code, text))
    return answer


# -- building answers ----------------------------------------------------------------------------


def _add(parent: etree._Element, tag: str, text: object = None) -> etree._Element:
    element = etree.SubElement(parent, tag)
    if text is not None:
        element.text = str(text)
    return element


def _result(
    parent: etree._Element,
    *,
    failure: PleskFailure | None = None,
    filter_id: str | None = None,
    id: int | None = None,
) -> etree._Element:
    """<result> in resultFilterType order: status, errcode, errtext, filter-id, id."""
    result = _add(parent, "result")
    if failure is None:
        _add(result, "status", "ok")
    else:
        _add(result, "status", "error")
        _add(result, "errcode", failure.code)
        _add(result, "errtext", failure.text)
    if filter_id is not None:
        _add(result, "filter-id", filter_id)
    if id is not None:
        _add(result, "id", id)
    return result


def _text(element: etree._Element | None, path: str, default: str = "") -> str:
    if element is None:
        return default
    found = element.find(path)
    if found is None or found.text is None:
        return default
    return found.text.strip()


def _flag(element: etree._Element | None, path: str, default: bool) -> bool:
    value = _text(element, path)
    if not value:
        return default
    return value in ("true", "1")


def _filter_items(filter_element: etree._Element | None) -> list[tuple[str | None, str | None]]:
    """(key, value) per filter entry; an empty filter is one (None, None): everything."""
    if filter_element is None or not len(filter_element):
        return [(None, None)]
    return [(item.tag, (item.text or "").strip()) for item in filter_element]


def _select(
    answer: etree._Element,
    filter_element: etree._Element | None,
    find: Callable[[str | None, str | None], list[Item]],
) -> Iterator[tuple[str | None, Item]]:
    """Resolve the filter entry by entry, in request order.

    An entry that matches nothing gets its error result here; the caller writes the result of
    each yielded match before the next entry is looked at, so results keep the request's order.
    """
    for key, value in _filter_items(filter_element):
        try:
            matches = find(key, value)
        except PleskFailure as failure:
            _result(answer, failure=failure, filter_id=value)
            continue
        if not matches and key is not None and key not in ("site-id", "site-name"):
            _result(answer, failure=PleskFailure(1013), filter_id=value)
        for match in matches:
            yield value, match


def _for_each(
    state: PleskState,
    operation: etree._Element,
    find: Callable[[str | None, str | None], list[Item]],
    act: Callable[[Item], None],
) -> etree._Element:
    """set/del style: act on every selected object, one result (filter-id, id) each."""
    answer = etree.Element(operation.tag)
    for filter_id, item in _select(answer, operation.find("filter"), find):
        try:
            act(item)
        except PleskFailure as failure:
            _result(answer, failure=failure, filter_id=filter_id, id=item.id)
            continue
        _result(answer, filter_id=filter_id, id=item.id)
    return answer


def _fields(element: etree._Element | None) -> dict[str, str]:
    if element is None:
        return {}
    return {item.tag: (item.text or "").strip() for item in element if isinstance(item.tag, str)}


# -- server ---------------------------------------------------------------------------------------


def server_get(state: PleskState, operation: etree._Element) -> etree._Element:
    answer = etree.Element("get")
    result = _result(answer)
    if operation.find("gen_info") is not None:
        info = _add(result, "gen_info")
        _add(info, "server_name", state.name)
        _add(info, "server_guid", state.guid)
        _add(info, "mode", "standard")
    if operation.find("stat") is not None:
        stat = _add(result, "stat")
        counts = state.counts()
        objects = _add(stat, "objects")
        _add(objects, "clients", counts["customers"])
        _add(objects, "domains", counts["webspaces"])
        _add(objects, "active_domains", sum(1 for w in state.webspaces if w.status == 0))
        _add(objects, "mail_boxes", counts["mailboxes"])
        _add(objects, "mail_redirects", 0)
        _add(objects, "mail_groups", 0)
        _add(objects, "mail_responders", 0)
        _add(objects, "mail_lists", 0)
        _add(objects, "databases", 0)
        _add(objects, "database_users", 0)
        _add(objects, "web_users", 0)
        _add(objects, "problem_clients", 0)
        _add(objects, "problem_domains", 0)
        version = _add(stat, "version")
        _add(version, "plesk_name", "psa")
        _add(version, "plesk_version", state.version)
        _add(version, "plesk_os", "Debian")
        _add(version, "plesk_os_version", "12.0")
    return answer


def server_get_protos(state: PleskState, operation: etree._Element) -> etree._Element:
    answer = etree.Element("get_protos")
    protos = _add(_result(answer), "protos")
    for proto in PROTOCOLS:
        _add(protos, "proto", proto)
    return answer


# -- customer -------------------------------------------------------------------------------------


def customer_add(state: PleskState, operation: etree._Element) -> etree._Element:
    customer = state.customer_add(_fields(operation.find("gen_info")))
    answer = etree.Element("add")
    result = _result(answer, id=customer.id)
    _add(result, "guid", customer.guid)
    return answer


def customer_get(state: PleskState, operation: etree._Element) -> etree._Element:
    answer = etree.Element("get")
    with_info = operation.find("dataset/gen_info") is not None
    for filter_id, customer in _select(answer, operation.find("filter"), state.customers_matching):
        result = _result(answer, filter_id=filter_id, id=customer.id)
        data = _add(result, "data")
        if with_info:
            _customer_info(data, customer, state)
    return answer


def _customer_info(data: etree._Element, customer: CustomerEntry, state: PleskState) -> None:
    info = _add(data, "gen_info")
    for tag, value in (
        ("cr_date", customer.created),
        ("cname", customer.cname),
        ("pname", customer.pname),
        ("login", customer.login),
        ("status", customer.status),
        ("phone", customer.phone),
        ("fax", customer.fax),
        ("email", customer.email),
        ("address", customer.address),
        ("city", customer.city),
        ("state", customer.state),
        ("pcode", customer.pcode),
        ("country", customer.country),
        ("locale", customer.locale),
        ("guid", customer.guid),
        ("owner-login", state.login),
        ("vendor-guid", state.guid),
        ("external-id", customer.external_id),
        ("description", customer.description),
    ):
        _add(info, tag, value)


def customer_set(state: PleskState, operation: etree._Element) -> etree._Element:
    fields = _fields(operation.find("values/gen_info"))
    return _for_each(
        state,
        operation,
        state.customers_matching,
        lambda customer: state.customer_set(customer, fields),
    )


def customer_del(state: PleskState, operation: etree._Element) -> etree._Element:
    return _for_each(state, operation, state.customers_matching, state.customer_delete)


# -- webspace -------------------------------------------------------------------------------------

_OWNER_KEYS = ("owner-id", "owner-login", "owner-guid", "owner-external-id")
_PLAN_KEYS = ("plan-id", "plan-name", "plan-guid", "plan-external-id")


def _first_of(element: etree._Element | None, keys: tuple[str, ...]) -> tuple[str, str] | None:
    for key in keys:
        found = element.find(key) if element is not None else None
        if found is not None:
            return key, (found.text or "").strip()
    return None


def webspace_add(state: PleskState, operation: etree._Element) -> etree._Element:
    setup = operation.find("gen_setup")
    hosting = operation.find("hosting")
    hosting_element = hosting[0] if hosting is not None and len(hosting) else None
    hosting_type = _text(setup, "htype") or (
        hosting_element.tag if hosting_element is not None else "none"
    )
    if hosting_element is not None and hosting_element.tag != hosting_type:
        raise PleskFailure(
            1019,
            f"The hosting settings ({hosting_element.tag}) do not match the hosting type "
            f"{hosting_type}.",
        )
    properties = {}
    if hosting_element is not None:
        properties = {
            _text(prop, "name"): _text(prop, "value") for prop in hosting_element.iter("property")
        }
    ip_address = _text(setup, "ip_address") or _text(hosting_element, "ip_address")
    if not ip_address:
        raise PleskFailure(1019, "The IP address of the webspace is not specified.")
    status = _text(setup, "status") or "0"
    webspace = state.webspace_add(
        name=_text(setup, "name"),
        owner=_first_of(setup, _OWNER_KEYS),
        hosting_type=hosting_type,
        ip_address=ip_address,
        plan=_first_of(operation, _PLAN_KEYS),
        ftp_login=properties.get("ftp_login", ""),
        ftp_password=properties.get("ftp_password", ""),
        forwarding_url=_text(hosting_element, "dest_url"),
        external_id=_text(setup, "external-id"),
        status=int(status) if status.isdigit() else 0,
    )
    answer = etree.Element("add")
    result = _result(answer, id=webspace.id)
    _add(result, "guid", webspace.guid)
    return answer


def webspace_get(state: PleskState, operation: etree._Element) -> etree._Element:
    answer = etree.Element("get")
    dataset = operation.find("dataset")
    wanted = {item.tag for item in dataset} if dataset is not None else set()
    for filter_id, webspace in _select(answer, operation.find("filter"), state.webspaces_matching):
        result = _result(answer, filter_id=filter_id, id=webspace.id)
        data = _add(result, "data")
        if "gen_info" in wanted:
            _webspace_info(data, webspace, state)
        if "hosting" in wanted:
            _webspace_hosting(data, webspace)
        if "subscriptions" in wanted:
            subscriptions = _add(data, "subscriptions")
            if webspace.plan_guid:
                subscription = _add(subscriptions, "subscription")
                _add(subscription, "locked", "false")
                _add(subscription, "synchronized", "true")
                _add(_add(subscription, "plan"), "plan-guid", webspace.plan_guid)
    return answer


def _webspace_info(data: etree._Element, webspace: WebspaceEntry, state: PleskState) -> None:
    owner = next((c for c in state.customers if c.id == webspace.owner_id), None)
    info = _add(data, "gen_info")
    _add(info, "cr_date", webspace.created)
    _add(info, "name", webspace.name)
    _add(info, "ascii-name", webspace.name)
    _add(info, "status", webspace.status)
    _add(info, "real_size", 0)
    _add(info, "owner-id", webspace.owner_id)
    if owner is not None:
        _add(info, "owner-login", owner.login)
    _add(info, "dns_ip_address", webspace.ip_address)
    _add(info, "htype", webspace.hosting_type)
    _add(info, "guid", webspace.guid)
    _add(info, "vendor-guid", state.guid)
    _add(info, "external-id", webspace.external_id)
    _add(info, "description", "")


def _webspace_hosting(data: etree._Element, webspace: WebspaceEntry) -> None:
    hosting = _add(data, "hosting")
    kind = _add(hosting, webspace.hosting_type)
    if webspace.hosting_type == "vrt_hst":
        for name, value in (
            ("ftp_login", webspace.ftp_login),
            ("php", "true"),
            ("ssl", "true"),
            ("www_root", f"/var/www/vhosts/{webspace.name}/httpdocs"),
        ):
            prop = _add(kind, "property")
            _add(prop, "name", name)
            _add(prop, "value", value)
    elif webspace.hosting_type in ("std_fwd", "frm_fwd"):
        _add(kind, "dest_url", webspace.forwarding_url)
        if webspace.hosting_type == "std_fwd":
            _add(kind, "http_code", 301)
    if webspace.hosting_type != "none":
        _add(kind, "ip_address", webspace.ip_address)


def webspace_set(state: PleskState, operation: etree._Element) -> etree._Element:
    values = operation.find("values")
    status = _text(values, "gen_setup/status")
    hosting = values.find("hosting/vrt_hst") if values is not None else None
    properties = (
        {_text(prop, "name"): _text(prop, "value") for prop in hosting.iter("property")}
        if hosting is not None
        else {}
    )

    def change(webspace: WebspaceEntry) -> None:
        if status:
            state.webspace_set_status(webspace, int(status))
        if "ftp_password" in properties:
            if len(properties["ftp_password"]) < 5:
                raise PleskFailure(
                    1019, "The FTP password is too short: use at least 5 characters."
                )
            webspace.ftp_password = properties["ftp_password"]

    return _for_each(state, operation, state.webspaces_matching, change)


def webspace_del(state: PleskState, operation: etree._Element) -> etree._Element:
    return _for_each(state, operation, state.webspaces_matching, state.webspace_delete)


def webspace_switch_subscription(state: PleskState, operation: etree._Element) -> etree._Element:
    plan = _first_of(operation, ("plan-guid", "plan-external-id"))
    return _for_each(
        state,
        operation,
        state.webspaces_matching,
        lambda webspace: state.webspace_switch_plan(webspace, plan),
    )


# -- service plans --------------------------------------------------------------------------------


def service_plan_get(state: PleskState, operation: etree._Element) -> etree._Element:
    answer = etree.Element("get")
    # DomainTemplateGetOutputType has no filter-id: the plan's own fields say which it is.
    for _, plan in _select(
        etree.Element("scratch"), operation.find("filter"), state.plans_matching
    ):
        result = _result(answer, id=plan.id)
        _add(result, "name", plan.name)
        _add(result, "guid", plan.guid)
        if plan.external_id:
            _add(result, "external-id", plan.external_id)
    if not len(answer):
        _result(answer, failure=PleskFailure(1013))
    return answer


# -- site aliases ---------------------------------------------------------------------------------


def site_alias_create(state: PleskState, operation: etree._Element) -> etree._Element:
    alias = state.alias_create(
        site_id=int(_text(operation, "site-id")),
        name=_text(operation, "name"),
        web=_flag(operation, "pref/web", True),
        mail=_flag(operation, "pref/mail", True),
    )
    answer = etree.Element("create")
    _result(answer, id=alias.id)
    return answer


def site_alias_get(state: PleskState, operation: etree._Element) -> etree._Element:
    answer = etree.Element("get")
    for filter_id, alias in _select(answer, operation.find("filter"), state.aliases_matching):
        result = _result(answer, filter_id=filter_id, id=alias.id)
        _alias_info(result, alias)
    return answer


def _alias_info(result: etree._Element, alias: SiteAliasEntry) -> None:
    info = _add(result, "info")
    _add(info, "status", alias.status)
    pref = _add(info, "pref")
    _add(pref, "web", "true" if alias.web else "false")
    _add(pref, "mail", "true" if alias.mail else "false")
    _add(pref, "tomcat", "false")
    _add(info, "site-id", alias.site_id)
    _add(info, "name", alias.name)
    _add(info, "ascii-name", alias.name)


def site_alias_delete(state: PleskState, operation: etree._Element) -> etree._Element:
    return _for_each(state, operation, state.aliases_matching, state.alias_delete)


# -- mail -----------------------------------------------------------------------------------------


def mail_create(state: PleskState, operation: etree._Element) -> etree._Element:
    site_id = int(_text(operation, "filter/site-id"))
    answer = etree.Element("create")
    for mailname in operation.findall("filter/mailname"):
        quota = _text(mailname, "mailbox/quota")
        try:
            mailbox = state.mailbox_create(
                site_id=site_id,
                name=_text(mailname, "name"),
                password=_text(mailname, "password/value"),
                enabled=_flag(mailname, "mailbox/enabled", mailname.find("mailbox") is not None),
                quota=int(quota) if quota else None,
            )
        except PleskFailure as failure:
            _result(answer, failure=failure)
            continue
        result = _result(answer)
        echoed = _add(result, "mailname")
        _add(echoed, "id", mailbox.id)
        _add(echoed, "name", mailbox.name)
    return answer


def mail_update(state: PleskState, operation: etree._Element) -> etree._Element:
    answer = etree.Element("update")
    set_answer = _add(answer, "set")
    site_id = int(_text(operation, "set/filter/site-id"))
    for mailname in operation.findall("set/filter/mailname"):
        name = _text(mailname, "name")
        quota = _text(mailname, "mailbox/quota")
        password = mailname.find("password/value")
        try:
            state.mailbox_update(
                state.mailbox(site_id, name),
                password=(password.text or "") if password is not None else None,
                quota=int(quota) if quota else None,
            )
        except PleskFailure as failure:
            _result(set_answer, failure=failure)
            continue
        _add(_add(_result(set_answer), "mailname"), "name", name)
    return answer


def mail_get_info(state: PleskState, operation: etree._Element) -> etree._Element:
    answer = etree.Element("get_info")
    site_id = int(_text(operation, "filter/site-id"))
    names = [(item.text or "").strip() for item in operation.findall("filter/name")]
    with_mailbox = operation.find("mailbox") is not None
    mailboxes: list[MailboxEntry] = []
    if names:
        for name in names:
            try:
                mailboxes.append(state.mailbox(site_id, name))
            except PleskFailure as failure:
                _result(answer, failure=failure)
    else:
        mailboxes = state.mailboxes_of(site_id)
        if not mailboxes:
            # A site without mail names still answers one ok result (api-php-lib getAll).
            _result(answer)
    for mailbox in mailboxes:
        result = _result(answer)
        mailname = _add(result, "mailname")
        _add(mailname, "id", mailbox.id)
        _add(mailname, "name", mailbox.name)
        if with_mailbox:
            box = _add(mailname, "mailbox")
            _add(box, "enabled", "true" if mailbox.enabled else "false")
            _add(box, "quota", mailbox.quota)
    return answer


def mail_remove(state: PleskState, operation: etree._Element) -> etree._Element:
    answer = etree.Element("remove")
    site_id = int(_text(operation, "filter/site-id"))
    names = [(item.text or "").strip() for item in operation.findall("filter/name")]
    if not names:
        names = [mailbox.name for mailbox in state.mailboxes_of(site_id)]
    for name in names:
        try:
            state.mailbox_remove(state.mailbox(site_id, name))
        except PleskFailure as failure:
            _result(answer, failure=failure)
            continue
        _add(_add(_result(answer), "mailname"), "name", name)
    return answer


# -- spam filter ----------------------------------------------------------------------------------

_ADMIN_ONLY_PREFERENCES = ("personal", "max-children-process")
# Not supported by Plesk for Unix, and mailbox-only (`action`) at server level.
_UNSUPPORTED_FOR_ADMIN = ("use-server-wide-settings", "action")


def _spam_targets(
    state: PleskState, answer: etree._Element, filter_element: etree._Element | None
) -> list[tuple[str, MailboxEntry | None]]:
    """(filter-id, mailbox) per filter entry; mailbox None means the server level ("admin")."""
    targets: list[tuple[str, MailboxEntry | None]] = []
    for key, value in _filter_items(filter_element):
        value = value or ""
        if key == "username" and value == "admin":
            targets.append((value, None))
            continue
        try:
            if key == "spamfilter-id":
                mailbox = next((m for m in state.mailboxes if str(m.id) == value), None)
                if mailbox is None:
                    raise PleskFailure(1013)
            else:
                mailbox = state.spam_filter_mailbox(value)
        except PleskFailure as failure:
            _result(answer, failure=failure, filter_id=value)
            continue
        targets.append((value, mailbox))
    return targets


def spamfilter_set(state: PleskState, operation: etree._Element) -> etree._Element:
    answer = etree.Element("set")
    preferences = _fields(operation.find("preferences"))
    enabled = operation.find("enabled") is not None
    disabled = operation.find("disabled") is not None
    for filter_id, mailbox in _spam_targets(state, answer, operation.find("filter")):
        not_for_this_level = _ADMIN_ONLY_PREFERENCES if mailbox else _UNSUPPORTED_FOR_ADMIN
        if any(key in preferences for key in not_for_this_level):
            _result(answer, failure=PleskFailure(12009), filter_id=filter_id)
            continue
        if mailbox is not None:
            if enabled or disabled:
                mailbox.spam_filter = enabled
            if "action" in preferences:
                mailbox.spam_action = preferences["action"]
            if "required-score" in preferences:
                mailbox.spam_required_score = preferences["required-score"]
        _result(answer, filter_id=filter_id)
    return answer


def spamfilter_get(state: PleskState, operation: etree._Element) -> etree._Element:
    answer = etree.Element("get")
    for filter_id, mailbox in _spam_targets(state, answer, operation.find("filter")):
        result = _result(answer, filter_id=filter_id)
        _add(result, "username", filter_id)
        preferences = etree.Element("preferences")
        if mailbox is None:
            _add(result, "enabled")
            _add(preferences, "personal", "true")
            _add(preferences, "max-children-process", 5)
            _add(preferences, "required-score", 7)
        else:
            _add(result, "enabled" if mailbox.spam_filter else "disabled")
            _add(preferences, "required-score", mailbox.spam_required_score)
            _add(preferences, "rewrite-header", "subject *****SPAM*****")
            _add(preferences, "action", mailbox.spam_action)
        result.append(preferences)
    return answer


# -- DNS ------------------------------------------------------------------------------------------


def dns_add_rec(state: PleskState, operation: etree._Element) -> etree._Element:
    site_id = _text(operation, "site-id")
    if not site_id:
        # Records of site aliases and of the server template are not simulated.
        raise PleskFailure(1023, "Only records of a site (site-id) can be added here.")
    record = state.dns_add(
        site_id=int(site_id),
        type=_text(operation, "type"),
        host=_text(operation, "host"),
        value=_text(operation, "value"),
        opt=_text(operation, "opt"),
    )
    answer = etree.Element("add_rec")
    _result(answer, id=record.id)
    return answer


def dns_get_rec(state: PleskState, operation: etree._Element) -> etree._Element:
    answer = etree.Element("get_rec")
    for _, record in _select(answer, operation.find("filter"), state.dns_matching):
        _dns_data(_result(answer, id=record.id), record)
    return answer


def _dns_data(result: etree._Element, record: DnsEntry) -> None:
    data = _add(result, "data")
    _add(data, "site-id", record.site_id)
    _add(data, "type", record.type)
    _add(data, "host", record.host)
    _add(data, "value", record.value)
    _add(data, "opt", record.opt)


def dns_del_rec(state: PleskState, operation: etree._Element) -> etree._Element:
    answer = etree.Element("del_rec")
    for _, record in _select(answer, operation.find("filter"), state.dns_matching):
        try:
            state.dns_delete(record)
        except PleskFailure as failure:
            _result(answer, failure=failure, id=record.id)
            continue
        _result(answer, id=record.id)
    return answer


HANDLERS: dict[str, Handler] = {
    "server.get": server_get,
    "server.get_protos": server_get_protos,
    "customer.add": customer_add,
    "customer.get": customer_get,
    "customer.set": customer_set,
    "customer.del": customer_del,
    "webspace.add": webspace_add,
    "webspace.get": webspace_get,
    "webspace.set": webspace_set,
    "webspace.del": webspace_del,
    "webspace.switch-subscription": webspace_switch_subscription,
    "service-plan.get": service_plan_get,
    "site-alias.create": site_alias_create,
    "site-alias.get": site_alias_get,
    "site-alias.delete": site_alias_delete,
    "mail.create": mail_create,
    "mail.update": mail_update,
    "mail.get_info": mail_get_info,
    "mail.remove": mail_remove,
    "spamfilter.set": spamfilter_set,
    "spamfilter.get": spamfilter_get,
    "dns.add_rec": dns_add_rec,
    "dns.get_rec": dns_get_rec,
    "dns.del_rec": dns_del_rec,
}
