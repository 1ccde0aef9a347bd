"""Mail filtering of a domain (R8): request, confirmation, the MX switch, cancelling, retrying.

The provider's side is in filter_provider.py, the zone's (the MX switch, step by step) in
filter_zone.py; this module holds the filter's states and moves it from one to the next.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hostwerk.clients.models import Client
from hostwerk.core.audit import Actor, audit_record
from hostwerk.core.errors import HostwerkError, PermanentError, TransientError
from hostwerk.dns.models import Zone
from hostwerk.dns.validation import RecordInvalid
from hostwerk.integrations.spamexperts import SpamExpertsDomainNotFound
from hostwerk.mail.filter_provider import provider_client, queue_provider_email
from hostwerk.mail.filter_zone import (
    MailFilterRefused,
    filter_hosts_for,
    filter_zone_for,
    zone_restore_original,
    zone_switch_to_filter,
)
from hostwerk.mail.models import (
    MailFilter,
    MailFilterProvider,
    MailFilterStatus,
    ProviderMode,
    RequestChannel,
)
from hostwerk.mail.mx import MxSetInvalid
from hostwerk.provisioning.remote_errors import remote_error_record

logger = logging.getLogger(__name__)

# A switch or cancel still running after this long belongs to a process that died.
LEASE = timedelta(minutes=10)
# Failed switches are retried by cron after 5, 10, 20 ... minutes, at most every 6 hours.
MAX_RETRY_DELAY = timedelta(hours=6)
DOMAIN_STATUSES_NOT_LIVE = ("pending", "pending_registration")


# Requesting ------------------------------------------------------------------------------------


def is_new_registration(*, domain: str, order_item: Any = None) -> bool:
    """No mail flows to the domain yet: it is registered in the same order, or its registration
    here is not active yet. Then the MX records may switch at once (R8)."""
    if order_item is not None:
        registering = order_item.order.items.filter(kind="domain_register", domain=domain).exclude(
            status="cancelled"
        )
        if registering.exists():
            return True
    Domain = apps.get_model("domains", "Domain")
    return Domain.objects.filter(name=domain, status__in=DOMAIN_STATUSES_NOT_LIVE).exists()


# No savepoint of its own inside the caller's transaction (the accept of its order item): a
# refusal rolls that back too (the savepoint against a concurrent insert stays).
@transaction.atomic(savepoint=False)
def mail_filter_create(
    *,
    actor: Actor,
    provider: MailFilterProvider,
    client: Client,
    domain: str,
    channel: str,
    request_text: str = "",
    order_item: Any = None,
    new_registration: bool = False,
) -> MailFilter:
    """Record a request that was made (API), or make it now (e-mail, sent after commit)."""
    existing = MailFilter.objects.filter(domain=domain).exclude(status=MailFilterStatus.REMOVED)
    if existing.exists():
        raise MailFilterRefused(
            _("%(domain)s already has mail filtering.") % {"domain": domain}, code="exists"
        )
    try:
        with transaction.atomic():
            mail_filter = MailFilter.objects.create(
                domain=domain,
                client=client,
                order_item=order_item,
                provider=provider,
                status=MailFilterStatus.REQUESTED,
                new_registration=new_registration,
                request_channel=channel,
                request_text=request_text,
                requested_at=timezone.now() if channel != RequestChannel.MANUAL else None,
            )
    except IntegrityError:
        # Another accept of an order for the same domain got there first.
        raise MailFilterRefused(
            _("%(domain)s already has mail filtering.") % {"domain": domain}, code="exists"
        ) from None
    if channel == RequestChannel.EMAIL:
        mail_filter.request_text = queue_provider_email(mail_filter, "add")
        mail_filter.save(update_fields=["request_text"])
    audit_record(
        actor=actor,
        action="mail_filter.request",
        obj=mail_filter,
        client=client,
        data={
            "domain": domain,
            "provider": provider.name,
            "channel": channel,
            "new_registration": new_registration,
        },
    )
    return mail_filter


# Confirming and switching ----------------------------------------------------------------------


def _with_relations() -> Any:
    # The filter's audit events name its client; the switch reads its provider.
    return MailFilter.objects.select_related("client", "provider")


def _mark_confirmed(
    *,
    actor: Actor,
    mail_filter: MailFilter,
    confirmation: str,
    override_reason: str,
    fresh: bool,
) -> None:
    """requested -> confirmed with its audit event, in the caller's transaction. `fresh`: the
    caller made the filter in this transaction, so it need not be read back."""
    now = timezone.now()
    values = {
        "status": MailFilterStatus.CONFIRMED,
        "confirmed_at": now,
        "confirmed_by": actor.staff_user,
        "confirmation": (confirmation or _("Marked confirmed by %(who)s.") % {"who": actor.label})[
            :300
        ],
    }
    confirmed = MailFilter.objects.filter(
        pk=mail_filter.pk, status=MailFilterStatus.REQUESTED, cancel_requested_at__isnull=True
    ).update(**values)
    if confirmed and fresh:
        for name, value in values.items():
            setattr(mail_filter, name, value)
    else:
        mail_filter.refresh_from_db(from_queryset=_with_relations())
    if confirmed:
        audit_record(
            actor=actor,
            action="mail_filter.confirm_override" if override_reason else "mail_filter.confirm",
            obj=mail_filter,
            client=mail_filter.client,
            changes={"status": [MailFilterStatus.REQUESTED, MailFilterStatus.CONFIRMED]},
            data={"confirmation": mail_filter.confirmation}
            | (
                {"reason": override_reason, "provider_said": mail_filter.provider_answer}
                if override_reason
                else {}
            ),
        )


def mail_filter_confirm_created(
    *, actor: Actor, mail_filter: MailFilter, confirmation: str
) -> None:
    """Confirm a filter made in the caller's transaction (a new registration: no confirmation
    is awaited, R8), with its audit event; the caller runs `mail_filter_switch` after commit."""
    _mark_confirmed(
        actor=actor,
        mail_filter=mail_filter,
        confirmation=confirmation,
        override_reason="",
        fresh=True,
    )


def mail_filter_confirm(
    *, actor: Actor, mail_filter: MailFilter, confirmation: str = "", override_reason: str = ""
) -> MailFilter:
    """The provider has the domain (its API says so, staff saw its reply, or the domain is new):
    switch the MX.

    Staff screens do not call this directly: they go through `mail_filter_confirm_checked` or,
    with a reason, `mail_filter_confirm_anyway` (R8). Confirming twice is harmless. The switch
    itself may fail (DNS server down): the filter then stays `confirmed` with the error, and
    cron retries it.
    """
    with transaction.atomic():
        _mark_confirmed(
            actor=actor,
            mail_filter=mail_filter,
            confirmation=confirmation,
            override_reason=override_reason,
            fresh=False,
        )
    if mail_filter.status == MailFilterStatus.REMOVED or mail_filter.cancelling:
        raise MailFilterRefused(
            _("Mail filtering for %(domain)s was cancelled.")
            % {"domain": mail_filter.domain_display}
        )
    if mail_filter.status == MailFilterStatus.CONFIRMED:
        return mail_filter_switch(actor=actor, mail_filter=mail_filter)
    return mail_filter


@dataclass(frozen=True)
class ConfirmOutcome:
    mail_filter: MailFilter
    confirmed: bool  # the filter is confirmed (or further); False: nothing changed
    provider_said: str = ""  # what the provider's API answered, when it was asked


class ConfirmReasonMissing(MailFilterRefused):
    """Confirming against the provider's word needs a reason; `field` is the form field."""

    field = "reason"


# A reason for confirming anyway must say something: "ok" does not.
MIN_REASON_LENGTH = 5


def mail_filter_confirm_checked(
    *, actor: Actor, mail_filter: MailFilter, note: str = ""
) -> ConfirmOutcome:
    """Staff's "confirm" (R8). With an API provider, the provider is asked first and the filter
    confirmed only when it reports the domain present; otherwise nothing changes and the
    outcome says what it answered. With an e-mail provider staff's word is the confirmation
    (they read the provider's reply; `note` may say which).
    """
    if mail_filter.status != MailFilterStatus.REQUESTED or mail_filter.cancelling:
        done = mail_filter_confirm(actor=actor, mail_filter=mail_filter)
        return ConfirmOutcome(done, done.status != MailFilterStatus.REQUESTED)
    if not mail_filter.provider.uses_api:
        confirmation = (
            _("Confirmed by %(who)s: %(note)s") % {"who": actor.label, "note": note.strip()}
            if note.strip()
            else ""
        )
        done = mail_filter_confirm(actor=actor, mail_filter=mail_filter, confirmation=confirmation)
        return ConfirmOutcome(done, True)
    present = _ask_presence(actor=actor, mail_filter=mail_filter)
    if present:
        done = mail_filter_confirm(
            actor=actor,
            mail_filter=mail_filter,
            confirmation=_("The provider's API reports the domain present."),
        )
        return ConfirmOutcome(done, True, mail_filter.provider_answer)
    audit_record(
        actor=actor,
        action="mail_filter.confirm_refused",
        obj=mail_filter,
        client=mail_filter.client,
        data={"provider_said": mail_filter.provider_answer},
    )
    return ConfirmOutcome(mail_filter, False, mail_filter.provider_answer)


def mail_filter_confirm_anyway(*, actor: Actor, mail_filter: MailFilter, reason: str) -> MailFilter:
    """Staff confirm although the provider's API does not report the domain (they know better,
    e.g. the provider confirmed by phone). Needs a reason, which is audited with what the
    provider said; the MX records then switch."""
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON_LENGTH:
        raise ConfirmReasonMissing(
            _(
                "Say why the filter is confirmed although the provider does not report the "
                "domain, e.g. “Denit confirmed by phone on 3 March”."
            ),
            code="reason",
        )
    return mail_filter_confirm(
        actor=actor,
        mail_filter=mail_filter,
        confirmation=_("Marked confirmed anyway by %(who)s: %(reason)s")
        % {"who": actor.label, "reason": reason},
        override_reason=reason,
    )


def _claim(mail_filter: MailFilter) -> bool:
    now = timezone.now()
    return bool(
        MailFilter.objects.filter(pk=mail_filter.pk)
        .filter(Q(working_since__isnull=True) | Q(working_since__lt=now - LEASE))
        .update(working_since=now)
    )


def _release(mail_filter: MailFilter) -> None:
    MailFilter.objects.filter(pk=mail_filter.pk).update(working_since=None)


def _record_failure(*, actor: Actor, mail_filter: MailFilter, step: str, error: Exception) -> None:
    message = error.message if isinstance(error, HostwerkError) else str(error)
    with transaction.atomic():
        MailFilter.objects.filter(pk=mail_filter.pk).update(
            last_error=message[:2000],
            last_error_at=timezone.now(),
            last_remote_error=remote_error_record(error),
            attempts=F("attempts") + 1,
        )
        audit_record(
            actor=actor,
            action=f"mail_filter.{step}_failed",
            obj=mail_filter,
            client=mail_filter.client,
            data={"error": message[:2000]},
        )
    mail_filter.refresh_from_db()


def mail_filter_switch(*, actor: Actor, mail_filter: MailFilter) -> MailFilter:
    """Point the domain's MX at the filter, safely (see the module's description).

    Runs for confirmed filters only; idempotent, and safe when another process tries too (the
    second one skips). Errors are recorded on the filter, not raised.
    """
    if not _claim(mail_filter):
        mail_filter.refresh_from_db()
        return mail_filter
    released = False
    try:
        mail_filter.refresh_from_db(from_queryset=_with_relations())
        if mail_filter.status != MailFilterStatus.CONFIRMED or mail_filter.cancelling:
            return mail_filter
        try:
            hosts = filter_hosts_for(mail_filter)
            if not mail_filter.applied_mx:
                applied = [host.as_json() for host in hosts]
                MailFilter.objects.filter(pk=mail_filter.pk).update(applied_mx=applied)
                mail_filter.applied_mx = applied
            zone = filter_zone_for(actor, mail_filter)
            zone_switch_to_filter(actor=actor, zone=zone, mail_filter=mail_filter, hosts=hosts)
        except (HostwerkError, RecordInvalid, MxSetInvalid) as error:
            logger.warning("MX switch of %s stopped: %s", mail_filter.domain, error)
            _record_failure(actor=actor, mail_filter=mail_filter, step="switch", error=error)
            return mail_filter
        with transaction.atomic():
            values = {
                "status": MailFilterStatus.ACTIVE,
                "activated_at": timezone.now(),
                "last_error": "",
                "last_error_at": None,
                "last_remote_error": {},
                "attempts": 0,
                "working_since": None,  # the claim ends with it
            }
            activated = MailFilter.objects.filter(
                pk=mail_filter.pk, status=MailFilterStatus.CONFIRMED
            ).update(**values)
            if activated:
                # Read under the claim above; the switch set applied_mx and original_mx on it.
                released = True
                for name, value in values.items():
                    setattr(mail_filter, name, value)
            else:
                mail_filter.refresh_from_db(from_queryset=_with_relations())
            if activated:
                audit_record(
                    actor=actor,
                    action="mail_filter.activate",
                    obj=mail_filter,
                    client=mail_filter.client,
                    changes={"status": [MailFilterStatus.CONFIRMED, MailFilterStatus.ACTIVE]},
                    data={"mx": mail_filter.applied_mx, "removed": mail_filter.original_mx},
                )
        return mail_filter
    finally:
        if not released:
            _release(mail_filter)


def _provider_said(mail_filter: MailFilter, present: bool | None, error: Exception | None) -> str:
    values = {"provider": mail_filter.provider.name, "domain": mail_filter.domain_display}
    if error is not None:
        message = error.message if isinstance(error, HostwerkError) else str(error)
        return _("%(provider)s could not be asked about %(domain)s: %(error)s") % {
            **values,
            "error": message,
        }
    if present:
        return _("%(provider)s reports %(domain)s present.") % values
    return (
        _(
            "%(provider)s does not report %(domain)s present (domain/exists): it has not set the "
            "domain up, or not yet."
        )
        % values
    )


def _ask_presence(*, actor: Actor, mail_filter: MailFilter) -> bool | None:
    """Ask the provider's API whether it holds the domain; what it said is kept on the filter.
    None: it could not be asked (the failure is recorded, for the retry)."""
    try:
        with provider_client(mail_filter.provider) as client:
            present = client.domain_exists(domain=mail_filter.domain)
    except (PermanentError, TransientError) as error:
        _record_failure(actor=actor, mail_filter=mail_filter, step="check", error=error)
        MailFilter.objects.filter(pk=mail_filter.pk).update(
            last_checked_at=timezone.now(),
            provider_answer=_provider_said(mail_filter, None, error)[:500],
        )
        mail_filter.refresh_from_db()
        return None
    MailFilter.objects.filter(pk=mail_filter.pk).update(
        last_checked_at=timezone.now(),
        provider_answer=_provider_said(mail_filter, present, None)[:500],
        **(
            {"last_error": "", "last_error_at": None, "last_remote_error": {}, "attempts": 0}
            if mail_filter.last_error
            else {}
        ),
    )
    mail_filter.refresh_from_db()
    return present


def mail_filter_check(*, actor: Actor, mail_filter: MailFilter) -> MailFilter:
    """Ask the provider's API whether the requested domain is present; confirm when it is."""
    if mail_filter.status != MailFilterStatus.REQUESTED or not mail_filter.provider.uses_api:
        return mail_filter
    if not _ask_presence(actor=actor, mail_filter=mail_filter):
        return mail_filter
    return mail_filter_confirm(
        actor=actor,
        mail_filter=mail_filter,
        confirmation=_("The provider's API reports the domain present."),
    )


# Cancelling ------------------------------------------------------------------------------------


def mail_filter_cancel(*, actor: Actor, mail_filter: MailFilter) -> MailFilter:
    """Stop filtering the domain: original MX back (safely), then the domain off the provider."""
    with transaction.atomic():
        marked = (
            MailFilter.objects.filter(pk=mail_filter.pk, cancel_requested_at__isnull=True)
            .exclude(status=MailFilterStatus.REMOVED)
            .update(cancel_requested_at=timezone.now())
        )
        mail_filter.refresh_from_db()
        if marked:
            audit_record(
                actor=actor,
                action="mail_filter.cancel",
                obj=mail_filter,
                client=mail_filter.client,
                data={"status": mail_filter.status},
            )
    return mail_filter_cancel_continue(actor=actor, mail_filter=mail_filter)


def mail_filter_cancel_continue(*, actor: Actor, mail_filter: MailFilter) -> MailFilter:
    """Carry out (or resume) a cancel; errors are recorded on the filter for the retry."""
    if not _claim(mail_filter):
        mail_filter.refresh_from_db()
        return mail_filter
    try:
        mail_filter.refresh_from_db()
        if not mail_filter.cancelling:
            return mail_filter
        try:
            # A requested filter never touched the zone; a confirmed one may have half-switched.
            if mail_filter.status != MailFilterStatus.REQUESTED:
                zone = Zone.objects.filter(name=mail_filter.domain).first()
                if zone is not None:
                    zone_restore_original(
                        actor=actor,
                        zone=zone,
                        mail_filter=mail_filter,
                        hosts=filter_hosts_for(mail_filter),
                    )
            provider = mail_filter.provider
            if provider.uses_api:
                try:
                    with provider_client(provider) as client:
                        client.domain_remove(domain=mail_filter.domain)
                except SpamExpertsDomainNotFound:
                    pass  # never added, or removed by an earlier attempt
        except (HostwerkError, RecordInvalid, MxSetInvalid) as error:
            logger.warning("cancelling mail filtering of %s stopped: %s", mail_filter.domain, error)
            _record_failure(actor=actor, mail_filter=mail_filter, step="cancel", error=error)
            return mail_filter
        with transaction.atomic():
            locked = MailFilter.objects.select_for_update().get(pk=mail_filter.pk)
            if locked.status == MailFilterStatus.REMOVED:
                return locked
            before = locked.status
            locked.status = MailFilterStatus.REMOVED
            locked.removed_at = timezone.now()
            locked.last_error, locked.last_error_at, locked.attempts = "", None, 0
            locked.last_remote_error = {}
            if (
                provider.mode == ProviderMode.EMAIL
                and locked.request_channel != RequestChannel.MANUAL
            ):
                locked.removal_text = queue_provider_email(locked, "remove")
            elif provider.uses_api:
                locked.removal_text = (
                    f"GET {provider.api_url.rstrip('/')}/api/domain/remove/domain/"
                    f"{locked.domain}/format/json/ (as {provider.username})"
                )
            locked.save()
            audit_record(
                actor=actor,
                action="mail_filter.remove",
                obj=locked,
                client=locked.client,
                changes={"status": [before, MailFilterStatus.REMOVED]},
                data={"restored_mx": locked.original_mx},
            )
        return locked
    finally:
        _release(mail_filter)


# Retrying (cron) -------------------------------------------------------------------------------


def _due(mail_filter: MailFilter, now) -> bool:
    if not mail_filter.last_error_at or not mail_filter.attempts:
        return True
    delay = min(timedelta(minutes=5) * 2 ** (mail_filter.attempts - 1), MAX_RETRY_DELAY)
    return mail_filter.last_error_at + delay <= now


def mail_filters_progress(*, actor: Actor) -> dict[str, int]:
    """Move every unfinished filter on: ask the API about requested ones, retry switches and
    cancels that stopped. Safe to run often and in parallel."""
    now = timezone.now()
    counts = {"checked": 0, "switched": 0, "removed": 0, "waiting": 0}
    unfinished = (
        MailFilter.objects.exclude(status__in=(MailFilterStatus.REMOVED,))
        .filter(
            Q(status=MailFilterStatus.REQUESTED, provider__mode=ProviderMode.API)
            | Q(status=MailFilterStatus.CONFIRMED)
            | Q(cancel_requested_at__isnull=False)
        )
        .select_related("provider", "client")
        .order_by("pk")
    )
    for mail_filter in unfinished.iterator(chunk_size=200):
        if not _due(mail_filter, now):
            counts["waiting"] += 1
            continue
        if mail_filter.cancelling:
            done = mail_filter_cancel_continue(actor=actor, mail_filter=mail_filter)
            counts["removed"] += done.status == MailFilterStatus.REMOVED
        elif mail_filter.status == MailFilterStatus.REQUESTED:
            done = mail_filter_check(actor=actor, mail_filter=mail_filter)
            counts["checked"] += 1
            counts["switched"] += done.status == MailFilterStatus.ACTIVE
        else:
            done = mail_filter_switch(actor=actor, mail_filter=mail_filter)
            counts["switched"] += done.status == MailFilterStatus.ACTIVE
    return counts
