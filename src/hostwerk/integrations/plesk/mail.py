"""Plesk mailboxes and their spam filter."""

from __future__ import annotations

from typing import Literal

from lxml import etree

from hostwerk.integrations.plesk.errors import PleskObjectNotFound
from hostwerk.integrations.plesk.objects import Mailbox
from hostwerk.integrations.plesk.packets import (
    SPAMFILTER_PROTOCOL_VERSION,
    child,
    int_of,
    new_packet,
    path,
    text_of,
)
from hostwerk.integrations.plesk.transport import NOT_FOUND, PleskTransport

SpamAction = Literal["text", "delete", "move"]


class MailOperations(PleskTransport):
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


def _password(mailname: etree._Element, password: str) -> None:
    element = child(mailname, "password")
    child(element, "value", password)
    child(element, "type", "plain")


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
