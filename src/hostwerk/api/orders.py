"""API: orders. Staff tokens see and place every client's orders; client tokens only their own."""

# No `from __future__ import annotations`: ninja reads the parameter annotations at import time.

from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError, ValidationError
from ninja.pagination import paginate
from ninja.responses import Status

from hostwerk.accounts.models import ClientArea
from hostwerk.api.auth import TokenAuth, require_staff
from hostwerk.api.clients import client_for_request
from hostwerk.api.schemas import Pages
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
from hostwerk.orders.models import Order, OrderChannel
from hostwerk.orders.queries import order_search, orders_with_items

router = Router(tags=["orders"], auth=TokenAuth(area=ClientArea.BILLING))


class OrderItemIn(Schema):
    product_id: int | None = None
    domain: str = ""
    action: Literal["register", "transfer", ""] = ""
    domain_choice: Literal["register", "transfer", "existing", "external", ""] = ""
    billing_cycle: str = ""
    years: int | None = None
    price: Decimal | None = None
    auth_code: str = ""
    forwarding_url: str = ""


class OrderIn(Schema):
    client_id: int
    items: list[OrderItemIn]
    generate_invoice: bool = True
    send_email: bool = True
    payment_method: Literal["bank_transfer", "ideal", "direct_debit", ""] = Field(
        "", description="How the order's invoice is paid; empty: the client's payment method."
    )


class OrderItemOut(Schema):
    id: int
    kind: str
    status: str
    error: str
    product_id: int | None
    domain: str
    billing_cycle: str
    years: int | None
    price: Decimal
    list_price: Decimal
    price_overridden: bool
    service_id: int | None = None
    domain_id: int | None = None

    @staticmethod
    def resolve_service_id(obj) -> int | None:
        service = getattr(obj, "service", None)
        return service.pk if service is not None else None

    @staticmethod
    def resolve_domain_id(obj) -> int | None:
        domain = getattr(obj, "domain_record", None)
        return domain.pk if domain is not None else None


class OrderOut(Schema):
    id: int
    number: int
    status: str
    channel: str
    client_id: int
    invoice_id: int | None
    total: Decimal
    payment_method: str
    created_at: str
    items: list[OrderItemOut]

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
    id: int
    number: int
    status: str
    channel: str
    client_id: int
    total: Decimal
    created_at: str

    @staticmethod
    def resolve_created_at(obj: Order) -> str:
        return obj.created_at.isoformat()


def orders_visible(request: HttpRequest):
    orders = orders_with_items(Order.objects.all())
    if request.user.is_staff:
        return orders
    return orders.filter(client=request.client)


def invalid_to_422(invalid: OrderInvalid) -> ValidationError:
    details = [{"loc": ["body"], "msg": message, "type": "invalid"} for message in invalid.general]
    field_names = {"product_id": "product_id", "domain_action": "action"}
    for index, errors in sorted(invalid.items.items()):
        for name, message in errors.items():
            details.append(
                {
                    "loc": ["body", "items", index, field_names.get(name, name)],
                    "msg": message,
                    "type": "invalid",
                }
            )
    return ValidationError(details)


@router.post("", response={201: OrderOut})
def place_order(request: HttpRequest, payload: OrderIn):
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


@router.get("", response=list[OrderSummaryOut])
@paginate(Pages, page_size=50)
def list_orders(
    request: HttpRequest, status: str = "", channel: str = "", client_id: int | None = None
):
    orders = order_search(status=status, channel=channel)
    if request.user.is_staff:
        if client_id:
            orders = orders.filter(client_id=client_id)
        return orders
    return orders.filter(client=request.client)


@router.get("/{order_id}", response=OrderOut)
def get_order(request: HttpRequest, order_id: int):
    return get_object_or_404(orders_visible(request), pk=order_id)


class PlanItemOut(Schema):
    item_id: int
    kind: str
    status: str
    server_id: int | None
    server_reason: str
    servers_skipped: list[str]
    server_locked: bool
    create_on_server: bool
    welcome_email: bool
    registrar: str | None
    register_at_registrar: bool = Field(alias="register")
    request_filtering: bool
    blocked: str


class PlanOverrideIn(Schema):
    item_id: int
    server_id: int | None = None
    create_on_server: bool | None = None
    welcome_email: bool | None = None
    registrar: str | None = None
    register_at_registrar: bool | None = Field(None, alias="register")
    request_filtering: bool | None = None


class AcceptIn(Schema):
    items: list[PlanOverrideIn] = []
    run_async: bool = Field(False, alias="async")


class AcceptOut(Schema):
    id: int
    status: str
    accepting: bool
    items: list[OrderItemOut]


def _order_for_staff(request: HttpRequest, order_id: int) -> Order:
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


@router.get("/{order_id}/plan", response=list[PlanItemOut], by_alias=True)
def get_plan(request: HttpRequest, order_id: int):
    order = _order_for_staff(request, order_id)
    try:
        return [plan.as_dict() for plan in order_plan(order=order)]
    except PlanInvalid as invalid:
        raise _plan_errors(invalid, {}) from None


@router.post("/{order_id}/accept", response={200: AcceptOut, 202: AcceptOut})
def accept(request: HttpRequest, order_id: int, payload: AcceptIn):
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
