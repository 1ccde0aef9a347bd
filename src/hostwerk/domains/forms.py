"""Forms for domain actions: name servers, renewal period, a transfer's auth code."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hostwerk.domains.actions import NameserversInvalid, nameservers_clean
from hostwerk.domains.models import DomainStatus


class NameserversForm(forms.Form):
    nameservers = forms.CharField(
        label=_("Name servers"),
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_("One host name per line, at least two, e.g. ns1.example.net."),
    )

    def clean_nameservers(self) -> list[str]:
        try:
            return nameservers_clean([self.cleaned_data["nameservers"]])
        except NameserversInvalid as error:
            raise forms.ValidationError(error.message, code="nameservers") from None


class RenewForm(forms.Form):
    years = forms.TypedChoiceField(label=_("Years"), coerce=int)

    def __init__(self, *args, tld=None, **kwargs):
        super().__init__(*args, **kwargs)
        low, high = (tld.min_years, min(tld.max_years, 10)) if tld else (1, 1)
        self.fields["years"].choices = [(years, years) for years in range(low, high + 1)]


class TransferForm(forms.Form):
    auth_code = forms.CharField(
        label=_("Auth code"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("From the current registrar; leave empty to use the code Hostwerk has."),
    )


class DomainFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"), max_length=100)
    status = forms.ChoiceField(
        required=False,
        label=_("Status"),
        choices=[("", _("all statuses")), *DomainStatus.choices],
    )
    expiring = forms.BooleanField(required=False, label=_("Expiring within 30 days"))
