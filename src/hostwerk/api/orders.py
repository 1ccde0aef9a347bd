"""API: orders. Staff tokens see and place every client's orders; client tokens only their own."""

# No `from __future__ import annotations`: ninja reads the parameter annotations at import time.

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError, ValidationError
from ninja.pagination import paginate
from ninja.responses import Status

from hostwerk.accounts.models import ClientArea
from hostwerk.accounts.request import ApiRequest
from hostwerk.api.auth import TokenAuth, require_staff
from hostwerk.api.clients import client_for_request
from hostwerk.api.schemas import OrderId, Pages, blank_or
from hostwerk.catalog.models import BillingCycle
from hostwerk.clients.models import InvoicePaymentMethod
from hostwerk.orders.acceptance import (
    AcceptFailed,
    PlanInvalid,
    order_accept,
    order_accept_later,
    order_accepting_now,
    order_plan,
)
from hostwerk.orders.actions import order_place
from hostwerk.orders.items import ItemRequest, OrderInvalid
from hostwerk.orders.models import (
    DomainChoice,
    ItemKind,
    ItemStatus,
    Order,
    OrderChannel,
    OrderStatus,
)
from hostwerk.orders.queries import order_search, orders_with_items

router = Router(tags=["orders"], auth=TokenAuth(area=ClientArea.BILLING))


# blank_or builds its Literal at run time; the type checker sees the plain strings they are.
if TYPE_CHECKING:
    CycleOrBlank = str
    DomainChoiceOrBlank = str
    PaymentMethodOrBlank = str
else:
    CycleOrBlank = blank_or(BillingCycle)
    DomainChoiceOrBlank = blank_or(DomainChoice)
    PaymentMethodOrBlank = blank_or(InvoicePaymentMethod)


class OrderItemIn(Schema):
    """A product (`product_id`, with a domain for hosting, forwarding and mail filtering) or a
    domain on its own (no `product_id`; `action` register or transfer)."""

    product_id: int | None = Field(
        None, description="The product to order; null: a domain registration or transfer."
    )
    domain: str = Field("", description="The domain name, e.g. example.nl or bücher.nl.")
    action: Literal["register", "transfer", ""] = Field(
        "", description="For a domain on its own: register it or transfer it to us."
    )
    domain_choice: DomainChoiceOrBlank = Field(
        "",
        description="For a product: how it gets its domain; register and transfer add a domain "
        "item to the order.",
    )
    billing_cycle: CycleOrBlank = Field(
        "", description="For a product: the billing cycle; empty: the product's default cycle."
    )
    years: int | None = Field(
        None, description="For a domain: the registration period; null: the TLD's shortest."
    )
    price: Decimal | None = Field(
        None, description="Staff only: a price other than the catalogue's, excluding VAT."
    )
    auth_code: str = Field("", description="For a transfer: the domain's authorisation code.")
    forwarding_url: str = Field("", description="For a forwarding package: where it points.")


class OrderIn(Schema):
    client_id: int = Field(description="The client the order is for; a client token: its own.")
    items: list[OrderItemIn] = Field(description="What is ordered, at least one item.")
    generate_invoice: bool = Field(True, description="Make the order's invoice right away.")
    send_email: bool = Field(
        True, description="E-mail the order confirmation (and the invoice) to the client."
    )
    payment_method: PaymentMethodOrBlank = Field(
        "", description="How the order's invoice is paid; empty: the client's payment method."
    )


class OrderItemOut(Schema):
    id: int = Field(description="The item's id; `item_id` in a plan.")
    kind: ItemKind = Field(description="What the item makes when it is accepted.")
    status: ItemStatus = Field(description="Where the item is in acceptance.")
    error: str = Field(description="Why the last attempt failed; empty: it did not.")
    product_id: int | None = Field(description="The product; null for a domain item.")
    domain: str = Field(description="The domain name; empty: none.")
    billing_cycle: CycleOrBlank = Field(description="The billing cycle; empty for domain items.")
    years: int | None = Field(description="For a domain item: the period in years.")
    price: Decimal = Field(description="The price charged, excluding VAT.")
    list_price: Decimal = Field(description="The catalogue price, excluding VAT.")
    price_overridden: bool = Field(description="Staff set a price other than the catalogue's.")
    service_id: int | None = Field(None, description="The service it made; null: none (yet).")
    domain_id: int | None = Field(None, description="The domain it made; null: none (yet).")

    @staticmethod
    def resolve_service_id(obj) -> int | None:
        service = getattr(obj, "service", None)
        return service.pk if service is not None else None

    @staticmethod
    def resolve_domain_id(obj) -> int | None:
        domain = getattr(obj, "domain_record", None)
        return domain.pk if domain is not None else None


ORDER_ID = "The order's id; `order_id` elsewhere."
ORDER_NUMBER = "The order number staff and the client see."
ORDER_STATUS = "Whether the order waits for acceptance, is done or was stopped."
ORDER_CHANNEL = "Where the order was placed."
ORDER_TOTAL = "The items' prices together, excluding VAT."
ORDER_CREATED = "When it was placed (ISO 8601)."


class OrderOut(Schema):
    id: int = Field(description=ORDER_ID)
    number: int = Field(description=ORDER_NUMBER)
    status: OrderStatus = Field(description=ORDER_STATUS)
    channel: OrderChannel = Field(description=ORDER_CHANNEL)
    client_id: int = Field(description="The client it is for.")
    invoice_id: int | None = Field(description="The order's invoice; null: none (yet).")
    total: Decimal = Field(description=ORDER_TOTAL)
    payment_method: InvoicePaymentMethod = Field(description="How the order's invoice is paid.")
    created_at: str = Field(description=ORDER_CREATED)
    items: list[OrderItemOut] = Field(description="The order's items in order.")

    @staticmethod
    def resolve_invoice_id(obj: Order) -> int | None:
        invoice = getattr(obj, "invoice", None)
        return invoice.pk if invoice is not None else None

    @staticmethod
    def resolve_created_at(obj: Order) -> str:
        return obj.created_at.isoformat()

    @staticmethod
    def resolve_items(obj: Order) -> list:
        return list(obj.items.all())


class OrderSummaryOut(Schema):
    id: int = Field(description=ORDER_ID)
    number: int = Field(description=ORDER_NUMBER)
    status: OrderStatus = Field(description=ORDER_STATUS)
    channel: OrderChannel = Field(description=ORDER_CHANNEL)
    client_id: int = Field(description="The client it is for.")
    total: Decimal = Field(description=ORDER_TOTAL)
    created_at: str = Field(description=ORDER_CREATED)

    @staticmethod
    def resolve_created_at(obj: Order) -> str:
        return obj.created_at.isoformat()


def orders_visible(request: ApiRequest):
    orders = orders_with_items(Order.objects.all())
    if request.user.is_staff:
        return orders
    return orders.filter(client=request.client)


def invalid_to_422(invalid: OrderInvalid) -> ValidationError:
    details: list[dict[str, Any]] = [
        {"loc": ["body"], "msg": message, "type": "invalid"} for message in invalid.general
    ]
    field_names = {"product_id": "product_id", "domain_action": "action"}
    for index, errors in sorted(invalid.items.items()):
        for name, message in errors.items():
            message = invalid.api_items.get(index, {}).get(name, message)
            details.append(
                {
                    "loc": ["body", "items", index, field_names.get(name, name)],
                    "msg": message,
                    "type": "invalid",
                }
            )
    return ValidationError(details)


@router.post("", response={201: OrderOut}, summary="Place an order")
def place_order(request: ApiRequest, payload: OrderIn):
    """Place an order for a client. Every item is checked against the catalogue first; when one
    is wrong nothing is placed and the answer is 422 naming the item's field
    (`["body", "items", 0, "billing_cycle"]`)."""
    client = client_for_request(request, payload.client_id)
    items = [
        ItemRequest(
            product_id=item.product_id,
            domain=item.domain,
            domain_action=item.action if not item.product_id else "",
            domain_choice=item.domain_choice or (item.action if item.product_id else ""),
            billing_cycle=item.billing_cycle,
            years=item.years,
            price=item.price,
            auth_code=item.auth_code,
            forwarding_url=item.forwarding_url,
        )
        for item in payload.items
    ]
    try:
        order = order_place(
            actor=request.actor,
            client=client,
            channel=OrderChannel.API,
            items=items,
            generate_invoice=payload.generate_invoice,
            send_confirmation=payload.send_email,
            send_invoice_email=payload.send_email and payload.generate_invoice,
            payment_method=payload.payment_method,
        )
    except OrderInvalid as invalid:
        raise invalid_to_422(invalid) from None
    return Status(201, orders_visible(request).get(pk=order.pk))


@router.get("", response=list[OrderSummaryOut], summary="List orders")
@paginate(Pages, page_size=50)
def list_orders(
    request: ApiRequest,
    status: Annotated[
        OrderStatus | None, Query(description="Only orders with this status.")
    ] = None,
    channel: Annotated[
        OrderChannel | None, Query(description="Only orders placed this way.")
    ] = None,
    client_id: Annotated[
        int | None, Query(description="Only this client's orders (staff).")
    ] = None,
):
    """Orders, newest first. A client token sees its own client's only."""
    orders = order_search(status=status or "", channel=channel or "", with_list_columns=False)
    if request.user.is_staff:
        if client_id:
            orders = orders.filter(client_id=client_id)
        return orders
    return orders.filter(client=request.client)


@router.get("/{order_id}", response=OrderOut, summary="Get an order")
def get_order(request: ApiRequest, order_id: OrderId):
    """One order with its items; another client's is a 404."""
    return get_object_or_404(orders_visible(request), pk=order_id)


P = {
    "server_id": "The server a hosting or forwarding item is created on.",
    "create_on_server": "Create the subscription on the server (off: it exists already).",
    "welcome_email": "E-mail the client the welcome message with the login details.",
    "registrar": "The registrar's name a domain item goes to.",
    "register": "Send the registration or transfer to the registrar (off: staff did it).",
    "request_filtering": "Ask the mail filtering provider for the domain.",
}


class PlanItemOut(Schema):
    item_id: int = Field(description="The order item.")
    kind: ItemKind = Field(description="What the item makes.")
    status: ItemStatus = Field(description="Where the item is in acceptance.")
    server_id: int | None = Field(description=P["server_id"] + " Null: none or not applicable.")
    server_reason: str = Field(description="Why this server was chosen.")
    servers_skipped: list[str] = Field(description="Servers passed over, each with why.")
    server_locked: bool = Field(
        description="The server can no longer change (a step on it already ran)."
    )
    create_on_server: bool = Field(description=P["create_on_server"])
    welcome_email: bool = Field(description=P["welcome_email"])
    registrar: str | None = Field(description=P["registrar"] + " Null: not a domain item.")
    register_at_registrar: bool = Field(alias="register", description=P["register"])
    request_filtering: bool = Field(description=P["request_filtering"])
    blocked: str = Field(description="Why the item cannot be accepted now; empty: it can.")


class PlanOverrideIn(Schema):
    """Changes to one item's plan; fields left out keep the planned value."""

    item_id: int = Field(description="The order item to change the plan of.")
    server_id: int | None = Field(None, description=P["server_id"])
    create_on_server: bool | None = Field(None, description=P["create_on_server"])
    welcome_email: bool | None = Field(None, description=P["welcome_email"])
    registrar: str | None = Field(None, description=P["registrar"])
    register_at_registrar: bool | None = Field(None, alias="register", description=P["register"])
    request_filtering: bool | None = Field(None, description=P["request_filtering"])


class AcceptIn(Schema):
    items: list[PlanOverrideIn] = Field([], description="Changes to the plan, per item.")
    run_async: bool = Field(
        False, alias="async", description="Accept in the background and answer 202 at once."
    )


class AcceptOut(Schema):
    id: int = Field(description=ORDER_ID)
    status: OrderStatus = Field(description=ORDER_STATUS)
    accepting: bool = Field(description="Acceptance is still running in the background.")
    items: list[OrderItemOut] = Field(description="The order's items with their status.")


def _order_for_staff(request: ApiRequest, order_id: int) -> Order:
    require_staff(request)
    return get_object_or_404(orders_with_items(Order.objects.all()), pk=order_id)


def _plan_errors(invalid: PlanInvalid, positions: dict[int, int]) -> ValidationError:
    return ValidationError(
        [
            {
                "loc": ["body", "items", positions.get(item_id, 0), name],
                "msg": message,
                "type": "invalid",
            }
            for item_id, errors in invalid.errors.items()
            for name, message in errors.items()
        ]
    )


@router.get(
    "/{order_id}/plan", response=list[PlanItemOut], by_alias=True, summary="Acceptance plan"
)
def get_plan(request: ApiRequest, order_id: OrderId):
    """Staff: what accepting the order would do per item (server, registrar, e-mails), without
    doing it."""
    order = _order_for_staff(request, order_id)
    try:
        return [plan.as_dict() for plan in order_plan(order=order)]
    except PlanInvalid as invalid:
        raise _plan_errors(invalid, {}) from None


@router.post(
    "/{order_id}/accept", response={200: AcceptOut, 202: AcceptOut}, summary="Accept an order"
)
def accept(request: ApiRequest, order_id: OrderId, payload: AcceptIn):
    """Staff: carry out the plan, with the changes given. Items that fail keep their error and
    can be accepted again; steps already done are not repeated. 409 when the order cannot be
    accepted (cancelled, already running)."""
    order = _order_for_staff(request, order_id)
    item_ids = {item.pk for item in order.items.all()}
    overrides: dict[int, dict] = {}
    positions = {}
    for position, item in enumerate(payload.items):
        if item.item_id not in item_ids:
            raise ValidationError(
                [
                    {
                        "loc": ["body", "items", position, "item_id"],
                        "msg": "This item is not part of the order.",
                        "type": "invalid",
                    }
                ]
            )
        positions[item.item_id] = position
        overrides[item.item_id] = item.dict(exclude={"item_id"}, exclude_none=True, by_alias=True)
    try:
        if payload.run_async:
            order_accept_later(actor=request.actor, order=order, overrides=overrides)
            status_code = 202
        else:
            order_accept(actor=request.actor, order=order, overrides=overrides)
            status_code = 200
    except PlanInvalid as invalid:
        raise _plan_errors(invalid, positions) from None
    except AcceptFailed as refused:
        raise HttpError(409, str(refused)) from None
    order = get_object_or_404(orders_with_items(Order.objects.all()), pk=order_id)
    return Status(
        status_code,
        {
            "id": order.pk,
            "status": order.status,
            "accepting": status_code == 202 or order_accepting_now(order),
            "items": list(order.items.all()),
        },
    )
