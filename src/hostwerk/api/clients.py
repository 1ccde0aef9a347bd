"""API: clients. Staff tokens see every client; client tokens only their own."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from hostwerk.api.auth import require_staff
from hostwerk.api.errors import form_errors
from hostwerk.clients.actions import client_create, client_update
from hostwerk.clients.forms import CONTACT_FIELDS, ClientContactForm, StaffClientForm
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
@paginate(PageNumberPagination, page_size=50)
def list_clients(request: HttpRequest, q: str = ""):
    return client_search(query=q).filter(pk__in=clients_visible(request).values("pk"))


@router.post("", response={201: ClientOut})
def create_client(request: HttpRequest, payload: ClientIn):
    require_staff(request)
    form = ClientContactForm(data=payload.dict())
    if not form.is_valid():
        raise form_errors(form)
    return Status(201, client_create(actor=request.actor, values=form.cleaned_data))


@router.get("/{client_id}", response=ClientOut)
def get_client(request: HttpRequest, client_id: int):
    return client_for_request(request, client_id)


@router.patch("/{client_id}", response=ClientOut)
def patch_client(request: HttpRequest, client_id: int, payload: ClientPatch):
    client = client_for_request(request, client_id)
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
