"""Staff area: mail filtering requests (confirm, retry, cancel), every mailbox with its spam
filter (fix), and the filtering providers. The mailbox pages are mail/views.py's, shown as
STAFF_MAILBOXES says."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hostwerk.accounts.request import StaffRequest
from hostwerk.core.domain_names import DomainNameError, parse_domain_name
from hostwerk.core.errors import HostwerkError
from hostwerk.core.pages import paginate
from hostwerk.dns.models import Zone
from hostwerk.mail import actions, filter_provider, filtering, providers, queries
from hostwerk.mail.forms import (
    ConfirmAnywayForm,
    ConfirmNoteForm,
    MailboxSearchForm,
    MailFilterSearchForm,
    ProviderForm,
    StaffMailboxCreateForm,
    errors_beside_fields,
)
from hostwerk.mail.models import Mailbox, MailFilter, MailFilterStatus, SpamFilterState
from hostwerk.mail.views import Context, MailboxArea
from hostwerk.provisioning.models import Service
from hostwerk.provisioning.remote_errors import remote_error_explain, remote_error_message
from hostwerk.staff.bulk_views import MAILBOX_BULK_ACTIONS
from hostwerk.staff.decorators import staff_required


def _tabs(active: str) -> dict:
    return {
        "nav": "mail",
        "tab": active,
        "filter_counts": queries.mail_filter_counts(),
        "mailbox_counts": queries.mailbox_counts(),
    }


# Mail filters ----------------------------------------------------------------------------------


@staff_required
def mail_overview(request: StaffRequest) -> HttpResponse:
    search = MailFilterSearchForm(request.GET)
    values = search.cleaned_data if search.is_valid() else {}
    status, query = values.get("status", ""), values.get("q", "")
    page = paginate(request, queries.mail_filter_search(status=status, query=query))
    context = {
        **_tabs("filters"),
        "search": search,
        "status": status,
        "query": query,
        "page_obj": page,
    }
    template = "staff/mail/_filter_table.html" if request.htmx else "staff/mail/filter_list.html"
    return render(request, template, context)


def _filter_page(
    request: StaffRequest, mail_filter: MailFilter, *, anyway_form=None, status: int = 200
) -> HttpResponse:
    zone = Zone.objects.filter(name=mail_filter.domain).first()
    hosts = filter_provider.planned_hosts(mail_filter)
    return render(
        request,
        "staff/mail/filter_detail.html",
        {
            **_tabs("filters"),
            "mail_filter": mail_filter,
            "explained": remote_error_explain(mail_filter.last_remote_error),
            "zone": zone,
            "hosts": hosts,
            "destination": filter_provider.delivery_destination(mail_filter.domain),
            "events": queries.mail_filter_audit_trail(mail_filter=mail_filter)[:30],
            "note_form": ConfirmNoteForm(),
            "anyway_form": anyway_form or ConfirmAnywayForm(),
            "anyway_open": anyway_form is not None,
        },
        status=status,
    )


@staff_required
def mail_filter_detail(request: StaffRequest, mail_filter_id: int) -> HttpResponse:
    return _filter_page(request, queries.mail_filter_get(mail_filter_id=mail_filter_id))


def _back(request: StaffRequest, mail_filter: MailFilter) -> HttpResponse:
    if request.POST.get("next") == "list":
        return redirect("staff:mail_overview")
    return redirect("staff:mail_filter_detail", mail_filter_id=mail_filter.pk)


def _report(request: StaffRequest, mail_filter: MailFilter, success: str) -> None:
    if mail_filter.last_error:
        messages.warning(
            request,
            _("%(done)s It did not finish: %(error)s It is retried automatically.")
            % {"done": success, "error": mail_filter.last_error},
        )
    else:
        messages.success(request, success)


def _confirmed_message(request: StaffRequest, mail_filter: MailFilter) -> None:
    if mail_filter.status == MailFilterStatus.ACTIVE:
        messages.success(
            request,
            _("%(domain)s is confirmed and its MX records now point at the filter.")
            % {"domain": mail_filter.domain_display},
        )
    else:
        _report(
            request,
            mail_filter,
            _("%(domain)s is confirmed.") % {"domain": mail_filter.domain_display},
        )


@require_POST
@staff_required
def mail_filter_confirm(request: StaffRequest, mail_filter_id: int) -> HttpResponse:
    """Confirm (R8): an API provider is asked first; "confirm anyway" needs a reason."""
    mail_filter = queries.mail_filter_get(mail_filter_id=mail_filter_id)
    detail = redirect("staff:mail_filter_detail", mail_filter_id=mail_filter.pk)
    if request.POST.get("anyway") == "1":
        form = ConfirmAnywayForm(request.POST)
        if not form.is_valid():
            return _filter_page(request, mail_filter, anyway_form=form, status=422)
        try:
            mail_filter = filtering.mail_filter_confirm_anyway(
                actor=request.actor, mail_filter=mail_filter, reason=form.cleaned_data["reason"]
            )
        except filtering.ConfirmReasonMissing as missing:
            form.add_error("reason", missing.message)
            return _filter_page(request, mail_filter, anyway_form=form, status=422)
        except HostwerkError as error:
            messages.error(request, remote_error_message(error))
            return detail
        _confirmed_message(request, mail_filter)
        return detail
    note = ConfirmNoteForm(request.POST)
    try:
        outcome = filtering.mail_filter_confirm_checked(
            actor=request.actor,
            mail_filter=mail_filter,
            note=note.cleaned_data["note"] if note.is_valid() else "",
        )
    except HostwerkError as error:
        messages.error(request, remote_error_message(error))
        return detail
    if outcome.confirmed:
        _confirmed_message(request, outcome.mail_filter)
    else:
        messages.warning(
            request,
            _(
                "Not confirmed; the MX records stay as they are. %(said)s If you know the "
                "provider has the domain, use “Mark confirmed anyway”."
            )
            % {"said": outcome.provider_said},
        )
    return detail


@require_POST
@staff_required
def mail_filter_retry(request: StaffRequest, mail_filter_id: int) -> HttpResponse:
    """Carry on now with what waits: the provider check, the MX switch, or the cancel."""
    mail_filter = queries.mail_filter_get(mail_filter_id=mail_filter_id)
    if mail_filter.cancelling:
        mail_filter = filtering.mail_filter_cancel_continue(
            actor=request.actor, mail_filter=mail_filter
        )
    elif mail_filter.status == MailFilterStatus.REQUESTED:
        mail_filter = filtering.mail_filter_check(actor=request.actor, mail_filter=mail_filter)
    else:
        mail_filter = filtering.mail_filter_switch(actor=request.actor, mail_filter=mail_filter)
    _report(
        request,
        mail_filter,
        _("Tried again; the status is now “%(status)s”.")
        % {"status": mail_filter.get_status_display()},
    )
    return _back(request, mail_filter)


@require_POST
@staff_required
def mail_filter_cancel(request: StaffRequest, mail_filter_id: int) -> HttpResponse:
    mail_filter = queries.mail_filter_get(mail_filter_id=mail_filter_id)
    mail_filter = filtering.mail_filter_cancel(actor=request.actor, mail_filter=mail_filter)
    if mail_filter.status == MailFilterStatus.REMOVED:
        messages.success(
            request,
            _("Mail filtering for %(domain)s is cancelled; the original MX records are back.")
            % {"domain": mail_filter.domain_display},
        )
    else:
        _report(request, mail_filter, _("Cancelling started."))
    return _back(request, mail_filter)


# Mailboxes -------------------------------------------------------------------------------------


def _mailbox_get(request: StaffRequest, mailbox_id: int) -> Mailbox:
    return queries.mailbox_get(mailbox_id=mailbox_id)


def _mailbox_rows(request: StaffRequest) -> tuple[QuerySet[Mailbox], Context]:
    search = MailboxSearchForm(request.GET)
    values = search.cleaned_data if search.is_valid() else {}
    query, spam_filter = values.get("q", ""), values.get("spam_filter", "")
    return queries.mailbox_search(query=query, spam_filter=spam_filter), {
        "search": search,
        "query": query,
        "spam_filter": spam_filter,
        "bulk_actions": MAILBOX_BULK_ACTIONS,
    }


def _create_form(request: StaffRequest) -> forms.Form:
    initial = {"domain": request.GET.get("domain", "")}
    return StaffMailboxCreateForm(request.POST or None, initial=initial)


def _create_service(form: forms.Form) -> Service | None:
    service = _service_by_domain(form.cleaned_data["domain"])
    if service is None:
        form.add_error(
            "domain", _("There is no active hosting service on a Plesk server for this domain.")
        )
    return service


def _service_by_domain(text: str) -> Service | None:
    try:
        domain = parse_domain_name(text.strip().rstrip(".")).ascii
    except DomainNameError:
        return None
    return queries.mail_services_for_client(client=None).filter(domain=domain).first()


def _mailbox_created_message(request: StaffRequest, mailbox: Mailbox) -> None:
    if mailbox.spam_filter == SpamFilterState.ON:
        messages.success(
            request,
            _("Mailbox %(address)s is created, with spam filtering on.")
            % {"address": mailbox.address_display},
        )
    else:
        messages.warning(
            request,
            _("Mailbox %(address)s is created, but its spam filter is not on: %(problem)s")
            % {"address": mailbox.address_display, "problem": mailbox.spam_filter_problem},
        )


def _detail_context(mailbox: Mailbox) -> Context:
    return {"events": queries.mailbox_audit_trail(mailbox=mailbox)[:30]}


# Every mailbox, with the mail tabs; the pages themselves are mail/views.py's.
STAFF_MAILBOXES = MailboxArea(
    namespace="staff",
    url_names={
        page: f"mail_mailbox_{page}"
        for page in ("list", "create", "detail", "password", "quota", "delete")
    },
    templates={
        "list": "staff/mail/mailbox_list.html",
        "list_rows": "staff/mail/_mailbox_table.html",
        "create": "staff/mail/mailbox_create.html",
        "detail": "staff/mail/mailbox_detail.html",
    },
    mailbox_get=_mailbox_get,
    mailbox_rows=_mailbox_rows,
    page_context=lambda request: _tabs("mailboxes"),
    create_form=_create_form,
    error_message=remote_error_message,
    create_service=_create_service,
    created_message=_mailbox_created_message,
    create_field_names={"service": "domain"},
    detail_context=_detail_context,
)


@require_POST
@staff_required
def mail_mailbox_fix(request: StaffRequest, mailbox_id: int) -> HttpResponse:
    mailbox = queries.mailbox_get(mailbox_id=mailbox_id)
    try:
        mailbox = actions.mailbox_spam_filter_fix(actor=request.actor, mailbox=mailbox)
    except HostwerkError as error:
        messages.error(request, remote_error_message(error))
    else:
        if mailbox.spam_filter == SpamFilterState.ON:
            messages.success(
                request,
                _("The spam filter of %(address)s is on.") % {"address": mailbox.address_display},
            )
        else:
            messages.error(
                request,
                _("The spam filter of %(address)s is still not on: %(problem)s")
                % {"address": mailbox.address_display, "problem": mailbox.spam_filter_problem},
            )
    if request.POST.get("next") == "list":
        return redirect("staff:mail_mailbox_list")
    return redirect("staff:mail_mailbox_detail", mailbox_id=mailbox.pk)


@require_POST
@staff_required
def mail_mailbox_check(request: StaffRequest, mailbox_id: int) -> HttpResponse:
    mailbox = queries.mailbox_get(mailbox_id=mailbox_id)
    try:
        mailbox = actions.mailbox_spam_filter_check(actor=request.actor, mailbox=mailbox)
    except HostwerkError as error:
        messages.error(request, remote_error_message(error))
    else:
        messages.info(
            request,
            _("Checked: the spam filter is %(state)s.")
            % {"state": mailbox.get_spam_filter_display()},
        )
    return redirect("staff:mail_mailbox_detail", mailbox_id=mailbox.pk)


# Providers -------------------------------------------------------------------------------------


@staff_required
def mail_provider_list(request: StaffRequest) -> HttpResponse:
    return render(
        request,
        "staff/mail/provider_list.html",
        {**_tabs("providers"), "providers": queries.providers_list()},
    )


def _provider_form_page(request: StaffRequest, provider=None) -> HttpResponse:
    if provider is not None:
        initial = {field: getattr(provider, field) for field in providers.PROVIDER_FIELDS} | {
            "products": list(provider.products.all())
        }
    else:
        from hostwerk.mail.models import default_language, default_mx_addresses, default_mx_hosts

        initial = {
            "mode": "api",
            "verify_tls": True,
            "active": True,
            "language": default_language(),
            "mx_hosts": default_mx_hosts(),
            "mx_addresses": default_mx_addresses(),
        }
    form = ProviderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        products = list(values.pop("products"))
        password = values.pop("password")
        try:
            saved = providers.provider_save(
                actor=request.actor,
                values=values,
                products=products,
                password=password,
                provider=provider,
            )
        except providers.ProviderInvalid as invalid:
            errors_beside_fields(form, invalid.errors)
        else:
            messages.success(request, _("Provider %(name)s is saved.") % {"name": saved.name})
            return redirect("staff:mail_provider_list")
    return render(
        request,
        "staff/mail/provider_form.html",
        {**_tabs("providers"), "form": form, "provider": provider},
        status=422 if request.method == "POST" else 200,
    )


@staff_required
def mail_provider_create(request: StaffRequest) -> HttpResponse:
    return _provider_form_page(request)


@staff_required
def mail_provider_edit(request: StaffRequest, provider_id: int) -> HttpResponse:
    return _provider_form_page(request, queries.provider_get(provider_id=provider_id))
