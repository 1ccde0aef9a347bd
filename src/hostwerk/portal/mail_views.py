"""Client area: the client's mailboxes on their hosting (create, password, quota, delete) and the
state of their mail filtering. Another client's mailbox is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hostwerk.core.errors import HostwerkError
from hostwerk.core.pages import paginate
from hostwerk.mail import actions, queries
from hostwerk.mail.forms import (
    MailboxCreateForm,
    MailboxPasswordForm,
    MailboxQuotaForm,
    mailbox_form_run,
)
from hostwerk.mail.models import Mailbox, SpamFilterState
from hostwerk.portal.decorators import client_required


@client_required
def mailbox_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, queries.mailboxes_for_client(client=request.client))
    return render(
        request,
        "portal/mail/list.html",
        {
            "nav": "mail",
            "page_obj": page,
            "can_create": queries.mail_services_for_client(client=request.client).exists(),
            "mail_filters": queries.mail_filters_for_client(client=request.client)[:20],
        },
    )


@client_required
def mailbox_create(request: HttpRequest) -> HttpResponse:
    services = queries.mail_services_for_client(client=request.client)
    form = MailboxCreateForm(request.POST or None, services=services)
    if request.method == "POST" and form.is_valid():
        done, mailbox = mailbox_form_run(
            form,
            lambda: actions.mailbox_create(
                actor=request.actor,
                service=form.cleaned_data["service"],
                local_part=form.cleaned_data["local_part"],
                password=form.cleaned_data["password"],
                quota_mb=form.cleaned_data["quota_mb"],
            ),
        )
        if done:
            _created_message(request, mailbox)
            return redirect("portal:mailbox_list")
    return render(
        request,
        "portal/mail/create.html",
        {"nav": "mail", "form": form, "has_services": services.exists()},
        status=422 if request.method == "POST" else 200,
    )


def _created_message(request: HttpRequest, mailbox: Mailbox) -> None:
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


def _detail_page(request, mailbox, *, password_form=None, quota_form=None, status=200):
    return render(
        request,
        "portal/mail/detail.html",
        {
            "nav": "mail",
            "mailbox": mailbox,
            "password_form": password_form or MailboxPasswordForm(),
            "quota_form": quota_form or MailboxQuotaForm(initial={"quota_mb": mailbox.quota_mb}),
        },
        status=status,
    )


@client_required
def mailbox_detail(request: HttpRequest, mailbox_id: int) -> HttpResponse:
    mailbox = queries.mailbox_get_for_client(client=request.client, mailbox_id=mailbox_id)
    return _detail_page(request, mailbox)


@require_POST
@client_required
def mailbox_password(request: HttpRequest, mailbox_id: int) -> HttpResponse:
    mailbox = queries.mailbox_get_for_client(client=request.client, mailbox_id=mailbox_id)
    form = MailboxPasswordForm(request.POST)
    if form.is_valid():
        done, _result = mailbox_form_run(
            form,
            lambda: actions.mailbox_password_change(
                actor=request.actor, mailbox=mailbox, password=form.cleaned_data["password"]
            ),
        )
        if done:
            messages.success(request, _("The password is changed."))
            return redirect("portal:mailbox_detail", mailbox_id=mailbox.pk)
    return _detail_page(request, mailbox, password_form=form, status=422)


@require_POST
@client_required
def mailbox_quota(request: HttpRequest, mailbox_id: int) -> HttpResponse:
    mailbox = queries.mailbox_get_for_client(client=request.client, mailbox_id=mailbox_id)
    form = MailboxQuotaForm(request.POST)
    if form.is_valid():
        done, _result = mailbox_form_run(
            form,
            lambda: actions.mailbox_quota_set(
                actor=request.actor, mailbox=mailbox, quota_mb=form.cleaned_data["quota_mb"]
            ),
        )
        if done:
            messages.success(request, _("The quota is changed."))
            return redirect("portal:mailbox_detail", mailbox_id=mailbox.pk)
    return _detail_page(request, mailbox, quota_form=form, status=422)


@require_POST
@client_required
def mailbox_delete(request: HttpRequest, mailbox_id: int) -> HttpResponse:
    mailbox = queries.mailbox_get_for_client(client=request.client, mailbox_id=mailbox_id)
    try:
        actions.mailbox_delete(actor=request.actor, mailbox=mailbox)
    except HostwerkError as error:
        messages.error(request, error.message)
        return redirect("portal:mailbox_detail", mailbox_id=mailbox.pk)
    messages.success(
        request, _("Mailbox %(address)s is deleted.") % {"address": mailbox.address_display}
    )
    return redirect("portal:mailbox_list")
