"""API: the catalogue (products, TLDs) and servers."""

# No `from __future__ import annotations`: ninja reads the parameter annotations at import time.

from decimal import Decimal

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from hostwerk.accounts.request import ApiRequest
from hostwerk.api.auth import require_staff
from hostwerk.api.schemas import Pages
from hostwerk.catalog.models import (
    BillingCycle,
    DomainAction,
    Product,
    ProductType,
    ProvisioningModule,
    Tld,
    TldPrice,
)
from hostwerk.provisioning.models import Server, ServerKind

router = Router(tags=["catalogue"])


class ProductOut(Schema):
    id: int = Field(description="The product's id; `product_id` of an order item.")
    name: str = Field(description="The name in the language of the request.")
    name_nl: str = Field(description="The Dutch name.")
    name_en: str = Field(description="The English name.")
    type: ProductType = Field(description="What the product is; decides what an order makes.")
    module: ProvisioningModule = Field(description="What creates the product's remote object.")
    default_billing_cycle: BillingCycle = Field(
        description="The cycle an order item gets when it names none."
    )
    active: bool = Field(description="For sale; clients see only active products.")
    prices: dict[BillingCycle, Decimal] = Field(
        description="Price per billing cycle, excluding VAT; only the cycles that can be ordered."
    )
    setup_fees: dict[BillingCycle, Decimal] = Field(
        description="One-time setup fee per billing cycle, excluding VAT."
    )

    @staticmethod
    def resolve_prices(obj: Product) -> dict[str, Decimal]:
        return {price.billing_cycle: price.amount for price in obj.prices.all()}

    @staticmethod
    def resolve_setup_fees(obj: Product) -> dict[str, Decimal]:
        return {price.billing_cycle: price.setup_fee for price in obj.prices.all()}


class TldPriceOut(Schema):
    action: DomainAction = Field(description="What the price is for.")
    years: int = Field(description="The period in years.")
    amount: Decimal = Field(description="The price for the whole period, excluding VAT.")


class TldOut(Schema):
    name: str = Field(description="The TLD without a dot, e.g. nl or co.uk.")
    registrar: str | None = Field(description="The registrar's name; null: none assigned yet.")
    dns_before_registration: bool = Field(
        description="The registry checks the name servers before it registers (e.g. .de), so "
        "the zone is created first."
    )
    min_years: int = Field(description="The shortest registration period in years.")
    max_years: int = Field(description="The longest registration period in years.")
    prices: list[TldPriceOut] = Field(description="Prices per action and period.")

    @staticmethod
    def resolve_registrar(obj: Tld) -> str | None:
        return obj.registrar.name if obj.registrar else None

    @staticmethod
    def resolve_prices(obj: Tld) -> list[TldPrice]:
        return list(obj.prices.all())


class ServerOut(Schema):
    id: int = Field(description="The server's id; `server_id` elsewhere.")
    name: str = Field(description="Hostwerk's name for the server.")
    kind: ServerKind = Field(description="What the server is for.")
    hostname: str = Field(description="The host name its API is reached at.")
    web_ip: str = Field(description="The IP address websites on it get.")
    mail_ip: str = Field(description="The IP address its mail service answers on.")
    capacity: int = Field(description="How many services it takes; 0: no limit.")
    active: bool = Field(description="New services may be placed on it.")
    group: str | None = Field(description="The server group's name; null: none.")

    @staticmethod
    def resolve_group(obj: Server) -> str | None:
        return obj.group.name if obj.group else None


@router.get("/products", response=list[ProductOut], summary="List products")
@paginate(Pages, page_size=100)
def list_products(request: ApiRequest):
    """The catalogue's products in display order with their prices per cycle. Client tokens see
    the active ones only; staff tokens also the retired ones."""
    products = Product.objects.prefetch_related("prices").order_by("sort_order", "id")
    if not request.user.is_staff:
        products = products.filter(active=True)
    return products


@router.get("/tlds", response=list[TldOut], summary="List TLDs")
@paginate(Pages, page_size=100)
def list_tlds(request: ApiRequest):
    """The TLDs that can be ordered, by name, with registrar, periods and prices. Staff tokens
    also see inactive ones."""
    tlds = Tld.objects.select_related("registrar").prefetch_related("prices").order_by("name")
    if not request.user.is_staff:
        tlds = tlds.filter(active=True)
    return tlds


@router.get("/servers", response=list[ServerOut], summary="List servers")
@paginate(Pages, page_size=100)
def list_servers(request: ApiRequest):
    """The Plesk and forwarding servers, by name (staff only)."""
    require_staff(request)
    return Server.objects.select_related("group").order_by("name")
