"""Forms for ordering: one item form for the client area, its staff variant, and staff options.

Both item forms build an ItemRequest and let `items_price` judge it, so the rules live in one
place; its errors are put beside the matching field.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hostwerk.catalog.models import BillingCycle, DomainAction, Product
from hostwerk.clients.models import Client
from hostwerk.orders.items import ItemRequest, OrderInvalid, PricedItem, items_price
from hostwerk.orders.models import DomainChoice

DOMAIN_ONLY_CHOICES = [
    (DomainAction.REGISTER, _("Register a domain")),
    (DomainAction.TRANSFER, _("Transfer a domain")),
]


class OrderItemForm(forms.Form):
    """One item; `what` is a product id or "register"/"transfer" for a domain on its own."""

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
    years = forms.TypedChoiceField(
        label=_("Years"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", "—")] + [(n, n) for n in range(1, 11)],
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
    # Names of ItemRequest fields per form field, for putting errors in the right place.
    FIELD_OF = {"product_id": "what", "domain_action": "what"}

    def __init__(self, *args, products=None, client=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        products = list(products if products is not None else Product.objects.filter(active=True))
        self.fields["what"].choices = [
            ("", _("— choose —")),
            (_("Products"), [(str(p.pk), p.name) for p in products]),
            (_("Domains"), DOMAIN_ONLY_CHOICES),
        ]
        self.priced: list[PricedItem] = []

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

    price = forms.DecimalField(
        label=_("Price"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_("Leave empty for the catalogue price."),
    )
    previous_what = forms.CharField(required=False, widget=forms.HiddenInput)
    allow_price_override = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The row is re-rendered when its product changes; what was typed meanwhile stays.
        for name in ("domain", "domain_choice", "years", "price", "auth_code", "forwarding_url"):
            self.fields[name].widget.attrs["hx-preserve"] = "true"


class BaseStaffItemFormSet(forms.BaseFormSet):
    def __init__(self, *args, products=None, **kwargs):
        self.products = products
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"products": self.products}


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
    placed_from = forms.DateField(
        required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    placed_to = forms.DateField(
        required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"})
    )
    failed = forms.BooleanField(required=False, label=_("With a failed item"))

    def __init__(self, *args, **kwargs):
        from hostwerk.orders.models import OrderChannel, OrderStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("all statuses")), *OrderStatus.choices]
        self.fields["channel"].choices = [("", _("all channels")), *OrderChannel.choices]


def product_item_form(product: Product, *, data=None, client=None) -> OrderItemForm:
    """The order form of one product in the catalogue: only the cycles it has a price for,
    labelled with that price, the product's default cycle chosen (R2)."""
    from hostwerk.core.money import format_money

    form = OrderItemForm(
        data=data,
        prefix=f"product{product.pk}",
        products=[product],
        client=client,
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


def domain_item_form(*, data=None) -> OrderItemForm:
    form = OrderItemForm(
        data=data, prefix="domain", products=[], initial={"what": DomainAction.REGISTER}
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
