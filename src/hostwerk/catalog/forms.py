"""Staff forms of the catalogue: a product with its price per cycle, a product group, a TLD with
its prices per action and year count. The rules beyond one field live in `catalog.actions`."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hostwerk.catalog.actions import (
    CatalogueInvalid,
    ProductPrices,
    TldPrices,
    price_field,
    tld_price_field,
)
from hostwerk.catalog.models import BillingCycle, DomainAction, Product, ProductGroup, Tld
from hostwerk.core.domain_names import DomainNameError, parse_domain_name
from hostwerk.core.widgets import AmountField

NOTIFICATION_TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "notifications"
MAX_TLD_YEARS = 10
PLESK_HOSTING_TYPE_CHOICES = [
    ("vrt_hst", _("web hosting (vrt_hst)")),
    ("std_fwd", _("standard forwarding (std_fwd)")),
    ("frm_fwd", _("frame forwarding (frm_fwd)")),
]


def welcome_email_choices() -> list[tuple[str, str | Promise]]:
    """The e-mail templates a product can send when its service is ready."""
    names = sorted(
        path.name
        for path in NOTIFICATION_TEMPLATES.iterdir()
        if path.is_dir() and path.name.startswith("welcome") and (path / "subject.txt").exists()
    )
    return [("", _("none")), *((name, name) for name in names)]


def money_field(label) -> AmountField:
    return AmountField(
        label=label,
        required=False,
        min_value=Decimal("0"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8, "aria-label": label}),
    )


def add_catalogue_errors(form: forms.Form, invalid: CatalogueInvalid | Any) -> None:
    """Put an action's errors beside the fields they name; others above the form."""
    for name, message in invalid.errors.items():
        form.add_error(name if name in form.fields else None, message)


class ProductForm(forms.ModelForm):
    plesk_plan = forms.CharField(
        label=_("Plesk service plan"),
        max_length=200,
        required=False,
        help_text=_("Exactly as the plan is named in Plesk, e.g. “Default Domain”."),
    )
    plesk_hosting_type = forms.ChoiceField(
        label=_("Plesk hosting type"), choices=PLESK_HOSTING_TYPE_CHOICES, required=False
    )
    welcome_email = forms.ChoiceField(label=_("Welcome e-mail"), required=False)

    class Meta:
        model = Product
        fields = [
            "name_nl",
            "name_en",
            "group",
            "type",
            "module",
            "server_group",
            "default_billing_cycle",
            "welcome_email",
            "accept_when_paid",
            "hidden",
            "active",
            "sort_order",
            "description_nl",
            "description_en",
        ]
        widgets = {
            "description_nl": forms.Textarea(attrs={"rows": 2}),
            "description_en": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["welcome_email"].choices = welcome_email_choices()
        self.fields["welcome_email"].help_text = Product._meta.get_field("welcome_email").help_text
        self.fields["active"].help_text = _("Off: retired, no new orders; services carry on.")
        settings = self.instance.module_settings or {}
        self.fields["plesk_plan"].initial = settings.get("plan", "")
        self.fields["plesk_hosting_type"].initial = settings.get("hosting_type", "vrt_hst")
        if self.instance.pk is None:
            # "Accept when paid" follows the module; the form's default module is Plesk.
            self.fields["accept_when_paid"].initial = True
        prices = {}
        if self.instance.pk is not None:
            prices = {price.billing_cycle: price for price in self.instance.prices.all()}
        for cycle, label in BillingCycle.choices:
            self.fields[price_field(cycle)] = money_field(_("Price (%(cycle)s)") % {"cycle": label})
            self.fields[f"setup_{cycle}"] = money_field(
                _("Setup fee (%(cycle)s)") % {"cycle": label}
            )
            if cycle in prices:
                self.fields[price_field(cycle)].initial = prices[cycle].amount
                self.fields[f"setup_{cycle}"].initial = prices[cycle].setup_fee

    def price_rows(self) -> list[tuple[str | Promise, forms.BoundField, forms.BoundField]]:
        return [
            (label, self[price_field(cycle)], self[f"setup_{cycle}"])
            for cycle, label in BillingCycle.choices
        ]

    def clean(self):
        data = super().clean()
        for cycle, _label in BillingCycle.choices:
            if data.get(f"setup_{cycle}") and data.get(price_field(cycle)) is None:
                self.add_error(
                    price_field(cycle), _("A setup fee needs a price for this cycle too.")
                )
        return data

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {name: data[name] for name in self.Meta.fields}
        settings = dict(self.instance.module_settings or {})
        settings.pop("plan", None)
        settings.pop("hosting_type", None)
        if data["module"] == "plesk":
            settings["plan"] = data["plesk_plan"].strip()
            settings["hosting_type"] = data["plesk_hosting_type"] or "vrt_hst"
        values["module_settings"] = settings
        return values

    def prices(self) -> ProductPrices:
        data = self.cleaned_data
        return {
            cycle: (data[price_field(cycle)], data.get(f"setup_{cycle}") or Decimal("0"))
            for cycle in BillingCycle.values
            if data.get(price_field(cycle)) is not None
        }


class ProductGroupForm(forms.ModelForm):
    class Meta:
        model = ProductGroup
        fields = ["name_nl", "name_en", "sort_order", "hidden"]


class TldForm(forms.ModelForm):
    class Meta:
        model = Tld
        fields = [
            "name",
            "registrar",
            "dns_before_registration",
            "min_years",
            "max_years",
            "active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].help_text = _("Without the dot, e.g. nl or co.uk.")
        self.fields["registrar"].empty_label = _("none — items cannot be registered")
        self.fields["max_years"].validators = []
        existing = {}
        if self.instance.pk is not None:
            existing = {
                (price.action, price.years): price.amount for price in self.instance.prices.all()
            }
        for years in range(1, MAX_TLD_YEARS + 1):
            for action, label in DomainAction.choices:
                name = tld_price_field(action, years)
                self.fields[name] = money_field(
                    _("%(action)s for %(years)s year(s)") % {"action": label, "years": years}
                )
                if (action, years) in existing:
                    self.fields[name].initial = existing[(action, years)]

    def clean_name(self) -> str:
        raw = self.cleaned_data["name"].strip().lstrip(".").lower()
        try:
            # A TLD checks like the domain "x.<tld>" would; stored as its A-label.
            return parse_domain_name(f"x.{raw}").ascii.split(".", 1)[1]
        except (DomainNameError, IndexError):
            raise forms.ValidationError(
                _("“%(name)s” is not a valid extension."), params={"name": raw}
            ) from None

    def price_rows(self) -> list[tuple[int, list[forms.BoundField]]]:
        return [
            (years, [self[tld_price_field(action, years)] for action in DomainAction.values])
            for years in range(1, MAX_TLD_YEARS + 1)
        ]

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def prices(self) -> TldPrices:
        return {
            (action, years): self.cleaned_data[tld_price_field(action, years)]
            for years in range(1, MAX_TLD_YEARS + 1)
            for action in DomainAction.values
            if self.cleaned_data.get(tld_price_field(action, years)) is not None
        }
