"""What the simulated Plesk mail operations do and answer: mailboxes and their spam filter."""

from __future__ import annotations

from lxml import etree

from hostwerk.sandbox.plesk.answers import (
    add_child,
    add_result,
    fields_of,
    filter_items,
    flag_at,
    text_at,
)
from hostwerk.sandbox.plesk.entries import MailboxEntry, PleskFailure
from hostwerk.sandbox.plesk.state import PleskState

# -- mail -----------------------------------------------------------------------------------------


def mail_create(state: PleskState, operation: etree._Element) -> etree._Element:
    site_id = int(text_at(operation, "filter/site-id"))
    answer = etree.Element("create")
    for mailname in operation.findall("filter/mailname"):
        quota = text_at(mailname, "mailbox/quota")
        try:
            mailbox = state.mailbox_create(
                site_id=site_id,
                name=text_at(mailname, "name"),
                password=text_at(mailname, "password/value"),
                enabled=flag_at(mailname, "mailbox/enabled", mailname.find("mailbox") is not None),
                quota=int(quota) if quota else None,
            )
        except PleskFailure as failure:
            add_result(answer, failure=failure)
            continue
        result = add_result(answer)
        echoed = add_child(result, "mailname")
        add_child(echoed, "id", mailbox.id)
        add_child(echoed, "name", mailbox.name)
    return answer


def mail_update(state: PleskState, operation: etree._Element) -> etree._Element:
    answer = etree.Element("update")
    set_answer = add_child(answer, "set")
    site_id = int(text_at(operation, "set/filter/site-id"))
    for mailname in operation.findall("set/filter/mailname"):
        name = text_at(mailname, "name")
        quota = text_at(mailname, "mailbox/quota")
        password = mailname.find("password/value")
        try:
            state.mailbox_update(
                state.mailbox(site_id, name),
                password=(password.text or "") if password is not None else None,
                quota=int(quota) if quota else None,
            )
        except PleskFailure as failure:
            add_result(set_answer, failure=failure)
            continue
        add_child(add_child(add_result(set_answer), "mailname"), "name", name)
    return answer


def mail_get_info(state: PleskState, operation: etree._Element) -> etree._Element:
    answer = etree.Element("get_info")
    site_id = int(text_at(operation, "filter/site-id"))
    names = [(item.text or "").strip() for item in operation.findall("filter/name")]
    with_mailbox = operation.find("mailbox") is not None
    mailboxes: list[MailboxEntry] = []
    if names:
        for name in names:
            try:
                mailboxes.append(state.mailbox(site_id, name))
            except PleskFailure as failure:
                add_result(answer, failure=failure)
    else:
        mailboxes = state.mailboxes_of(site_id)
        if not mailboxes:
            # A site without mail names still answers one ok result (api-php-lib getAll).
            add_result(answer)
    for mailbox in mailboxes:
        result = add_result(answer)
        mailname = add_child(result, "mailname")
        add_child(mailname, "id", mailbox.id)
        add_child(mailname, "name", mailbox.name)
        if with_mailbox:
            box = add_child(mailname, "mailbox")
            add_child(box, "enabled", "true" if mailbox.enabled else "false")
            add_child(box, "quota", mailbox.quota)
    return answer


def mail_remove(state: PleskState, operation: etree._Element) -> etree._Element:
    answer = etree.Element("remove")
    site_id = int(text_at(operation, "filter/site-id"))
    names = [(item.text or "").strip() for item in operation.findall("filter/name")]
    if not names:
        names = [mailbox.name for mailbox in state.mailboxes_of(site_id)]
    for name in names:
        try:
            state.mailbox_remove(state.mailbox(site_id, name))
        except PleskFailure as failure:
            add_result(answer, failure=failure)
            continue
        add_child(add_child(add_result(answer), "mailname"), "name", name)
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
    for key, value in filter_items(filter_element):
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
            add_result(answer, failure=failure, filter_id=value)
            continue
        targets.append((value, mailbox))
    return targets


def spamfilter_set(state: PleskState, operation: etree._Element) -> etree._Element:
    answer = etree.Element("set")
    preferences = fields_of(operation.find("preferences"))
    enabled = operation.find("enabled") is not None
    disabled = operation.find("disabled") is not None
    for filter_id, mailbox in _spam_targets(state, answer, operation.find("filter")):
        not_for_this_level = _ADMIN_ONLY_PREFERENCES if mailbox else _UNSUPPORTED_FOR_ADMIN
        if any(key in preferences for key in not_for_this_level):
            add_result(answer, failure=PleskFailure(12009), filter_id=filter_id)
            continue
        if mailbox is not None:
            if enabled or disabled:
                mailbox.spam_filter = enabled
            if "action" in preferences:
                mailbox.spam_action = preferences["action"]
            if "required-score" in preferences:
                mailbox.spam_required_score = preferences["required-score"]
        add_result(answer, filter_id=filter_id)
    return answer


def spamfilter_get(state: PleskState, operation: etree._Element) -> etree._Element:
    answer = etree.Element("get")
    for filter_id, mailbox in _spam_targets(state, answer, operation.find("filter")):
        result = add_result(answer, filter_id=filter_id)
        add_child(result, "username", filter_id)
        preferences = etree.Element("preferences")
        if mailbox is None:
            add_child(result, "enabled")
            add_child(preferences, "personal", "true")
            add_child(preferences, "max-children-process", 5)
            add_child(preferences, "required-score", 7)
        else:
            add_child(result, "enabled" if mailbox.spam_filter else "disabled")
            add_child(preferences, "required-score", mailbox.spam_required_score)
            add_child(preferences, "rewrite-header", "subject *****SPAM*****")
            add_child(preferences, "action", mailbox.spam_action)
        result.append(preferences)
    return answer
