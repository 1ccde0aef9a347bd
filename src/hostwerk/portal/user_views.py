"""Client area: the owner's list of who may log in for the client, with invite and remove."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hostwerk.accounts.actions import ClientUserInvalid, client_user_create, client_user_remove
from hostwerk.accounts.forms import ClientUserForm
from hostwerk.accounts.queries import client_users
from hostwerk.accounts.request import ClientRequest
from hostwerk.portal.decorators import client_required


@client_required
def user_list(request: ClientRequest) -> HttpResponse:
    form = ClientUserForm(request.POST or None, client=request.client)
    if request.method == "POST" and form.is_valid():
        try:
            user = client_user_create(
                actor=request.actor,
                client=request.client,
                email=form.cleaned_data["email"],
                access=form.cleaned_data["permissions"],
                invite=True,
            )
        except ClientUserInvalid as refused:
            form.add_error(refused.field or None, refused.message)
        else:
            messages.success(
                request,
                _("%(email)s is invited: we sent a link to choose a password.")
                % {"email": user.email},
            )
            return redirect("portal:user_list")
    return render(
        request,
        "portal/users.html",
        {"nav": "logins", "form": form, "users": client_users(client=request.client)},
    )


@require_POST
@client_required
def user_remove(request: ClientRequest, user_id: int) -> HttpResponse:
    user = get_object_or_404(client_users(client=request.client), pk=user_id)
    try:
        client_user_remove(actor=request.actor, user=user)
    except ClientUserInvalid as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The login %(email)s is removed.") % {"email": user.email})
    return redirect("portal:user_list")
