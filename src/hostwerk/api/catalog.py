"""API: the catalogue (products, TLDs) and servers."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from hostwerk.api.auth import require_staff
from hostwerk.api.pagination import Pages
from hostwerk.catalog.models import Product, Tld
from hostwerk.provisioning.models import Server

router = Router(tags=["catalogue"])


class ProductOut(Schema):
    id: int
    name: str
    name_nl: str
    name_en: str
    type: str
    module: str
    default_billing_cycle: str
    active: bool
    prices: dict[str, Decimal]
    setup_fees: dict[str, Decimal]

    @staticmethod
    def resolve_prices(obj: Product) -> dict[str, Decimal]:
        return {price.billing_cycle: price.amount for price in obj.prices.all()}

    @staticmethod
    def resolve_setup_fees(obj: Product) -> dict[str, Decimal]:
        return {price.billing_cycle: price.setup_fee for price in obj.prices.all()}


class TldPriceOut(Schema):
    action: str
    years: int
    amount: Decimal


class TldOut(Schema):
    name: str
    registrar: str | None
    dns_before_registration: bool
    min_years: int
    max_years: int
    prices: list[TldPriceOut]

    @staticmethod
    def resolve_registrar(obj: Tld) -> str | None:
        return obj.registrar.name if obj.registrar else None

    @staticmethod
    def resolve_prices(obj: Tld) -> list[TldPriceOut]:
        return list(obj.prices.all())


class ServerOut(Schema):
    id: int
    name: str
    kind: str
    hostname: str
    web_ip: str
    mail_ip: str
    capacity: int
    active: bool
    group: str | None

    @staticmethod
    def resolve_group(obj: Server) -> str | None:
        return obj.group.name if obj.group else None


@router.get("/products", response=list[ProductOut])
@paginate(Pages, page_size=100)
def list_products(request: HttpRequest):
    products = Product.objects.prefetch_related("prices").order_by("sort_order", "id")
    if not request.user.is_staff:
        products = products.filter(active=True)
    return products


@router.get("/tlds", response=list[TldOut])
@paginate(Pages, page_size=100)
def list_tlds(request: HttpRequest):
    tlds = Tld.objects.select_related("registrar").prefetch_related("prices").order_by("name")
    if not request.user.is_staff:
        tlds = tlds.filter(active=True)
    return tlds


@router.get("/servers", response=list[ServerOut])
@paginate(Pages, page_size=100)
def list_servers(request: HttpRequest):
    require_staff(request)
    return Server.objects.select_related("group").order_by("name")
