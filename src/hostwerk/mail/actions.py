"""Writes on mailboxes (R9): each audited, Plesk called outside transactions, the local record
always telling what the server holds. Mail filtering providers are in `providers.py`.

Every new mailbox gets its spam filter switched on (Plesk's default is off), and the filter is
then read back: a mailbox whose filter is not on is marked for staff, who can fix it with one
click. Passwords go to Plesk only; they are never stored or written to the audit trail.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hostwerk.catalog.models import ProductType
from hostwerk.core.audit import Actor, apply_changes, audit_record
from hostwerk.core.domain_names import DomainNameError, parse_domain_name
from hostwerk.core.errors import HostwerkError, PermanentError, TransientError
from hostwerk.integrations.plesk import (
    PleskClient,
    PleskInvalidValue,
    PleskObjectExists,
    PleskObjectNotFound,
)
from hostwerk.mail.models import Mailbox, MailboxStatus, SpamFilterState
from hostwerk.provisioning.models import Server, ServerKind, Service, ServiceStatus
from hostwerk.provisioning.modules.plesk import plesk_client_for

logger = logging.getLogger(__name__)

MAILBOX_PASSWORD_MIN_LENGTH = 10
MAX_QUOTA_MB = 1024 * 1024  # 1 TB: anything above is a typo
_LOCAL_PART = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$")
_PASSWORD_VALIDATORS: list[dict[str, Any]] = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "hostwerk.accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": MAILBOX_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


class MailboxInvalid(HostwerkError):
    """What was typed cannot be used; `errors` maps each field to its messages (R11)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(
            " ".join(message for messages in errors.values() for message in messages),
            code="invalid",
        )
        self.errors = errors


class MailboxFailed(HostwerkError):
    """The mail server did not do it; `message` says what happened and what to do now."""


# Checks ----------------------------------------------------------------------------------------


def mailbox_password_problems(*, password: str, address: str) -> list[str]:
    """What is wrong with `password` for mailbox `address`; empty when it is good enough."""
    local_part = address.partition("@")[0]
    problems = []
    try:
        password_validation.validate_password(
            password,
            # An unsaved user with the address, for the similarity check's field name.
            user=get_user_model()(email=address),
            password_validators=password_validation.get_password_validators(_PASSWORD_VALIDATORS),
        )
    except ValidationError as error:
        problems.extend(error.messages)
    lowered = password.lower()
    if local_part and (local_part in lowered or address.lower() in lowered):
        problems.append(_("The password must not contain the mailbox address."))
    return problems


def _local_part_clean(text: str) -> str:
    local_part = (text or "").strip().lower()
    if not local_part:
        raise MailboxInvalid({"local_part": [_("Enter the part before the @, e.g. info.")]})
    if not _LOCAL_PART.match(local_part) or ".." in local_part:
        raise MailboxInvalid(
            {
                "local_part": [
                    _(
                        "Use letters, digits, dots, hyphens and underscores, starting and ending "
                        "with a letter or digit (at most 64)."
                    )
                ]
            }
        )
    return local_part


def mailbox_typed_problems(*, local_part: str, password: str, domain: str = "") -> dict:
    """What mailbox_create would refuse in the name and password as typed, without looking
    anything up: for a form to show beside its own errors, so nothing waits for a second try."""
    errors: dict[str, list[str]] = {}
    try:
        local_part = _local_part_clean(local_part)
    except MailboxInvalid as invalid:
        errors.update(invalid.errors)
    if password:
        address = f"{local_part}@{domain.strip().lower()}" if domain else local_part
        if problems := mailbox_password_problems(password=password, address=address):
            errors["password"] = problems
    return errors


def _quota_clean(quota_mb: Any) -> int | None:
    if quota_mb in (None, ""):
        return None
    try:
        value = int(quota_mb)
    except (TypeError, ValueError):
        raise MailboxInvalid({"quota_mb": [_("Enter a whole number of megabytes.")]}) from None
    if not 1 <= value <= MAX_QUOTA_MB:
        raise MailboxInvalid(
            {"quota_mb": [_("Enter a quota from 1 to %(max)s MB.") % {"max": MAX_QUOTA_MB}]}
        )
    return value


def _service_for_mail(service: Service) -> tuple[Service, Server, int]:
    """The hosting service mailboxes go on, with its Plesk server and webspace id."""
    service = Service.objects.select_related("server", "product", "client").get(pk=service.pk)
    if service.product.type != ProductType.HOSTING:
        raise MailboxInvalid({"service": [_("Mailboxes can only be made on a hosting service.")]})
    if service.status != ServiceStatus.ACTIVE:
        raise MailboxInvalid(
            {
                "service": [
                    _("This hosting service is %(status)s; mailboxes need an active one.")
                    % {"status": service.get_status_display()}
                ]
            }
        )
    if (
        service.server is None
        or service.server.kind != ServerKind.PLESK
        or not service.remote_service_id.isdigit()
    ):
        raise MailboxInvalid(
            {"service": [_("This hosting service is not created on a Plesk server yet.")]}
        )
    return service, service.server, int(service.remote_service_id)


def mailbox_address_local_part(*, address: str, service: Service) -> str:
    """The local part of a full address typed for `service` (the API takes whole addresses)."""
    local_part, at, domain = (address or "").strip().rpartition("@")
    try:
        domain_ascii = parse_domain_name(domain.rstrip(".")).ascii if at else ""
    except DomainNameError:
        domain_ascii = ""
    if not at or not local_part:
        raise MailboxInvalid({"address": [_("Enter a whole address, e.g. info@example.nl.")]})
    if domain_ascii != service.domain.lower():
        raise MailboxInvalid(
            {
                "address": [
                    _("Mailboxes of this hosting service end in @%(domain)s.")
                    % {"domain": _unicode(service.domain)}
                ]
            }
        )
    try:
        return _local_part_clean(local_part)
    except MailboxInvalid as invalid:
        raise MailboxInvalid({"address": invalid.errors["local_part"]}) from None


def _unicode(domain: str) -> str:
    try:
        return parse_domain_name(domain).unicode
    except DomainNameError:
        return domain


def _remote_failure(error: HostwerkError, server: Server) -> MailboxFailed:
    if isinstance(error, TransientError):
        return MailboxFailed(
            _(
                "The mail server %(server)s did not answer (%(error)s). Nothing is lost: try "
                "again in a few minutes."
            )
            % {"server": server.name, "error": error.message}
        )
    return MailboxFailed(
        _("The mail server %(server)s refused: %(error)s") % {"server": server.name, "error": error}
    )


# The spam filter (R9) ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SpamFilterReading:
    state: str  # SpamFilterState
    problem: str  # why it is not on, for staff; empty when on


def _switch_on_and_read_back(plesk: PleskClient, address: str) -> SpamFilterReading:
    """Switch SpamAssassin on for the mailbox, then ask Plesk again: only its answer counts,
    since a server may accept the setting and not keep it."""
    refusal = ""
    try:
        plesk.spamfilter_set(mailbox=address, enabled=True)
    except (PermanentError, TransientError) as error:
        refusal = _("Plesk did not switch the spam filter on: %(error)s") % {"error": error}
    try:
        enabled = plesk.spamfilter_get(mailbox=address)
    except (PermanentError, TransientError) as error:
        return SpamFilterReading(
            SpamFilterState.UNKNOWN,
            refusal or _("The spam filter could not be read back: %(error)s") % {"error": error},
        )
    if enabled:
        return SpamFilterReading(SpamFilterState.ON, "")
    return SpamFilterReading(
        SpamFilterState.OFF,
        refusal
        or _("Plesk accepted switching the spam filter on, but reading it back shows it off."),
    )


def _record_spam_filter(
    *,
    actor: Actor,
    mailbox: Mailbox,
    reading: SpamFilterReading,
    action: str,
    audit_when_off: bool = True,
) -> Mailbox:
    """Store a reading; audit it when the state changed, or (unless `audit_when_off` is false,
    for the periodic check) whenever the filter is not on."""
    with transaction.atomic():
        locked = Mailbox.objects.select_for_update().get(pk=mailbox.pk)
        changes = apply_changes(
            locked,
            {
                "spam_filter": reading.state,
                "spam_filter_problem": reading.problem[:500],
                "spam_filter_checked_at": timezone.now(),
            },
        )
        locked.save(update_fields=["spam_filter", "spam_filter_problem", "spam_filter_checked_at"])
        changes.pop("spam_filter_checked_at", None)
        if "spam_filter" in changes or (audit_when_off and reading.state != SpamFilterState.ON):
            audit_record(
                actor=actor,
                action=action,
                obj=locked,
                client=mailbox.service.client,
                changes={key: value for key, value in changes.items() if key == "spam_filter"},
                data={"spam_filter": reading.state, "problem": reading.problem},
            )
    return locked


# Mailboxes -------------------------------------------------------------------------------------


@dataclass
class _NewMailbox:
    """A mailbox asked for, checked: where it goes and whether an interrupted attempt is finished."""

    service: Service
    server: Server
    site_id: int
    local_part: str
    address: str
    quota: int | None
    resuming: Mailbox | None  # the record left "being created" by an interrupted attempt


def mailbox_create(
    *,
    actor: Actor,
    service: Service,
    local_part: str,
    password: str,
    quota_mb: int | str | None = None,
) -> Mailbox:
    """Create local_part@<the service's domain> on its Plesk webspace with the spam filter on (R9).

    Raises MailboxInvalid (per field; nothing changed) or MailboxFailed (the server did not do
    it). A mailbox whose filter did not come on is still created, marked "filter off".
    """
    new = _mailbox_create_check(
        service=service, local_part=local_part, password=password, quota_mb=quota_mb
    )
    mailbox = _mailbox_record_first(new)
    with plesk_client_for(new.server) as plesk:
        remote_id = _mailbox_create_remote(
            actor=actor, plesk=plesk, new=new, mailbox=mailbox, password=password
        )
        _mailbox_mark_created(actor=actor, new=new, mailbox=mailbox, remote_id=remote_id)
        reading = _switch_on_and_read_back(plesk, new.address)
    return _record_spam_filter(
        actor=actor, mailbox=mailbox, reading=reading, action="mailbox.spam_filter"
    )


def _mailbox_create_check(
    *, service: Service, local_part: str, password: str, quota_mb: int | str | None
) -> _NewMailbox:
    """Every field checked at once: MailboxInvalid names all that is wrong."""
    errors: dict[str, list[str]] = {}
    try:
        service, server, site_id = _service_for_mail(service)
    except MailboxInvalid as invalid:
        errors.update(invalid.errors)
        server, site_id = None, 0
    try:
        local_part = _local_part_clean(local_part)
    except MailboxInvalid as invalid:
        errors.update(invalid.errors)
    try:
        quota = _quota_clean(quota_mb)
    except MailboxInvalid as invalid:
        errors.update(invalid.errors)
        quota = None
    address = f"{local_part}@{service.domain.lower()}"
    problems = mailbox_password_problems(password=password or "", address=address)
    if problems:
        errors["password"] = problems
    existing = Mailbox.objects.filter(address=address).first()
    # A mailbox left "being created" by an interrupted attempt is finished by creating it again.
    resuming = (
        existing is not None
        and existing.status == MailboxStatus.CREATING
        and existing.service_id == service.pk
    )
    if existing is not None and not resuming and "local_part" not in errors:
        errors["local_part"] = [
            _("%(address)s already exists.") % {"address": existing.address_display}
        ]
    if errors:
        raise MailboxInvalid(errors)
    assert server is not None
    return _NewMailbox(
        service=service,
        server=server,
        site_id=site_id,
        local_part=local_part,
        address=address,
        quota=quota,
        resuming=existing if resuming else None,
    )


def _mailbox_record_first(new: _NewMailbox) -> Mailbox:
    """The local record comes first: if Plesk creates the mailbox and we then crash, the next
    attempt finds it "being created" and adopts what Plesk holds instead of refusing."""
    if new.resuming is not None:
        return new.resuming
    try:
        with transaction.atomic():
            return Mailbox.objects.create(
                service=new.service,
                local_part=new.local_part,
                address=new.address,
                quota_mb=new.quota,
                status=MailboxStatus.CREATING,
            )
    except IntegrityError:
        raise MailboxInvalid(
            {"local_part": [_("%(address)s already exists.") % {"address": new.address}]}
        ) from None


def _mailbox_create_remote(
    *, actor: Actor, plesk: PleskClient, new: _NewMailbox, mailbox: Mailbox, password: str
) -> int:
    """Create the mailbox on Plesk (or adopt the one of an interrupted attempt); its Plesk id.

    A refusal removes a record made just now; a lost answer keeps it "being created" for a retry.
    """
    resuming = new.resuming is not None
    site_id, local_part, server = new.site_id, new.local_part, new.server
    quota_bytes = new.quota * 1024 * 1024 if new.quota else None
    try:
        try:
            remote = plesk.mail_create(
                site_id=site_id, name=local_part, password=password, quota_bytes=quota_bytes
            )
            return remote.id
        except PleskObjectExists:
            if not resuming:
                raise
            # Ours, from the interrupted attempt: give it the password typed now.
            plesk.mail_update(
                site_id=site_id, name=local_part, password=password, quota_bytes=quota_bytes
            )
            found = plesk.mail_get(site_id=site_id, name=local_part)
            return found.id if found else 0
    except PleskObjectExists:
        Mailbox.objects.filter(pk=mailbox.pk, status=MailboxStatus.CREATING).delete()
        raise MailboxInvalid(
            {
                "local_part": [
                    _(
                        "%(address)s already exists on the mail server (made there directly?). "
                        "Choose another name, or ask us to take it over."
                    )
                    % {"address": mailbox.address_display}
                ]
            }
        ) from None
    except PleskInvalidValue as error:
        if not resuming:
            Mailbox.objects.filter(pk=mailbox.pk, status=MailboxStatus.CREATING).delete()
        field = "password" if "password" in error.text.lower() else "local_part"
        raise MailboxInvalid(
            {field: [_("The mail server refused it: %(error)s") % {"error": error.text}]}
        ) from None
    except TransientError as error:
        # Plesk may or may not have it now; the record stays "being created" for a retry.
        with transaction.atomic():
            Mailbox.objects.filter(pk=mailbox.pk).update(last_error=str(error)[:2000])
            audit_record(
                actor=actor,
                action="mailbox.create_unfinished",
                obj=mailbox,
                client=new.service.client,
                data={"server": server.name, "error": str(error)[:2000]},
            )
        raise _remote_failure(error, server) from error
    except PermanentError as error:
        if not resuming:
            Mailbox.objects.filter(pk=mailbox.pk, status=MailboxStatus.CREATING).delete()
        raise _remote_failure(error, server) from error


@transaction.atomic
def _mailbox_mark_created(
    *, actor: Actor, new: _NewMailbox, mailbox: Mailbox, remote_id: int | None
) -> None:
    Mailbox.objects.filter(pk=mailbox.pk).update(
        status=MailboxStatus.ACTIVE,
        remote_id=str(remote_id or ""),
        quota_mb=new.quota,
        last_error="",
    )
    mailbox.refresh_from_db()
    audit_record(
        actor=actor,
        action="mailbox.create",
        obj=mailbox,
        client=new.service.client,
        data={
            "service": new.service.pk,
            "server": new.server.name,
            "quota_mb": new.quota,
            "resumed": new.resuming is not None,
        },
    )


def _mailbox_remote(mailbox: Mailbox) -> tuple[Server, int]:
    service = mailbox.service
    if (
        service.server is None
        or service.server.kind != ServerKind.PLESK
        or not service.remote_service_id.isdigit()
    ):
        raise MailboxFailed(_("This mailbox's hosting service is not on a Plesk server."))
    return service.server, int(service.remote_service_id)


def _require_created(mailbox: Mailbox) -> None:
    if mailbox.status == MailboxStatus.CREATING:
        raise MailboxFailed(
            _("This mailbox is still being created: create it again with the same name to finish.")
        )


def mailbox_password_change(*, actor: Actor, mailbox: Mailbox, password: str) -> Mailbox:
    """Give the mailbox a new password on Plesk; it is not kept anywhere else."""
    problems = mailbox_password_problems(password=password or "", address=mailbox.address)
    if problems:
        raise MailboxInvalid({"password": problems})
    _require_created(mailbox)
    server, site_id = _mailbox_remote(mailbox)
    try:
        with plesk_client_for(server) as plesk:
            plesk.mail_update(site_id=site_id, name=mailbox.local_part, password=password)
    except PleskInvalidValue as error:
        raise MailboxInvalid(
            {"password": [_("The mail server refused it: %(error)s") % {"error": error.text}]}
        ) from None
    except (PermanentError, TransientError) as error:
        raise _remote_failure(error, server) from error
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="mailbox.change_password",
            obj=mailbox,
            client=mailbox.service.client,
        )
    return mailbox


def mailbox_quota_set(*, actor: Actor, mailbox: Mailbox, quota_mb: int | str | None) -> Mailbox:
    """Set the quota in MB; None removes the mailbox's own limit."""
    quota = _quota_clean(quota_mb)
    _require_created(mailbox)
    server, site_id = _mailbox_remote(mailbox)
    try:
        with plesk_client_for(server) as plesk:
            # Plesk writes -1 for "no limit of its own".
            plesk.mail_update(
                site_id=site_id,
                name=mailbox.local_part,
                quota_bytes=quota * 1024 * 1024 if quota else -1,
            )
    except (PermanentError, TransientError) as error:
        raise _remote_failure(error, server) from error
    with transaction.atomic():
        locked = Mailbox.objects.select_for_update().get(pk=mailbox.pk)
        changes = apply_changes(locked, {"quota_mb": quota})
        if changes:
            locked.save(update_fields=["quota_mb", "updated_at"])
            audit_record(
                actor=actor,
                action="mailbox.set_quota",
                obj=locked,
                client=mailbox.service.client,
                changes=changes,
            )
    return locked


def mailbox_delete(*, actor: Actor, mailbox: Mailbox) -> None:
    """Remove the mailbox from Plesk (with its mail), then here."""
    server, site_id = _mailbox_remote(mailbox)
    try:
        with plesk_client_for(server) as plesk:
            plesk.mail_remove(site_id=site_id, name=mailbox.local_part)
    except PleskObjectNotFound:
        pass  # gone already (or never made by an interrupted create): only ours is left
    except (PermanentError, TransientError) as error:
        raise _remote_failure(error, server) from error
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="mailbox.delete",
            obj=mailbox,
            client=mailbox.service.client,
            data={"address": mailbox.address, "service": mailbox.service_id},
        )
        Mailbox.objects.filter(pk=mailbox.pk).delete()


def mailbox_spam_filter_fix(*, actor: Actor, mailbox: Mailbox) -> Mailbox:
    """Switch the mailbox's spam filter on again and read it back (staff's "fix")."""
    _require_created(mailbox)
    server, _site_id = _mailbox_remote(mailbox)
    with plesk_client_for(server) as plesk:
        reading = _switch_on_and_read_back(plesk, mailbox.address)
    return _record_spam_filter(
        actor=actor, mailbox=mailbox, reading=reading, action="mailbox.spam_filter_fix"
    )


def mailbox_spam_filter_check(
    *, actor: Actor, mailbox: Mailbox, plesk: PleskClient | None = None
) -> Mailbox:
    """Read the filter state from Plesk and record it; a change is drift, reported to staff."""
    server, _site_id = _mailbox_remote(mailbox)
    if plesk is None:
        with plesk_client_for(server) as own:
            return mailbox_spam_filter_check(actor=actor, mailbox=mailbox, plesk=own)
    try:
        enabled = plesk.spamfilter_get(mailbox=mailbox.address)
    except PleskObjectNotFound:
        with transaction.atomic():
            locked = Mailbox.objects.select_for_update().get(pk=mailbox.pk)
            changes = apply_changes(
                locked,
                {"status": MailboxStatus.MISSING, "spam_filter": SpamFilterState.UNKNOWN},
            )
            locked.spam_filter_problem = _("The mail server does not have this mailbox (any more).")
            locked.spam_filter_checked_at = timezone.now()
            locked.save()
            if changes:
                audit_record(
                    actor=actor,
                    action="mailbox.missing",
                    obj=locked,
                    client=mailbox.service.client,
                    changes=changes,
                )
        return locked
    previous = mailbox.spam_filter
    if enabled:
        reading = SpamFilterReading(SpamFilterState.ON, "")
    else:
        when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        reading = SpamFilterReading(
            SpamFilterState.OFF,
            mailbox.spam_filter_problem
            if previous == SpamFilterState.OFF and mailbox.spam_filter_problem
            else _("Found switched off on the server by the check of %(when)s.") % {"when": when},
        )
    if mailbox.status == MailboxStatus.MISSING:
        with transaction.atomic():
            if Mailbox.objects.filter(pk=mailbox.pk, status=MailboxStatus.MISSING).update(
                status=MailboxStatus.ACTIVE
            ):
                audit_record(
                    actor=actor,
                    action="mailbox.found",
                    obj=mailbox,
                    client=mailbox.service.client,
                    changes={"status": [MailboxStatus.MISSING, MailboxStatus.ACTIVE]},
                )
    if previous == reading.state == SpamFilterState.ON:
        Mailbox.objects.filter(pk=mailbox.pk).update(spam_filter_checked_at=timezone.now())
        mailbox.refresh_from_db()
        return mailbox
    return _record_spam_filter(
        actor=actor,
        mailbox=mailbox,
        reading=reading,
        action="mailbox.spam_filter_drift",
        audit_when_off=False,
    )


def mailboxes_spam_filter_check_all(*, actor: Actor) -> dict[str, int]:
    """Check every mailbox's filter, one connection per server; returns counts per state."""
    counts: dict[str, int] = defaultdict(int)
    by_server: dict[int, list[Mailbox]] = defaultdict(list)
    mailboxes = (
        Mailbox.objects.filter(status__in=(MailboxStatus.ACTIVE, MailboxStatus.MISSING))
        .select_related("service", "service__client", "service__server")
        .order_by("service__server_id", "address")
    )
    for mailbox in mailboxes.iterator(chunk_size=500):
        if mailbox.service.server_id is None:
            continue
        by_server[mailbox.service.server_id].append(mailbox)
    for boxes in by_server.values():
        server = boxes[0].service.server
        assert server is not None
        with plesk_client_for(server) as plesk:
            for mailbox in boxes:
                try:
                    checked = mailbox_spam_filter_check(actor=actor, mailbox=mailbox, plesk=plesk)
                except TransientError as error:
                    # The server is down: its other mailboxes wait for the next run.
                    logger.warning("spam filter check on %s stopped: %s", server.name, error)
                    counts["unreachable"] += len(boxes)
                    break
                except (PermanentError, MailboxFailed) as error:
                    logger.warning("spam filter check of %s failed: %s", mailbox.address, error)
                    counts["failed"] += 1
                    continue
                counts[checked.spam_filter] += 1
    return dict(counts)
