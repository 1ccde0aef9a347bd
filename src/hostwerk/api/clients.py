"""API: clients. Staff tokens see every client; client tokens only their own."""

# No `from __future__ import annotations`: ninja reads the parameter annotations at import time.

from typing import TYPE_CHECKING, Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
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
from hostwerk.accounts.request import ApiRequest
from hostwerk.api.auth import require_staff
from hostwerk.api.errors import field_error, form_errors
from hostwerk.api.schemas import ClientId, Pages, SearchQuery, UserId, blank_or
from hostwerk.clients.actions import client_update
from hostwerk.clients.forms import (
    CONTACT_FIELDS,
    ClientContactForm,
    StaffClientForm,
)
from hostwerk.clients.models import Client, ClientStatus, LegalForm
from hostwerk.clients.queries import client_search

router = Router(tags=["clients"])


# The fields of a client, described once for input and output.
D = {
    "first_name": "First name of the contact person.",
    "last_name": "Last name of the contact person.",
    "company": "Company name; empty for a private person.",
    "email": "E-mail address invoices and notices go to.",
    "phone": "Phone number; stored as +31201234567.",
    "address1": "Street and number.",
    "address2": "Second address line.",
    "postcode": "Postcode.",
    "city": "City.",
    "state": "Province or state.",
    "country": "Country as an ISO 3166 code, e.g. NL.",
    "language": "Language of e-mails and documents: nl or en.",
    "vat_number": "EU VAT number, e.g. NL123456789B01; businesses only.",
    "legal_form": "Legal form as SIDN knows it; empty: not given.",
    "registration_number": "Chamber of Commerce (KvK) number.",
    "status": "Whether the client may order and log in.",
}
Language = Literal["nl", "en"]
# blank_or builds its Literal at run time; the type checker sees the plain strings they are.
if TYPE_CHECKING:
    LegalFormOrBlank = str
else:
    LegalFormOrBlank = blank_or(LegalForm)


class ClientIn(Schema):
    first_name: str = Field(description=D["first_name"])
    last_name: str = Field(description=D["last_name"])
    company: str = Field("", description=D["company"])
    email: str = Field(description=D["email"])
    phone: str = Field("", description=D["phone"])
    address1: str = Field("", description=D["address1"])
    address2: str = Field("", description=D["address2"])
    postcode: str = Field("", description=D["postcode"])
    city: str = Field("", description=D["city"])
    state: str = Field("", description=D["state"])
    country: str = Field("NL", description=D["country"])
    language: Language = Field("nl", description=D["language"])
    vat_number: str = Field("", description=D["vat_number"])
    legal_form: LegalFormOrBlank = Field("", description=D["legal_form"])
    registration_number: str = Field("", description=D["registration_number"])
    invite: bool | None = Field(
        None,
        description="Create the owner's login and e-mail an invitation to choose a password "
        "(default: on when the client has an e-mail address).",
    )


class ClientPatch(Schema):
    """Only the fields given are changed."""

    first_name: str | None = Field(None, description=D["first_name"])
    last_name: str | None = Field(None, description=D["last_name"])
    company: str | None = Field(None, description=D["company"])
    email: str | None = Field(None, description=D["email"])
    phone: str | None = Field(None, description=D["phone"])
    address1: str | None = Field(None, description=D["address1"])
    address2: str | None = Field(None, description=D["address2"])
    postcode: str | None = Field(None, description=D["postcode"])
    city: str | None = Field(None, description=D["city"])
    state: str | None = Field(None, description=D["state"])
    country: str | None = Field(None, description=D["country"])
    language: Language | None = Field(None, description=D["language"])
    vat_number: str | None = Field(None, description=D["vat_number"])
    legal_form: LegalFormOrBlank | None = Field(None, description=D["legal_form"])
    registration_number: str | None = Field(None, description=D["registration_number"])
    status: ClientStatus | None = Field(None, description=D["status"] + " Staff only.")


class ClientOut(Schema):
    id: int = Field(description="The client's id; `client_id` elsewhere.")
    number: int = Field(description="The client number staff and the client see.")
    first_name: str = Field(description=D["first_name"])
    last_name: str = Field(description=D["last_name"])
    company: str = Field(description=D["company"])
    email: str = Field(description=D["email"])
    phone: str = Field(description=D["phone"])
    address1: str = Field(description=D["address1"])
    address2: str = Field(description=D["address2"])
    postcode: str = Field(description=D["postcode"])
    city: str = Field(description=D["city"])
    state: str = Field(description=D["state"])
    country: str = Field(description=D["country"])
    language: str = Field(description=D["language"])
    vat_number: str = Field(description=D["vat_number"])
    legal_form: LegalFormOrBlank = Field(description=D["legal_form"])
    registration_number: str = Field(description=D["registration_number"])
    status: ClientStatus = Field(description=D["status"])

    @staticmethod
    def resolve_country(obj: Client) -> str:
        return obj.country.code


def clients_visible(request: ApiRequest):
    if request.user.is_staff:
        return Client.objects.all()
    if request.client is None:
        return Client.objects.none()
    return Client.objects.filter(pk=request.client.pk)


def client_for_request(request: ApiRequest, client_id: int) -> Client:
    """The client with this id if the token may see it; 404 otherwise."""
    return get_object_or_404(clients_visible(request), pk=client_id)


@router.get("", response=list[ClientOut], summary="List clients")
@paginate(Pages, page_size=50)
def list_clients(request: ApiRequest, q: SearchQuery = ""):
    """Clients matching `q` (number, name, company, e-mail). A client token sees only its own
    client."""
    clients = client_search(query=q)
    if request.user.is_staff:
        return clients  # every client: no `pk IN (every key)` for the count to join
    return clients.filter(pk__in=clients_visible(request).values("pk"))


@router.post("", response={201: ClientOut}, summary="Create a client")
def create_client(request: ApiRequest, payload: ClientIn):
    """Staff: create a client with its owner login; with `invite` the owner gets an e-mail to
    choose a password. Bad input: 422 naming the field."""
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


@router.get("/{client_id}", response=ClientOut, summary="Get a client")
def get_client(request: ApiRequest, client_id: ClientId):
    """One client; another client's is a 404 for a client token."""
    return client_for_request(request, client_id)


@router.patch("/{client_id}", response=ClientOut, summary="Change a client")
def patch_client(request: ApiRequest, client_id: ClientId, payload: ClientPatch):
    """Change the fields given. Client logins need the billing permission and change contact
    details only; `status` is for staff."""
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
    email: str = Field(description="The login's e-mail address; it logs in with it.")
    permissions: ClientAccess = Field(ClientAccess.ALL, description="What the login may do.")
    invite: bool = Field(True, description="E-mail an invitation to choose a password.")


class ClientUserOut(Schema):
    id: int = Field(description="The login's id.")
    email: str = Field(description="The login's e-mail address.")
    permissions: ClientAccess = Field(description="What the login may do.")
    password_set: bool = Field(description="The login has chosen a password.")
    last_login: str | None = Field(description="When it last logged in (ISO 8601); null: never.")

    @staticmethod
    def resolve_permissions(obj: User) -> str:
        return obj.client_access

    @staticmethod
    def resolve_password_set(obj: User) -> bool:
        return obj.has_usable_password()

    @staticmethod
    def resolve_last_login(obj: User) -> str | None:
        return obj.last_login.isoformat() if obj.last_login else None


def _client_for_logins(request: ApiRequest, client_id: int) -> Client:
    """The client whose logins this token may manage: staff, or the client's owner (else 403)."""
    client = client_for_request(request, client_id)
    if ClientArea.LOGINS not in request.user.client_areas:
        raise HttpError(403, "Only the client's owner manages its logins.")
    return client


@router.get("/{client_id}/users", response=list[ClientUserOut], summary="List a client's logins")
@paginate(Pages, page_size=50)
def list_client_users(request: ApiRequest, client_id: ClientId):
    """The client's logins (staff, or the client's owner)."""
    return client_users(client=_client_for_logins(request, client_id))


@router.post("/{client_id}/users", response={201: ClientUserOut}, summary="Add a login")
def create_client_user(request: ApiRequest, client_id: ClientId, payload: ClientUserIn):
    """Give the client another login with the permissions given (staff, or the client's owner)."""
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


@router.delete("/{client_id}/users/{user_id}", response={204: None}, summary="Remove a login")
def delete_client_user(request: ApiRequest, client_id: ClientId, user_id: UserId):
    """Remove one of the client's logins; a login cannot remove itself, nor the last owner."""
    client = _client_for_logins(request, client_id)
    user = get_object_or_404(client_users(client=client), pk=user_id)
    if user.pk == request.user.pk:
        raise HttpError(409, "A login cannot remove itself.")
    try:
        client_user_remove(actor=request.actor, user=user)
    except ClientUserInvalid as refused:
        raise HttpError(409, refused.message) from refused
    return Status(204, None)


@router.post(
    "/{client_id}/users/{user_id}/password-reset",
    response={202: ClientUserOut},
    summary="Send a password link",
)
def send_client_user_password_link(request: ApiRequest, client_id: ClientId, user_id: UserId):
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
