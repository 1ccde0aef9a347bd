"""Mailbox pages, one implementation for the staff area and the client area.

Each area describes itself with a MailboxArea (staff/mail_views.py, portal/mail_views.py): which
mailboxes it shows (staff every one, a client only its own, so another client's is a 404), its
templates and URL names, its form for a new mailbox and what its pages show besides the mailbox.
The area's URLs pass it to these views and put them behind its own login check
(`mailbox_urlpatterns`). Every write goes through mail/actions.py with `request.actor`, which the
middleware sets for the area: staff, client, or staff acting as the client.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hostwerk.accounts.request import HostwerkRequest
from hostwerk.core.errors import HostwerkError
from hostwerk.core.pages import paginate
from hostwerk.mail import actions
from hostwerk.mail.forms import MailboxPasswordForm, MailboxQuotaForm, mailbox_form_run
from hostwerk.mail.models import Mailbox
from hostwerk.provisioning.models import Service

Context = dict[str, Any]
View = Callable[..., HttpResponse]


def _no_context(_of: Any) -> Context:
    return {}


@dataclass(frozen=True)
class MailboxArea:
    """What differs between the staff and the client area's mailbox pages."""

    namespace: str  # the URL namespace: "staff" or "portal"
    url_names: Mapping[str, str]  # page ("list", "create", "detail", ...) → URL name
    templates: Mapping[str, str]  # "list", "create", "detail"; "list_rows" for htmx, if any
    # The mailbox with this id as the area may see it; raises Http404 for anything else.
    mailbox_get: Callable[[HttpRequest, int], Mailbox]
    # The list's mailboxes, and what else the list page shows.
    mailbox_rows: Callable[[HttpRequest], tuple[QuerySet[Mailbox], Context]]
    # What every mailbox page shows besides its own content (navigation, tabs).
    page_context: Callable[[HttpRequest], Context]
    # The form for a new mailbox (bound to the POST, if any).
    create_form: Callable[[HttpRequest], forms.Form]
    # The hosting service a valid create form chose; None once it has put the error on the form.
    create_service: Callable[[forms.Form], Service | None]
    # Tells the user that the mailbox is there, and whether its spam filter is on (R9).
    created_message: Callable[[HttpRequest, Mailbox], None]
    # Where a new mailbox leads: "detail" (its page) or "list".
    after_create: str = "detail"
    # Form field for an action's error field where they differ (staff choose a domain).
    create_field_names: Mapping[str, str] | None = None
    # What else the create page shows; asked for only when the page is shown.
    create_context: Callable[[HttpRequest], Context] = _no_context
    detail_context: Callable[[Mailbox], Context] = _no_context
    # How a refused remote call reads here: staff also get Hostwerk's explanation of the code.
    error_message: Callable[[HostwerkError], str] = lambda error: error.message

    def url_name(self, page: str) -> str:
        return f"{self.namespace}:{self.url_names[page]}"

    def to_detail(self, mailbox: Mailbox) -> HttpResponse:
        return redirect(self.url_name("detail"), mailbox_id=mailbox.pk)


def mailbox_list(request: HostwerkRequest, *, area: MailboxArea) -> HttpResponse:
    mailboxes, context = area.mailbox_rows(request)
    page = paginate(request, mailboxes)
    template = (area.templates.get("list_rows") if request.htmx else None) or area.templates["list"]
    return render(request, template, {**area.page_context(request), **context, "page_obj": page})


def mailbox_create(request: HostwerkRequest, *, area: MailboxArea) -> HttpResponse:
    form = area.create_form(request)
    if request.method == "POST" and form.is_valid():
        service = area.create_service(form)
        if service is not None:
            done, mailbox = mailbox_form_run(
                form,
                lambda: actions.mailbox_create(
                    actor=request.actor,
                    service=service,
                    local_part=form.cleaned_data["local_part"],
                    password=form.cleaned_data["password"],
                    quota_mb=form.cleaned_data["quota_mb"],
                ),
                rename=dict(area.create_field_names) if area.create_field_names else None,
            )
            if done:
                area.created_message(request, mailbox)
                if area.after_create == "detail":
                    return area.to_detail(mailbox)
                return redirect(area.url_name(area.after_create))
    return render(
        request,
        area.templates["create"],
        {**area.page_context(request), **area.create_context(request), "form": form},
        status=422 if request.method == "POST" else 200,
    )


def _detail_page(
    request: HostwerkRequest,
    area: MailboxArea,
    mailbox: Mailbox,
    *,
    password_form: forms.Form | None = None,
    quota_form: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        area.templates["detail"],
        {
            **area.page_context(request),
            "mailbox": mailbox,
            "password_form": password_form or MailboxPasswordForm(),
            "quota_form": quota_form or MailboxQuotaForm(initial={"quota_mb": mailbox.quota_mb}),
            **area.detail_context(mailbox),
        },
        status=status,
    )


def mailbox_detail(request: HostwerkRequest, mailbox_id: int, *, area: MailboxArea) -> HttpResponse:
    return _detail_page(request, area, area.mailbox_get(request, mailbox_id))


def mailbox_password(
    request: HostwerkRequest, mailbox_id: int, *, area: MailboxArea
) -> HttpResponse:
    mailbox = area.mailbox_get(request, mailbox_id)
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
            return area.to_detail(mailbox)
    return _detail_page(request, area, mailbox, password_form=form, status=422)


def mailbox_quota(request: HostwerkRequest, mailbox_id: int, *, area: MailboxArea) -> HttpResponse:
    mailbox = area.mailbox_get(request, mailbox_id)
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
            return area.to_detail(mailbox)
    return _detail_page(request, area, mailbox, quota_form=form, status=422)


def mailbox_delete(request: HostwerkRequest, mailbox_id: int, *, area: MailboxArea) -> HttpResponse:
    mailbox = area.mailbox_get(request, mailbox_id)
    try:
        actions.mailbox_delete(actor=request.actor, mailbox=mailbox)
    except HostwerkError as error:
        messages.error(request, area.error_message(error))
        return area.to_detail(mailbox)
    messages.success(
        request, _("Mailbox %(address)s is deleted.") % {"address": mailbox.address_display}
    )
    return redirect(area.url_name("list"))


def mailbox_urlpatterns(
    area: MailboxArea, *, login_required: Callable[[View], View], prefix: str = ""
) -> list[URLPattern]:
    """The area's mailbox URLs under `prefix`, each view behind the area's `login_required`.

    Changes are POST only, refused before the login is looked at (require_POST outermost).
    """
    pages: list[tuple[str, str, View, bool]] = [
        ("list", "", mailbox_list, False),
        ("create", "new/", mailbox_create, False),
        ("detail", "<int:mailbox_id>/", mailbox_detail, False),
        ("password", "<int:mailbox_id>/password/", mailbox_password, True),
        ("quota", "<int:mailbox_id>/quota/", mailbox_quota, True),
        ("delete", "<int:mailbox_id>/delete/", mailbox_delete, True),
    ]
    patterns = []
    for page, route, view, post_only in pages:
        guarded = login_required(view)
        patterns.append(
            path(
                prefix + route,
                require_POST(guarded) if post_only else guarded,
                {"area": area},
                name=area.url_names[page],
            )
        )
    return patterns
