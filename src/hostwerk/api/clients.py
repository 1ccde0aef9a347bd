"""API: clients. Staff tokens see every client; client tokens only their own."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from hostwerk.accounts.actions import (
    ClientUserInvalid,
    client_create_with_login,
    client_user_create,
    client_user_remove,
    login_link_send,
)
from hostwerk.accounts.forms import ClientCreateForm
from hostwerk.accounts.models import ClientAccess, ClientArea, LoginLinkPurpose, User
from hostwerk.accounts.queries import client_users
from hostwerk.api.auth import require_staff
from hostwerk.api.errors import field_error, form_errors
from hostwerk.api.pagination import Pages
from hostwerk.clients.actions import client_update
from hostwerk.clients.forms import (
    CONTACT_FIELDS,
    ClientContactForm,
    StaffClientForm,
)
from hostwerk.clients.models import Client
from hostwerk.clients.queries import client_search

router = Router(tags=["clients"])


class ClientIn(Schema):
    first_name: str
    last_name: str
    company: str = ""
    email: str
    phone: str = ""
    address1: str = ""
    address2: str = ""
    postcode: str = ""
    city: str = ""
    state: str = ""
    country: str = "NL"
    language: str = "nl"
    vat_number: str = ""
    legal_form: str = ""
    registration_number: str = ""
    # Create the owner's login and e-mail an invitation to choose a password (default: on when
    # the client has an e-mail address).
    invite: bool | None = None


class ClientPatch(Schema):
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    email: str | None = None
    phone: str | None = None
    address1: str | None = None
    address2: str | None = None
    postcode: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    language: str | None = None
    vat_number: str | None = None
    legal_form: str | None = None
    registration_number: str | None = None
    status: str | None = None


class ClientOut(Schema):
    id: int
    number: int
    first_name: str
    last_name: str
    company: str
    email: str
    phone: str
    address1: str
    address2: str
    postcode: str
    city: str
    state: str
    country: str
    language: str
    vat_number: str
    legal_form: str
    registration_number: str
    status: str

    @staticmethod
    def resolve_country(obj: Client) -> str:
        return obj.country.code


def clients_visible(request: HttpRequest):
    if request.user.is_staff:
        return Client.objects.all()
    return Client.objects.filter(pk=request.client.pk if request.client else None)


def client_for_request(request: HttpRequest, client_id: int) -> Client:
    """The client with this id if the token may see it; 404 otherwise."""
    return get_object_or_404(clients_visible(request), pk=client_id)


@router.get("", response=list[ClientOut])
@paginate(Pages, page_size=50)
def list_clients(request: HttpRequest, q: str = ""):
    return client_search(query=q).filter(pk__in=clients_visible(request).values("pk"))


@router.post("", response={201: ClientOut})
def create_client(request: HttpRequest, payload: ClientIn):
    require_staff(request)
    data = payload.dict()
    if data["invite"] is None:
        data["invite"] = bool(data["email"].strip())
    form = ClientCreateForm(data=data)
    if not form.is_valid():
        raise form_errors(form)
    values = dict(form.cleaned_data)
    invite = values.pop("invite")
    return Status(201, client_create_with_login(actor=request.actor, values=values, invite=invite))


@router.get("/{client_id}", response=ClientOut)
def get_client(request: HttpRequest, client_id: int):
    return client_for_request(request, client_id)


@router.patch("/{client_id}", response=ClientOut)
def patch_client(request: HttpRequest, client_id: int, payload: ClientPatch):
    client = client_for_request(request, client_id)
    if ClientArea.BILLING not in request.user.client_areas:
        raise HttpError(
            403, "This login has no billing permission; the client's owner can give it."
        )
    given = payload.dict(exclude_unset=True)
    form_class = StaffClientForm if request.user.is_staff else ClientContactForm
    if "status" in given and not request.user.is_staff:
        raise HttpError(403, "Only staff can change a client's status.")
    fields = form_class.Meta.fields
    data = {name: getattr(client, name) for name in fields}
    data["country"] = client.country.code
    data.update({key: value for key, value in given.items() if value is not None})
    form = form_class(data=data, instance=client)
    if not form.is_valid():
        raise form_errors(form)
    values = {
        name: form.cleaned_data[name]
        for name in fields
        if name in CONTACT_FIELDS or name == "status"
    }
    return client_update(actor=request.actor, client=client, values=values)


# -- logins of a client ----------------------------------------------------------------------


class ClientUserIn(Schema):
    email: str
    permissions: str = ClientAccess.ALL  # owner, all, billing, technical
    invite: bool = True


class ClientUserOut(Schema):
    id: int
    email: str
    permissions: str
    password_set: bool
    last_login: str | None

    @staticmethod
    def resolve_permissions(obj: User) -> str:
        return obj.client_access

    @staticmethod
    def resolve_password_set(obj: User) -> bool:
        return obj.has_usable_password()

    @staticmethod
    def resolve_last_login(obj: User) -> str | None:
        return obj.last_login.isoformat() if obj.last_login else None


def _client_for_logins(request: HttpRequest, client_id: int) -> Client:
    """The client whose logins this token may manage: staff, or the client's owner (else 403)."""
    client = client_for_request(request, client_id)
    if ClientArea.LOGINS not in request.user.client_areas:
        raise HttpError(403, "Only the client's owner manages its logins.")
    return client


@router.get("/{client_id}/users", response=list[ClientUserOut])
@paginate(Pages, page_size=50)
def list_client_users(request: HttpRequest, client_id: int):
    return client_users(client=_client_for_logins(request, client_id))


@router.post("/{client_id}/users", response={201: ClientUserOut})
def create_client_user(request: HttpRequest, client_id: int, payload: ClientUserIn):
    client = _client_for_logins(request, client_id)
    from django import forms as django_forms

    try:
        email = django_forms.EmailField().clean(payload.email)
    except django_forms.ValidationError as invalid:
        raise field_error("email", " ".join(invalid.messages)) from invalid
    try:
        user = client_user_create(
            actor=request.actor,
            client=client,
            email=email,
            access=payload.permissions,
            invite=payload.invite,
        )
    except ClientUserInvalid as refused:
        raise field_error(refused.field or "email", refused.message) from refused
    return Status(201, user)


@router.delete("/{client_id}/users/{user_id}", response={204: None})
def delete_client_user(request: HttpRequest, client_id: int, user_id: int):
    client = _client_for_logins(request, client_id)
    user = get_object_or_404(client_users(client=client), pk=user_id)
    if user.pk == request.user.pk:
        raise HttpError(409, "A login cannot remove itself.")
    try:
        client_user_remove(actor=request.actor, user=user)
    except ClientUserInvalid as refused:
        raise HttpError(409, refused.message) from refused
    return Status(204, None)


@router.post("/{client_id}/users/{user_id}/password-reset", response={202: ClientUserOut})
def send_client_user_password_link(request: HttpRequest, client_id: int, user_id: int):
    """Staff's "send password reset": a reset link, or the invitation again if none was set."""
    require_staff(request)
    client = client_for_request(request, client_id)
    user = get_object_or_404(client_users(client=client), pk=user_id)
    purpose = (
        LoginLinkPurpose.PASSWORD_RESET
        if user.has_usable_password()
        else LoginLinkPurpose.INVITATION
    )
    login_link_send(actor=request.actor, user=user, purpose=purpose)
    return Status(202, user)
