"""What each simulated Plesk operation does and answers: one handler per "<operator>.<operation>"."""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from hostwerk.sandbox.plesk.answers import (
    add_child,
    add_result,
    error_answer,
    fields_of,
    flag_at,
    for_each,
    select,
    text_at,
)
from hostwerk.sandbox.plesk.entries import (
    CustomerEntry,
    DnsEntry,
    PleskFailure,
    SiteAliasEntry,
    WebspaceEntry,
)
from hostwerk.sandbox.plesk.mail_operations import (
    mail_create,
    mail_get_info,
    mail_remove,
    mail_update,
    spamfilter_get,
    spamfilter_set,
)
from hostwerk.sandbox.plesk.state import PleskState

Handler = Callable[[PleskState, etree._Element], etree._Element]
PROTOCOLS = ("1.6.9.1", "1.6.9.0", "1.6.8.0", "1.6.7.0", "1.6.6.0", "1.6.5.0", "1.6.3.0")


def execute(state: PleskState, operator: str, operation: etree._Element) -> etree._Element:
    """Run one operation and return its answer element (<add><result>…</result></add>)."""
    handler = HANDLERS[f"{operator}.{operation.tag}"]
    try:
        return handler(state, operation)
    except PleskFailure as failure:
        return error_answer(operation, failure.code, failure.text)


# -- server ---------------------------------------------------------------------------------------


def server_get(state: PleskState, operation: etree._Element) -> etree._Element:
    answer = etree.Element("get")
    result = add_result(answer)
    if operation.find("gen_info") is not None:
        info = add_child(result, "gen_info")
        add_child(info, "server_name", state.name)
        add_child(info, "server_guid", state.guid)
        add_child(info, "mode", "standard")
    if operation.find("stat") is not None:
        stat = add_child(result, "stat")
        counts = state.counts()
        objects = add_child(stat, "objects")
        add_child(objects, "clients", counts["customers"])
        add_child(objects, "domains", counts["webspaces"])
        add_child(objects, "active_domains", sum(1 for w in state.webspaces if w.status == 0))
        add_child(objects, "mail_boxes", counts["mailboxes"])
        add_child(objects, "mail_redirects", 0)
        add_child(objects, "mail_groups", 0)
        add_child(objects, "mail_responders", 0)
        add_child(objects, "mail_lists", 0)
        add_child(objects, "databases", 0)
        add_child(objects, "database_users", 0)
        add_child(objects, "web_users", 0)
        add_child(objects, "problem_clients", 0)
        add_child(objects, "problem_domains", 0)
        version = add_child(stat, "version")
        add_child(version, "plesk_name", "psa")
        add_child(version, "plesk_version", state.version)
        add_child(version, "plesk_os", "Debian")
        add_child(version, "plesk_os_version", "12.0")
    return answer


def server_get_protos(state: PleskState, operation: etree._Element) -> etree._Element:
    answer = etree.Element("get_protos")
    protos = add_child(add_result(answer), "protos")
    for proto in PROTOCOLS:
        add_child(protos, "proto", proto)
    return answer


# -- customer -------------------------------------------------------------------------------------


def customer_add(state: PleskState, operation: etree._Element) -> etree._Element:
    customer = state.customer_add(fields_of(operation.find("gen_info")))
    answer = etree.Element("add")
    result = add_result(answer, id=customer.id)
    add_child(result, "guid", customer.guid)
    return answer


def customer_get(state: PleskState, operation: etree._Element) -> etree._Element:
    answer = etree.Element("get")
    with_info = operation.find("dataset/gen_info") is not None
    for filter_id, customer in select(answer, operation.find("filter"), state.customers_matching):
        result = add_result(answer, filter_id=filter_id, id=customer.id)
        data = add_child(result, "data")
        if with_info:
            _customer_info(data, customer, state)
    return answer


def _customer_info(data: etree._Element, customer: CustomerEntry, state: PleskState) -> None:
    info = add_child(data, "gen_info")
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
        add_child(info, tag, value)


def customer_set(state: PleskState, operation: etree._Element) -> etree._Element:
    fields = fields_of(operation.find("values/gen_info"))
    return for_each(
        state,
        operation,
        state.customers_matching,
        lambda customer: state.customer_set(customer, fields),
    )


def customer_del(state: PleskState, operation: etree._Element) -> etree._Element:
    return for_each(state, operation, state.customers_matching, state.customer_delete)


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
    hosting_type = text_at(setup, "htype") or (
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
            text_at(prop, "name"): text_at(prop, "value")
            for prop in hosting_element.iter("property")
        }
    ip_address = text_at(setup, "ip_address") or text_at(hosting_element, "ip_address")
    if not ip_address:
        raise PleskFailure(1019, "The IP address of the webspace is not specified.")
    status = text_at(setup, "status") or "0"
    webspace = state.webspace_add(
        name=text_at(setup, "name"),
        owner=_first_of(setup, _OWNER_KEYS),
        hosting_type=hosting_type,
        ip_address=ip_address,
        plan=_first_of(operation, _PLAN_KEYS),
        ftp_login=properties.get("ftp_login", ""),
        ftp_password=properties.get("ftp_password", ""),
        forwarding_url=text_at(hosting_element, "dest_url"),
        external_id=text_at(setup, "external-id"),
        status=int(status) if status.isdigit() else 0,
    )
    answer = etree.Element("add")
    result = add_result(answer, id=webspace.id)
    add_child(result, "guid", webspace.guid)
    return answer


def webspace_get(state: PleskState, operation: etree._Element) -> etree._Element:
    answer = etree.Element("get")
    dataset = operation.find("dataset")
    wanted = {item.tag for item in dataset} if dataset is not None else set()
    for filter_id, webspace in select(answer, operation.find("filter"), state.webspaces_matching):
        result = add_result(answer, filter_id=filter_id, id=webspace.id)
        data = add_child(result, "data")
        if "gen_info" in wanted:
            _webspace_info(data, webspace, state)
        if "hosting" in wanted:
            _webspace_hosting(data, webspace)
        if "subscriptions" in wanted:
            subscriptions = add_child(data, "subscriptions")
            if webspace.plan_guid:
                subscription = add_child(subscriptions, "subscription")
                add_child(subscription, "locked", "false")
                add_child(subscription, "synchronized", "true")
                add_child(add_child(subscription, "plan"), "plan-guid", webspace.plan_guid)
    return answer


def _webspace_info(data: etree._Element, webspace: WebspaceEntry, state: PleskState) -> None:
    owner = next((c for c in state.customers if c.id == webspace.owner_id), None)
    info = add_child(data, "gen_info")
    add_child(info, "cr_date", webspace.created)
    add_child(info, "name", webspace.name)
    add_child(info, "ascii-name", webspace.name)
    add_child(info, "status", webspace.status)
    add_child(info, "real_size", 0)
    add_child(info, "owner-id", webspace.owner_id)
    if owner is not None:
        add_child(info, "owner-login", owner.login)
    add_child(info, "dns_ip_address", webspace.ip_address)
    add_child(info, "htype", webspace.hosting_type)
    add_child(info, "guid", webspace.guid)
    add_child(info, "vendor-guid", state.guid)
    add_child(info, "external-id", webspace.external_id)
    add_child(info, "description", "")


def _webspace_hosting(data: etree._Element, webspace: WebspaceEntry) -> None:
    hosting = add_child(data, "hosting")
    kind = add_child(hosting, webspace.hosting_type)
    if webspace.hosting_type == "vrt_hst":
        for name, value in (
            ("ftp_login", webspace.ftp_login),
            ("php", "true"),
            ("ssl", "true"),
            ("www_root", f"/var/www/vhosts/{webspace.name}/httpdocs"),
        ):
            prop = add_child(kind, "property")
            add_child(prop, "name", name)
            add_child(prop, "value", value)
    elif webspace.hosting_type in ("std_fwd", "frm_fwd"):
        add_child(kind, "dest_url", webspace.forwarding_url)
        if webspace.hosting_type == "std_fwd":
            add_child(kind, "http_code", 301)
    if webspace.hosting_type != "none":
        add_child(kind, "ip_address", webspace.ip_address)


def webspace_set(state: PleskState, operation: etree._Element) -> etree._Element:
    values = operation.find("values")
    status = text_at(values, "gen_setup/status")
    hosting = values.find("hosting/vrt_hst") if values is not None else None
    properties = (
        {text_at(prop, "name"): text_at(prop, "value") for prop in hosting.iter("property")}
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

    return for_each(state, operation, state.webspaces_matching, change)


def webspace_del(state: PleskState, operation: etree._Element) -> etree._Element:
    return for_each(state, operation, state.webspaces_matching, state.webspace_delete)


def webspace_switch_subscription(state: PleskState, operation: etree._Element) -> etree._Element:
    plan = _first_of(operation, ("plan-guid", "plan-external-id"))
    return for_each(
        state,
        operation,
        state.webspaces_matching,
        lambda webspace: state.webspace_switch_plan(webspace, plan),
    )


# -- service plans --------------------------------------------------------------------------------


def service_plan_get(state: PleskState, operation: etree._Element) -> etree._Element:
    answer = etree.Element("get")
    # DomainTemplateGetOutputType has no filter-id: the plan's own fields say which it is.
    for _, plan in select(etree.Element("scratch"), operation.find("filter"), state.plans_matching):
        result = add_result(answer, id=plan.id)
        add_child(result, "name", plan.name)
        add_child(result, "guid", plan.guid)
        if plan.external_id:
            add_child(result, "external-id", plan.external_id)
    if not len(answer):
        add_result(answer, failure=PleskFailure(1013))
    return answer


# -- site aliases ---------------------------------------------------------------------------------


def site_alias_create(state: PleskState, operation: etree._Element) -> etree._Element:
    alias = state.alias_create(
        site_id=int(text_at(operation, "site-id")),
        name=text_at(operation, "name"),
        web=flag_at(operation, "pref/web", True),
        mail=flag_at(operation, "pref/mail", True),
    )
    answer = etree.Element("create")
    add_result(answer, id=alias.id)
    return answer


def site_alias_get(state: PleskState, operation: etree._Element) -> etree._Element:
    answer = etree.Element("get")
    for filter_id, alias in select(answer, operation.find("filter"), state.aliases_matching):
        result = add_result(answer, filter_id=filter_id, id=alias.id)
        _alias_info(result, alias)
    return answer


def _alias_info(result: etree._Element, alias: SiteAliasEntry) -> None:
    info = add_child(result, "info")
    add_child(info, "status", alias.status)
    pref = add_child(info, "pref")
    add_child(pref, "web", "true" if alias.web else "false")
    add_child(pref, "mail", "true" if alias.mail else "false")
    add_child(pref, "tomcat", "false")
    add_child(info, "site-id", alias.site_id)
    add_child(info, "name", alias.name)
    add_child(info, "ascii-name", alias.name)


def site_alias_delete(state: PleskState, operation: etree._Element) -> etree._Element:
    return for_each(state, operation, state.aliases_matching, state.alias_delete)


# -- DNS ------------------------------------------------------------------------------------------


def dns_add_rec(state: PleskState, operation: etree._Element) -> etree._Element:
    site_id = text_at(operation, "site-id")
    if not site_id:
        # Records of site aliases and of the server template are not simulated.
        raise PleskFailure(1023, "Only records of a site (site-id) can be added here.")
    record = state.dns_add(
        site_id=int(site_id),
        type=text_at(operation, "type"),
        host=text_at(operation, "host"),
        value=text_at(operation, "value"),
        opt=text_at(operation, "opt"),
    )
    answer = etree.Element("add_rec")
    add_result(answer, id=record.id)
    return answer


def dns_get_rec(state: PleskState, operation: etree._Element) -> etree._Element:
    answer = etree.Element("get_rec")
    for _, record in select(answer, operation.find("filter"), state.dns_matching):
        _dns_data(add_result(answer, id=record.id), record)
    return answer


def _dns_data(result: etree._Element, record: DnsEntry) -> None:
    data = add_child(result, "data")
    add_child(data, "site-id", record.site_id)
    add_child(data, "type", record.type)
    add_child(data, "host", record.host)
    add_child(data, "value", record.value)
    add_child(data, "opt", record.opt)


def dns_del_rec(state: PleskState, operation: etree._Element) -> etree._Element:
    answer = etree.Element("del_rec")
    for _, record in select(answer, operation.find("filter"), state.dns_matching):
        try:
            state.dns_delete(record)
        except PleskFailure as failure:
            add_result(answer, failure=failure, id=record.id)
            continue
        add_result(answer, id=record.id)
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
