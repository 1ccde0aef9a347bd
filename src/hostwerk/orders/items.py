"""What may be ordered: one validation of order items for the cart, staff order entry and the API.

Each request is checked against the catalogue (product for sale, billing cycle with a price, TLD
sold, years in range, domain well-formed) and priced. Errors are collected per item and field, so
every channel can show them beside the right input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from hostwerk.catalog.models import BillingCycle, DomainAction, Product, ProductType, Tld
from hostwerk.catalog.pricing import PriceMissing, product_price, tld_first_period, tld_price
from hostwerk.core.domain_names import DomainNameError, parse_domain_name
from hostwerk.core.money import round_money
from hostwerk.domains.availability import availability_refusal
from hostwerk.domains.models import DomainStatus
from hostwerk.orders.models import DomainChoice, ItemKind

PRODUCT_KINDS: dict[str, ItemKind] = {
    ProductType.HOSTING: ItemKind.HOSTING,
    ProductType.FORWARDING: ItemKind.FORWARDING,
    ProductType.MAIL_FILTER: ItemKind.MAIL_FILTER,
    ProductType.OTHER: ItemKind.OTHER,
}
DOMAIN_ACTION_KINDS: dict[str, ItemKind] = {
    DomainAction.REGISTER: ItemKind.DOMAIN_REGISTER,
    DomainAction.TRANSFER: ItemKind.DOMAIN_TRANSFER,
}


@dataclass
class ItemRequest:
    """One item as asked for: a product (with its domain) or a domain on its own."""

    product_id: int | None = None
    domain: str = ""
    domain_choice: str = ""  # product items: register, transfer, existing, external
    domain_action: str = ""  # domain items: register or transfer
    billing_cycle: str = ""  # empty: the product's default cycle (R2)
    years: int | None = None  # domain items, or the domain of a product item
    price: Decimal | str | None = None  # a price override; staff only
    auth_code: str = ""
    forwarding_url: str = ""

    def as_dict(self) -> dict:
        return {
            "product_id": self.product_id,
            "domain": self.domain,
            "domain_choice": self.domain_choice,
            "domain_action": self.domain_action,
            "billing_cycle": self.billing_cycle,
            "years": self.years,
            "price": None if self.price in (None, "") else str(self.price),
            "auth_code": self.auth_code,
            "forwarding_url": self.forwarding_url,
        }


@dataclass
class PricedItem:
    """A validated, priced item, ready to become an OrderItem."""

    kind: str
    product: Product | None
    domain: str
    domain_choice: str
    billing_cycle: str
    years: int | None
    list_price: Decimal
    price: Decimal
    setup_fee: Decimal
    price_overridden: bool
    auth_code: str = ""
    forwarding_url: str = ""
    tld: Tld | None = None
    request_index: int = 0
    linked_to: int | None = None  # index in the priced list of the item this one belongs to

    @property
    def domain_unicode(self) -> str:
        return parse_domain_name(self.domain).unicode if self.domain else ""

    @property
    def billing_cycle_label(self) -> str:
        return str(BillingCycle(self.billing_cycle).label) if self.billing_cycle else ""


@dataclass
class OrderInvalid(Exception):
    """The order cannot be placed; `items[index][field]` and `general` say why."""

    items: dict[int, dict[str, str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    # The same messages as the API words them (values such as "annually", not labels), where
    # they differ.
    api_items: dict[int, dict[str, str]] = field(default_factory=dict)

    def add(self, index: int, field_name: str, message: str, *, api_message: str = "") -> None:
        self.items.setdefault(index, {}).setdefault(field_name, str(message))
        if api_message:
            self.api_items.setdefault(index, {}).setdefault(field_name, str(api_message))

    def __bool__(self) -> bool:
        return bool(self.items or self.general)

    def __str__(self) -> str:
        parts = list(self.general)
        for index, fields in sorted(self.items.items()):
            parts += [f"item {index + 1} {name}: {message}" for name, message in fields.items()]
        return "; ".join(parts)


class Catalogue:
    """Products and TLDs loaded once for a whole order (no query per item), who it is for, and
    the domains the order registers or transfers itself."""

    def __init__(
        self,
        requests: list[ItemRequest],
        *,
        client=None,
        for_staff: bool = False,
        same_order: list[ItemRequest] | None = None,
    ) -> None:
        product_ids = {r.product_id for r in requests if r.product_id}
        self.products = {
            p.pk: p for p in Product.objects.filter(pk__in=product_ids).prefetch_related("prices")
        }
        self.tlds = {
            t.name: t for t in Tld.objects.select_related("registrar").prefetch_related("prices")
        }
        self.client = client
        self.for_staff = for_staff
        self.ordered_domains = domains_ordered([*requests, *(same_order or [])])
        self._held: set[str] | None = None

    def held_by_client(self) -> set[str]:
        """The client's domains here, asked once per order."""
        if self._held is None:
            self._held = client_domains(self.client) if self.client is not None else set()
        return self._held

    def product(self, product_id: int | None) -> Product | None:
        product = self.products.get(product_id) if product_id else None
        return product if product is not None and product.active else None

    def tld(self, name: str) -> Tld | None:
        tld = self.tlds.get(name)
        return tld if tld is not None and tld.active else None


def _parse_price(value: Decimal | str | None) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        price = Decimal(str(value).replace(",", ".").strip())
    except InvalidOperation:
        raise ValueError(_("Enter a price like 12.50.")) from None
    if not price.is_finite() or price < 0:
        raise ValueError(_("A price cannot be negative."))
    if price >= Decimal("1e10"):
        # Prices are stored with twelve digits (MoneyField).
        raise ValueError(_("Enter a price below 10,000,000,000."))
    return round_money(price)


def _domain_item(
    request: ItemRequest,
    index: int,
    action: str,
    catalogue: Catalogue,
    errors: OrderInvalid,
    *,
    field_name: str = "domain",
) -> PricedItem | None:
    try:
        name = parse_domain_name(request.domain)
    except DomainNameError as exc:
        errors.add(index, field_name, str(exc))
        return None
    tld = catalogue.tld(name.tld)
    if tld is None:
        sold = ", ".join(f".{t.name}" for t in catalogue.tlds.values() if t.active)
        errors.add(
            index,
            field_name,
            _("We do not sell .%(tld)s domains; we sell %(sold)s.")
            % {"tld": name.tld, "sold": sold},
        )
        return None
    if len(name.labels) != 2:
        errors.add(
            index,
            field_name,
            _("Enter the domain itself (example.%(tld)s), not a subdomain.") % {"tld": name.tld},
        )
        return None
    years = request.years or tld_first_period(tld, action)
    if not tld.min_years <= years <= tld.max_years:
        errors.add(
            index,
            "years",
            _(".%(tld)s domains are registered for %(min)s to %(max)s years.")
            % {"tld": tld.name, "min": tld.min_years, "max": tld.max_years},
        )
        return None
    if action == DomainAction.TRANSFER and not request.auth_code.strip():
        errors.add(
            index,
            "auth_code",
            _("A transfer needs the EPP auth code from the current registrar."),
        )
        return None
    # Taken (or, for a transfer, unregistered) names are refused now; an unreachable registrar
    # does not block the order.
    refusal = availability_refusal(name=name, tld=tld, action=action, for_staff=catalogue.for_staff)
    if refusal:
        errors.add(index, field_name, refusal)
        return None
    try:
        price = tld_price(tld, action, years).amount
    except PriceMissing as exc:
        errors.add(index, "years", str(exc), api_message=exc.api_message)
        return None
    return PricedItem(
        kind=DOMAIN_ACTION_KINDS[action],
        product=None,
        domain=name.ascii,
        domain_choice="",
        billing_cycle="",
        years=years,
        list_price=price,
        price=price,
        setup_fee=Decimal("0.00"),
        price_overridden=False,
        auth_code=request.auth_code.strip() if action == DomainAction.TRANSFER else "",
        tld=tld,
        request_index=index,
    )


def client_domains(client) -> set[str]:
    """The names of the domains we hold for `client` (registered or being registered here)."""
    return set(
        client.domains.exclude(
            status__in=(DomainStatus.CANCELLED, DomainStatus.TRANSFERRED_AWAY)
        ).values_list("name", flat=True)
    )


def domains_ordered(requests: list[ItemRequest]) -> set[str]:
    """The domains these items register or transfer: in the same order (or cart) they count as
    the client's, so hosting or mail filtering for them may choose "a domain I have here"."""
    names: set[str] = set()
    for request in requests:
        if request.product_id:
            arranged = request.domain_choice in (DomainChoice.REGISTER, DomainChoice.TRANSFER)
        else:
            arranged = request.domain_action in DOMAIN_ACTION_KINDS
        if not arranged:
            continue
        try:
            names.add(parse_domain_name(request.domain).ascii)
        except DomainNameError:
            continue
    return names


def _not_held_message(name, *, for_staff: bool) -> str:
    if for_staff:
        return _(
            "%(domain)s is not one of the client's domains here, nor registered or transferred in "
            "this order; choose “a domain registered elsewhere”, or add its registration or "
            "transfer to the order."
        ) % {"domain": name.unicode}
    return _(
        "%(domain)s is not one of the domains we hold for you, nor in this order; choose “a "
        "domain registered elsewhere”, or register or transfer it."
    ) % {"domain": name.unicode}


def _product_item(
    request: ItemRequest, index: int, catalogue: Catalogue, errors: OrderInvalid
) -> list[PricedItem]:
    product = catalogue.product(request.product_id)
    if product is None:
        errors.add(index, "product_id", _("Choose a product from the catalogue."))
        return []
    cycle = request.billing_cycle or product.default_billing_cycle
    try:
        price = product_price(product, cycle)
    except PriceMissing as exc:
        errors.add(index, "billing_cycle", str(exc), api_message=exc.api_message)
        return []
    item = PricedItem(
        kind=PRODUCT_KINDS[product.type],
        product=product,
        domain="",
        domain_choice="",
        billing_cycle=cycle,
        years=None,
        list_price=price.amount,
        price=price.amount,
        setup_fee=price.setup_fee,
        price_overridden=False,
        request_index=index,
    )
    items = [item]
    if product.type == ProductType.FORWARDING:
        url = request.forwarding_url.strip()
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors.add(
                index,
                "forwarding_url",
                _("Enter the web address to forward to, like https://www.example.nl/."),
            )
        item.forwarding_url = url
    if not product.needs_domain:
        return items
    choice = request.domain_choice or DomainChoice.EXTERNAL
    if choice not in DomainChoice.values:
        errors.add(index, "domain_choice", _("Choose how the domain is arranged."))
        return items
    item.domain_choice = choice
    if choice in (DomainChoice.REGISTER, DomainChoice.TRANSFER):
        domain_item = _domain_item(request, index, choice, catalogue, errors)
        if domain_item is not None:
            item.domain = domain_item.domain
            items.append(domain_item)
        return items
    try:
        name = parse_domain_name(request.domain)
    except DomainNameError as exc:
        errors.add(index, "domain", str(exc))
        return items
    if (
        choice == DomainChoice.EXISTING
        and catalogue.client is not None
        and name.ascii not in catalogue.ordered_domains
        and name.ascii not in catalogue.held_by_client()
    ):
        errors.add(index, "domain", _not_held_message(name, for_staff=catalogue.for_staff))
        return items
    item.domain = name.ascii
    return items


def items_price(
    *,
    requests: list[ItemRequest],
    allow_price_override: bool,
    client=None,
    for_staff: bool = False,
    same_order: list[ItemRequest] | None = None,
) -> list[PricedItem]:
    """Validate and price `requests`; raise OrderInvalid with every problem at once.

    With `client`, "a domain I already have here" is checked against the client's domains and
    the domains registered or transferred by the same order: `requests` and `same_order` (the
    rest of a cart that `requests` joins). `for_staff` words the messages for staff entering
    an order for the client instead of for the client.
    """
    errors = OrderInvalid()
    if not requests:
        errors.general.append(_("An order needs at least one item."))
        raise errors
    catalogue = Catalogue(requests, client=client, for_staff=for_staff, same_order=same_order)
    priced: list[PricedItem] = []
    for index, request in enumerate(requests):
        override = None
        try:
            override = _parse_price(request.price)
        except ValueError as exc:
            errors.add(index, "price", str(exc))
        if override is not None and not allow_price_override:
            errors.add(index, "price", _("Only staff can set a different price."))
            override = None
        if request.product_id:
            group = _product_item(request, index, catalogue, errors)
        elif request.domain_action in DOMAIN_ACTION_KINDS:
            single = _domain_item(request, index, request.domain_action, catalogue, errors)
            group = [single] if single else []
        else:
            errors.add(
                index, "product_id", _("Choose a product, or a domain to register or transfer.")
            )
            group = []
        if group and override is not None and override != group[0].price:
            group[0].price = override
            group[0].price_overridden = True
        first = len(priced)
        for position, item in enumerate(group):
            if position:
                item.linked_to = first
            priced.append(item)
    seen: dict[str, int] = {}
    for item in priced:
        if item.kind in DOMAIN_ACTION_KINDS.values():
            if item.domain in seen:
                errors.add(
                    item.request_index,
                    "domain",
                    _("%(domain)s is already in this order.") % {"domain": item.domain_unicode},
                )
            seen[item.domain] = item.request_index
    if errors:
        raise errors
    return priced
