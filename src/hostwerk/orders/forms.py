"""Forms for ordering: one item form for the client area, its staff variant, and staff options.

Both item forms build an ItemRequest and let `items_price` judge it, so the rules live in one
place; its errors are put beside the matching field.
"""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hostwerk.catalog.models import BillingCycle, DomainAction, Product, ProductType, Tld
from hostwerk.catalog.pricing import tld_periods
from hostwerk.catalog.queries import tlds_for_sale
from hostwerk.clients.models import Client, InvoicePaymentMethod
from hostwerk.core.domain_names import DomainNameError, parse_domain_name
from hostwerk.core.widgets import AmountField, DateInput
from hostwerk.orders.items import ItemRequest, OrderInvalid, PricedItem, items_price
from hostwerk.orders.models import STAFF_DOMAIN_CHOICE_LABELS, DomainChoice

DOMAIN_ONLY_CHOICES = [
    (DomainAction.REGISTER, _("Register a domain")),
    (DomainAction.TRANSFER, _("Transfer a domain")),
]
STAFF_DOMAIN_CHOICES = list(STAFF_DOMAIN_CHOICE_LABELS.items())
# Year counts accepted at all; which ones a TLD offers is judged with the order (items_price).
MAX_YEARS = 10


def years_label(years: int) -> str:
    return ngettext("%(years)s year", "%(years)s years", years) % {"years": years}


def years_options(tlds: list[Tld]) -> dict[str, list[int]]:
    """Per TLD on sale its periods, and under "" every period any of them offers."""
    periods = {tld.name: tld_periods(tld) for tld in tlds}
    periods[""] = sorted({years for offered in periods.values() for years in offered}) or [1]
    return periods


class OrderItemForm(forms.Form):
    """One item; `what` is a product id or "register"/"transfer" for a domain on its own."""

    # The product the item is for: set once the form is bound, or for a catalogue card.
    product: Product | None

    what = forms.ChoiceField(label=_("Product"))
    billing_cycle = forms.ChoiceField(
        label=_("Billing cycle"),
        choices=[("", _("default of the product")), *BillingCycle.choices],
        required=False,
    )
    domain_choice = forms.ChoiceField(
        label=_("Domain"),
        choices=DomainChoice.choices,
        required=False,
        initial=DomainChoice.REGISTER,
    )
    domain = forms.CharField(label=_("Domain name"), max_length=300, required=False)
    # Offers the periods of the typed domain's TLD, its first allowed period chosen; the page
    # script follows the domain field as it is typed (data-periods).
    years = forms.TypedChoiceField(
        label=_("Years"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[(n, n) for n in range(1, MAX_YEARS + 1)],
    )
    auth_code = forms.CharField(
        label=_("EPP auth code"),
        max_length=100,
        required=False,
        help_text=_("From your current registrar; needed for a transfer."),
    )
    forwarding_url = forms.CharField(
        label=_("Forward to"),
        max_length=500,
        required=False,
        help_text=_("The website visitors are sent to, e.g. https://www.example.nl/."),
    )

    allow_price_override = False
    for_staff = False
    # Names of ItemRequest fields per form field, for putting errors in the right place.
    FIELD_OF = {"product_id": "what", "domain_action": "what"}

    def __init__(self, *args, products=None, client=None, tlds=None, same_order=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        # The rest of the cart this item joins: its registrations count as the client's domains.
        self.same_order = list(same_order or [])
        products = list(products if products is not None else Product.objects.filter(active=True))
        self.products = products
        self.fields["what"].choices = [
            ("", _("— choose —")),
            (_("Products"), [(str(p.pk), p.name) for p in products]),
            (_("Domains"), DOMAIN_ONLY_CHOICES),
        ]
        self._offer_years(list(tlds) if tlds is not None else list(tlds_for_sale()))
        self.priced: list[PricedItem] = []

    def _typed_tld(self) -> str:
        text = (
            self.data.get(self.add_prefix("domain"), "")
            if self.is_bound
            else self.initial.get("domain", "")
        )
        try:
            return parse_domain_name(text).tld
        except DomainNameError:
            return ""

    def _offer_years(self, tlds: list[Tld]) -> None:
        """Show only the periods of the TLD typed (or any TLD's), the first one chosen."""
        options = years_options(tlds)
        periods = options.get(self._typed_tld()) or options[""]
        field = self.fields["years"]
        field.widget.choices = [(years, years_label(years)) for years in periods]
        field.widget.attrs["data-periods"] = json.dumps(
            {
                tld: [[years, years_label(years)] for years in offered]
                for tld, offered in options.items()
            },
            ensure_ascii=False,
        )
        field.widget.attrs["data-domain-input"] = self.add_prefix("domain")
        if not self.initial.get("years"):
            self.initial = {**self.initial, "years": periods[0]}

    def item_request(self) -> ItemRequest:
        data = self.cleaned_data
        what = data.get("what") or ""
        return ItemRequest(
            product_id=int(what) if what.isdigit() else None,
            domain_action=what if not what.isdigit() else "",
            domain=data.get("domain") or "",
            domain_choice=data.get("domain_choice") or "",
            billing_cycle=data.get("billing_cycle") or "",
            years=data.get("years"),
            price=data.get("price"),
            auth_code=data.get("auth_code") or "",
            forwarding_url=data.get("forwarding_url") or "",
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.priced = items_price(
                requests=[self.item_request()],
                allow_price_override=self.allow_price_override,
                client=self.client,
                for_staff=self.for_staff,
                same_order=self.same_order,
            )
        except OrderInvalid as invalid:
            self.add_order_errors(invalid.items.get(0, {}))
            for message in invalid.general:
                self.add_error(None, message)
        return data

    def add_order_errors(self, errors: dict[str, str]) -> None:
        for name, message in errors.items():
            field_name = self.FIELD_OF.get(name, name)
            self.add_error(field_name if field_name in self.fields else None, message)


class StaffOrderItemForm(OrderItemForm):
    """Staff order entry adds a price override (audited, shown as overridden)."""

    price = AmountField(
        label=_("Price"),
        required=False,
        min_value=0,
        help_text=_("Leave empty for the catalogue price."),
    )
    previous_what = forms.CharField(required=False, widget=forms.HiddenInput)
    allow_price_override = True
    for_staff = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain_choice"].choices = STAFF_DOMAIN_CHOICES
        self.fields["auth_code"].help_text = _(
            "From the client's current registrar; needed for a transfer."
        )
        # The row is re-rendered when its product changes; what was typed meanwhile stays.
        for name in ("domain", "years", "price", "auth_code", "forwarding_url"):
            self.fields[name].widget.attrs["hx-preserve"] = "true"
        self.product = self._chosen_product()
        if self.product is not None:
            self._offer_priced_cycles(self.product)

    def _chosen(self, name: str) -> str:
        if self.is_bound:
            return self.data.get(self.add_prefix(name)) or ""
        return str(self.initial.get(name) or self.fields[name].initial or "")

    def _chosen_product(self) -> Product | None:
        what = self._chosen("what")
        if not what.isdigit():
            return None
        return next((p for p in self.products if p.pk == int(what)), None)

    def _offer_priced_cycles(self, product: Product) -> None:
        """Only the cycles the product has a price for, with that price; its default chosen."""
        from hostwerk.core.money import format_money

        prices = {price.billing_cycle: price for price in product.prices.all()}
        field = self.fields["billing_cycle"]
        # The list shows priced cycles only; any other posted cycle is refused by the pricing,
        # whose message names the cycles the product does have (R2).
        field.widget.choices = [
            (cycle, f"{label} — {format_money(prices[cycle].amount)}")
            for cycle, label in BillingCycle.choices
            if cycle in prices
        ]
        field.initial = product.default_billing_cycle
        if not self.is_bound:
            self.initial["billing_cycle"] = product.default_billing_cycle

    @property
    def shown_fields(self) -> set[str]:
        """The fields that apply to what the row orders: a domain only for items with one,
        years and auth code only for a registration or transfer, the forwarding target only
        for a forwarding package, the cycle only for products."""
        what = self._chosen("what")
        shown = {"what"}
        if what in (DomainAction.REGISTER, DomainAction.TRANSFER):
            shown |= {"domain", "years", "price"}
            if what == DomainAction.TRANSFER:
                shown.add("auth_code")
            return shown
        product = self.product
        if product is None:
            return shown
        shown |= {"billing_cycle", "price"}
        if product.type == ProductType.FORWARDING:
            shown.add("forwarding_url")
        if product.needs_domain:
            shown |= {"domain", "domain_choice"}
            choice = self._chosen("domain_choice") or DomainChoice.REGISTER
            if choice in (DomainChoice.REGISTER, DomainChoice.TRANSFER):
                shown.add("years")
            if choice == DomainChoice.TRANSFER:
                shown.add("auth_code")
        return shown


class BaseStaffItemFormSet(forms.BaseFormSet):
    def __init__(self, *args, products=None, tlds=None, **kwargs):
        self.products = products
        self.tlds = list(tlds) if tlds is not None else list(tlds_for_sale())
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"products": self.products, "tlds": self.tlds}


StaffItemFormSet = forms.formset_factory(
    StaffOrderItemForm, formset=BaseStaffItemFormSet, extra=0, min_num=1, validate_min=True
)


class StaffOrderOptionsForm(forms.Form):
    client = forms.ModelChoiceField(
        label=_("Client"),
        queryset=Client.objects.all(),
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose the client this order is for.")},
    )
    generate_invoice = forms.BooleanField(label=_("Generate invoice"), required=False, initial=True)
    send_confirmation = forms.BooleanField(
        label=_("Send order confirmation"), required=False, initial=True
    )
    send_invoice_email = forms.BooleanField(
        label=_("Send invoice e-mail"),
        required=False,
        initial=True,
        help_text=_("Only with an invoice."),
    )
    payment_method = forms.ChoiceField(
        label=_("Payment method"),
        required=False,
        choices=[("", _("the client's own")), *InvoicePaymentMethod.choices],
        help_text=_("How this order's invoice is paid; the client's setting by default."),
    )
    notes = forms.CharField(
        label=_("Internal notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("send_invoice_email") and not data.get("generate_invoice"):
            self.add_error(
                "send_invoice_email",
                _("An invoice e-mail needs an invoice: tick “generate invoice” or untick this."),
            )
        return data


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, label=_("Status"))
    channel = forms.ChoiceField(required=False, label=_("Channel"))
    client = forms.IntegerField(required=False, label=_("Client number"), widget=forms.TextInput)
    placed_from = forms.DateField(required=False, label=_("From"), widget=DateInput)
    placed_to = forms.DateField(required=False, label=_("To"), widget=DateInput)
    failed = forms.BooleanField(required=False, label=_("With a failed item"))

    def __init__(self, *args, **kwargs):
        from hostwerk.orders.models import OrderChannel, OrderStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("all statuses")), *OrderStatus.choices]
        self.fields["channel"].choices = [("", _("all channels")), *OrderChannel.choices]


def product_item_form(
    product: Product, *, data=None, client=None, tlds=None, same_order=None
) -> OrderItemForm:
    """The order form of one product in the catalogue: only the cycles it has a price for,
    labelled with that price, the product's default cycle chosen (R2)."""
    from hostwerk.core.money import format_money

    form = OrderItemForm(
        data=data,
        prefix=f"product{product.pk}",
        products=[product],
        client=client,
        tlds=tlds,
        same_order=same_order,
        initial={"what": str(product.pk), "billing_cycle": product.default_billing_cycle},
    )
    prices = {price.billing_cycle: price for price in product.prices.all()}
    form.fields["billing_cycle"].choices = [
        (cycle, f"{label} — {format_money(prices[cycle].amount)}")
        for cycle, label in BillingCycle.choices
        if cycle in prices
    ]
    form.fields["what"].widget = forms.HiddenInput()
    form.fields["domain_choice"].widget = forms.RadioSelect(choices=DomainChoice.choices)
    form.product = product
    return form


def domain_item_form(*, data=None, tlds=None, initial=None) -> OrderItemForm:
    form = OrderItemForm(
        data=data,
        prefix="domain",
        products=[],
        tlds=tlds,
        initial={"what": DomainAction.REGISTER, **(initial or {})},
    )
    form.fields["what"].choices = DOMAIN_ONLY_CHOICES
    form.fields["what"].widget = forms.RadioSelect(choices=DOMAIN_ONLY_CHOICES)
    form.fields["what"].label = _("What")
    return form


PLAN_FLAGS = ("create_on_server", "welcome_email", "register", "request_filtering")


def plan_overrides_from_post(data, item_ids) -> dict[int, dict]:
    """Staff's plan edits from the accept form: `item-<id>-<field>`; an unticked box is False."""
    overrides: dict[int, dict] = {}
    for item_id in item_ids:
        prefix = f"item-{item_id}-"
        if data.get(prefix + "present") != "1":
            continue
        edits: dict = {}
        for flag in PLAN_FLAGS:
            if data.get(prefix + flag + "-shown") == "1":
                edits[flag] = data.get(prefix + flag) == "on"
        for name in ("server_id", "registrar"):
            if prefix + name in data:
                edits[name] = data.get(prefix + name)
        overrides[item_id] = edits
    return overrides
