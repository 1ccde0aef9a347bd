"""Client contact forms: one validation for the staff area, the client area and the API."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hostwerk.clients.models import Client, LegalForm
from hostwerk.core.validators import normalize_phone, normalize_postcode, normalize_vat_number

CONTACT_FIELDS = [
    "first_name",
    "last_name",
    "company",
    "email",
    "phone",
    "address1",
    "address2",
    "postcode",
    "city",
    "state",
    "country",
    "language",
    "vat_number",
    "legal_form",
    "registration_number",
]


class ClientContactForm(forms.ModelForm):
    """Contact data, normalised: phone to E.164, VAT number checked, postcode in local form."""

    class Meta:
        model = Client
        fields = CONTACT_FIELDS
        widgets: dict[str, forms.Widget] = {
            "phone": forms.TextInput(attrs={"placeholder": "+31 20 123 4567"})
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].help_text = _("With country code, e.g. +31 20 123 4567.")
        self.fields["vat_number"].help_text = _("Businesses in the EU: e.g. NL123456789B01.")
        self.fields["legal_form"].help_text = _(
            "Businesses: needed to register .nl domain names. Without a company name the client "
            "is a natural person, and registered as one."
        )
        if self.instance.pk and self.instance.phone and not self.is_bound:
            self.initial["phone"] = self.instance.phone_display

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        country = data.get("country")
        country_code = str(country) if country else None
        for name, normalize in (
            ("phone", normalize_phone),
            ("postcode", normalize_postcode),
            ("vat_number", normalize_vat_number),
        ):
            if name in data and name not in self.errors:
                try:
                    data[name] = normalize(data[name], country=country_code)
                except ValidationError as exc:
                    self.add_error(name, exc)
        if data.get("company") and data.get("legal_form") == LegalForm.PERSOON:
            self.add_error(
                "legal_form",
                _(
                    "A company name is filled in: choose the company's legal form, not 'natural person'."
                ),
            )
        return data


class StaffClientForm(ClientContactForm):
    class Meta(ClientContactForm.Meta):
        fields = [*CONTACT_FIELDS, "payment_method", "status", "notes", "review_orders"]
        widgets = {
            **ClientContactForm.Meta.widgets,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left out (an older form, a script): the stored method, or bank transfer for a new client.
        self.fields["payment_method"].required = False

    def clean_payment_method(self) -> str:
        return self.cleaned_data.get("payment_method") or self.instance.payment_method


class ClientSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
