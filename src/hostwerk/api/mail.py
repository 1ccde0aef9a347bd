"""API: mailboxes (R9) and mail filtering (R8). Staff tokens reach everything; client tokens only
their own client's mailboxes and filters (others: 404). Confirming a filter is for staff."""

# No `from __future__ import annotations`: ninja reads the parameter annotations at import time.

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError, ValidationError
from ninja.pagination import paginate
from ninja.responses import Status

from hostwerk.accounts.models import ClientArea
from hostwerk.api.auth import TokenAuth, require_staff
from hostwerk.api.errors import field_error
from hostwerk.api.schemas import Pages
from hostwerk.mail import actions, filtering, queries
from hostwerk.mail.models import Mailbox, MailFilter
from hostwerk.provisioning.models import Service

router = Router(tags=["mail"], auth=TokenAuth(area=ClientArea.TECHNICAL))

# The actions name fields as the web forms do; the API's body names some of them differently.
API_FIELD = {"local_part": "address", "service": "service_id"}


class MailboxIn(Schema):
    service_id: int
    address: str  # the whole address, e.g. info@example.nl (the service's domain)
    password: str  # sent to Plesk only; never stored or returned
    quota_mb: int | None = None


class MailboxOut(Schema):
    id: int
    address: str
    spam_filter: str  # on, off or unknown (R9: read back from Plesk)
    spam_filter_problem: str
    spam_filter_checked_at: datetime | None
    status: str
    service_id: int
    quota_mb: int | None


class MailFilterOut(Schema):
    id: int
    domain: str
    status: str  # requested, confirmed, active (MX switched) or removed
    client_id: int
    provider: str
    request_channel: str
    requested_at: datetime | None
    confirmed_at: datetime | None
    activated_at: datetime | None
    cancelling: bool
    last_error: str

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


def _mailboxes(request: HttpRequest):
    return queries.mailboxes_visible(client=request.client, is_staff=request.user.is_staff)


def _filters(request: HttpRequest):
    return queries.mail_filters_visible(client=request.client, is_staff=request.user.is_staff)


@router.get("/mailboxes", response=list[MailboxOut])
@paginate(Pages, page_size=50)
def list_mailboxes(request: HttpRequest, q: str = "", spam_filter: str = ""):
    mailboxes = _mailboxes(request)
    if q:
        mailboxes = mailboxes.filter(address__icontains=q.strip().lower())
    if spam_filter:
        mailboxes = mailboxes.filter(spam_filter=spam_filter)
    return mailboxes


@router.post("/mailboxes", response={201: MailboxOut})
def create_mailbox(request: HttpRequest, payload: MailboxIn):
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


@router.get("/mailboxes/{mailbox_id}", response=MailboxOut)
def get_mailbox(request: HttpRequest, mailbox_id: int) -> Mailbox:
    return get_object_or_404(_mailboxes(request), pk=mailbox_id)


@router.get("/mail-filters", response=list[MailFilterOut])
@paginate(Pages, page_size=50)
def list_mail_filters(request: HttpRequest, status: str = ""):
    filters = _filters(request)
    return filters.filter(status=status) if status else filters


def _mail_filter(request: HttpRequest, domain: str) -> MailFilter:
    mail_filter = queries.mail_filter_for_domain(filters=_filters(request), domain=domain)
    if mail_filter is None:
        raise HttpError(404, "Not Found")
    return mail_filter


@router.get("/mail-filters/{domain}", response=MailFilterOut)
def get_mail_filter(request: HttpRequest, domain: str) -> MailFilter:
    """The domain's mail filtering: the live one, else the last one that was removed."""
    return _mail_filter(request, domain)


class ConfirmIn(Schema):
    anyway: bool = False  # confirm although the provider's API does not report the domain
    reason: str = ""  # why, when `anyway` (audited)


@router.post("/mail-filters/{domain}/confirm", response=MailFilterOut)
def confirm_mail_filter(
    request: HttpRequest, domain: str, payload: ConfirmIn | None = None
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
