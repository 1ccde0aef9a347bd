"""API: mailboxes (R9) and mail filtering (R8). Staff tokens reach everything; client tokens only
their own client's mailboxes and filters (others: 404). Confirming a filter is for staff."""

# No `from __future__ import annotations`: ninja reads the parameter annotations at import time.

from datetime import datetime
from typing import Annotated

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError, ValidationError
from ninja.pagination import paginate
from ninja.responses import Status

from hostwerk.accounts.models import ClientArea
from hostwerk.accounts.request import ApiRequest
from hostwerk.api.auth import TokenAuth, require_staff
from hostwerk.api.errors import field_error
from hostwerk.api.schemas import MailboxId, MailDomain, Pages
from hostwerk.core.text_search import contains
from hostwerk.mail import actions, filtering, queries
from hostwerk.mail.models import (
    Mailbox,
    MailboxStatus,
    MailFilter,
    MailFilterStatus,
    RequestChannel,
    SpamFilterState,
)
from hostwerk.provisioning.models import Service

router = Router(tags=["mail"], auth=TokenAuth(area=ClientArea.TECHNICAL))

# The actions name fields as the web forms do; the API's body names some of them differently.
API_FIELD = {"local_part": "address", "service": "service_id"}


QUOTA = "The mailbox's size in MB; null: the service plan's."


class MailboxIn(Schema):
    service_id: int = Field(description="The hosting service the mailbox is made on.")
    address: str = Field(
        description="The whole address, e.g. info@example.nl (the service's domain)."
    )
    password: str = Field(description="Sent to Plesk only; never stored or returned.")
    quota_mb: int | None = Field(None, description=QUOTA)


class MailboxOut(Schema):
    id: int = Field(description="The mailbox's id.")
    address: str = Field(description="The whole address.")
    spam_filter: SpamFilterState = Field(
        description="The spam filter as read back from Plesk (R9)."
    )
    spam_filter_problem: str = Field(
        description="Why the spam filter could not be switched on or read; empty: no problem."
    )
    spam_filter_checked_at: datetime | None = Field(
        description="When the spam filter was last read back; null: never."
    )
    status: MailboxStatus = Field(description="Whether the mailbox exists on the server.")
    service_id: int = Field(description="The hosting service it is on.")
    quota_mb: int | None = Field(description=QUOTA)


class MailFilterOut(Schema):
    id: int = Field(description="The mail filter's id.")
    domain: str = Field(description="The filtered domain name.")
    status: MailFilterStatus = Field(
        description="Requested, confirmed, active (MX switched) or removed."
    )
    client_id: int = Field(description="The client it belongs to.")
    provider: str = Field(description="The filtering provider's name.")
    request_channel: RequestChannel = Field(description="How the provider was asked.")
    requested_at: datetime | None = Field(description="When the provider was asked.")
    confirmed_at: datetime | None = Field(description="When the provider confirmed it.")
    activated_at: datetime | None = Field(description="When the MX records switched.")
    cancelling: bool = Field(description="Cancelled; the original MX records come back.")
    last_error: str = Field(description="What went wrong last; empty: nothing.")

    @staticmethod
    def resolve_provider(obj: MailFilter) -> str:
        return obj.provider.name


def _invalid(invalid: actions.MailboxInvalid) -> ValidationError:
    return ValidationError(
        [
            {"loc": ["body", API_FIELD.get(field, field)], "msg": message, "type": "invalid"}
            for field, messages in invalid.errors.items()
            for message in messages
        ]
    )


def _mailboxes(request: ApiRequest):
    return queries.mailboxes_visible(client=request.client, is_staff=request.user.is_staff)


def _filters(request: ApiRequest):
    return queries.mail_filters_visible(client=request.client, is_staff=request.user.is_staff)


@router.get("/mailboxes", response=list[MailboxOut], summary="List mailboxes")
@paginate(Pages, page_size=50)
def list_mailboxes(
    request: ApiRequest,
    q: Annotated[str, Query(description="Part of the address; empty: all mailboxes.")] = "",
    spam_filter: Annotated[
        SpamFilterState | None, Query(description="Only mailboxes whose spam filter is so.")
    ] = None,
):
    """Mailboxes. A client token sees its own client's only."""
    mailboxes = _mailboxes(request)
    if q:
        mailboxes = mailboxes.filter(contains("address", q.strip()))
    if spam_filter:
        mailboxes = mailboxes.filter(spam_filter=spam_filter)
    return mailboxes


@router.post("/mailboxes", response={201: MailboxOut}, summary="Create a mailbox")
def create_mailbox(request: ApiRequest, payload: MailboxIn):
    """Create a mailbox on a hosting service with its spam filter switched on and read back.
    `spam_filter` in the answer says what Plesk reported."""
    services = (
        Service.objects.all()
        if request.user.is_staff
        else Service.objects.filter(client=request.client)
    )
    service = get_object_or_404(services, pk=payload.service_id)
    try:
        local_part = actions.mailbox_address_local_part(address=payload.address, service=service)
        mailbox = actions.mailbox_create(
            actor=request.actor,
            service=service,
            local_part=local_part,
            password=payload.password,
            quota_mb=payload.quota_mb,
        )
    except actions.MailboxInvalid as invalid:
        raise _invalid(invalid) from None
    except actions.MailboxFailed as failed:
        raise HttpError(502, failed.message) from None
    return Status(201, mailbox)


@router.get("/mailboxes/{mailbox_id}", response=MailboxOut, summary="Get a mailbox")
def get_mailbox(request: ApiRequest, mailbox_id: MailboxId) -> Mailbox:
    """One mailbox; another client's is a 404."""
    return get_object_or_404(_mailboxes(request), pk=mailbox_id)


@router.get("/mail-filters", response=list[MailFilterOut], summary="List mail filters")
@paginate(Pages, page_size=50)
def list_mail_filters(
    request: ApiRequest,
    status: Annotated[
        MailFilterStatus | None, Query(description="Only mail filters with this status.")
    ] = None,
):
    """Mail filtering per domain. A client token sees its own client's only."""
    filters = _filters(request)
    return filters.filter(status=status) if status else filters


def _mail_filter(request: ApiRequest, domain: str) -> MailFilter:
    mail_filter = queries.mail_filter_for_domain(filters=_filters(request), domain=domain)
    if mail_filter is None:
        raise HttpError(404, "Not Found")
    return mail_filter


@router.get("/mail-filters/{domain}", response=MailFilterOut, summary="Get a mail filter")
def get_mail_filter(request: ApiRequest, domain: MailDomain) -> MailFilter:
    """The domain's mail filtering: the live one, else the last one that was removed."""
    return _mail_filter(request, domain)


class ConfirmIn(Schema):
    anyway: bool = Field(
        False, description="Confirm although the provider's API does not report the domain."
    )
    reason: str = Field("", description="Why, when `anyway` (audited); required then.")


@router.post(
    "/mail-filters/{domain}/confirm", response=MailFilterOut, summary="Confirm a mail filter"
)
def confirm_mail_filter(
    request: ApiRequest, domain: MailDomain, payload: ConfirmIn | None = None
) -> MailFilter:
    """Staff: confirm the filter, so the MX records switch (R8). With an API provider, the
    provider is asked first: when it does not report the domain the answer is 409 with what it
    said, and nothing changes; `{"anyway": true, "reason": "..."}` confirms all the same (the
    reason is audited; without one: 422). When the switch cannot finish (DNS server down), the
    answer has status "confirmed" and `last_error`; it is retried automatically."""
    require_staff(request)
    mail_filter = _mail_filter(request, domain)
    payload = payload or ConfirmIn()
    try:
        if payload.anyway:
            return filtering.mail_filter_confirm_anyway(
                actor=request.actor, mail_filter=mail_filter, reason=payload.reason
            )
        outcome = filtering.mail_filter_confirm_checked(
            actor=request.actor, mail_filter=mail_filter
        )
    except filtering.ConfirmReasonMissing as missing:
        raise field_error("reason", missing.message) from None
    except filtering.MailFilterRefused as refused:
        raise HttpError(409, refused.message) from None
    if not outcome.confirmed:
        raise HttpError(
            409,
            _(
                "Not confirmed; the MX records stay as they are. %(said)s To confirm anyway, send "
                '{"anyway": true, "reason": "..."}.'
            )
            % {"said": outcome.provider_said},
        )
    return outcome.mail_filter
