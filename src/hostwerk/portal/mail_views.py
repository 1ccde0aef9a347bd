"""Client area: the client's mailboxes on their hosting (create, password, quota, delete) and the
state of their mail filtering. Another client's mailbox is a 404.

The pages are mail/views.py's; this module says what the client area shows in them.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hostwerk.accounts.request import ClientRequest
from hostwerk.mail import queries
from hostwerk.mail.forms import MailboxCreateForm
from hostwerk.mail.models import Mailbox, SpamFilterState
from hostwerk.mail.views import Context, MailboxArea
from hostwerk.provisioning.models import Service


def _mailbox_get(request: ClientRequest, mailbox_id: int) -> Mailbox:
    return queries.mailbox_get_for_client(client=request.client, mailbox_id=mailbox_id)


def _mailbox_rows(request: ClientRequest) -> tuple[QuerySet[Mailbox], Context]:
    return queries.mailboxes_for_client(client=request.client), {
        "can_create": queries.mail_services_for_client(client=request.client).exists(),
        "mail_filters": queries.mail_filters_for_client(client=request.client)[:20],
    }


def _page_context(request: ClientRequest) -> Context:
    return {"nav": "mail"}


def _create_form(request: ClientRequest) -> forms.Form:
    services = queries.mail_services_for_client(client=request.client)
    return MailboxCreateForm(request.POST or None, services=services)


def _create_context(request: ClientRequest) -> Context:
    return {"has_services": queries.mail_services_for_client(client=request.client).exists()}


def _create_service(form: forms.Form) -> Service:
    return form.cleaned_data["service"]


def _created_message(request: ClientRequest, mailbox: Mailbox) -> None:
    if mailbox.spam_filter == SpamFilterState.ON:
        messages.success(
            request,
            _("Mailbox %(address)s is ready, with spam filtering on.")
            % {"address": mailbox.address_display},
        )
    else:
        messages.warning(
            request,
            _(
                "Mailbox %(address)s is ready, but its spam filter could not be switched on yet. "
                "We have been told and will fix it."
            )
            % {"address": mailbox.address_display},
        )


CLIENT_MAILBOXES = MailboxArea(
    namespace="portal",
    url_names={
        page: f"mailbox_{page}"
        for page in ("list", "create", "detail", "password", "quota", "delete")
    },
    templates={
        "list": "portal/mail/list.html",
        "create": "portal/mail/create.html",
        "detail": "portal/mail/detail.html",
    },
    mailbox_get=_mailbox_get,
    mailbox_rows=_mailbox_rows,
    page_context=_page_context,
    create_form=_create_form,
    create_context=_create_context,
    create_service=_create_service,
    created_message=_created_message,
    after_create="list",
)
