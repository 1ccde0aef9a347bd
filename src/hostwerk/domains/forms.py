"""Forms for domain actions: name servers, renewal period, a transfer's auth code."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hostwerk.domains.actions import nameservers_clean
from hostwerk.domains.common import NameserversInvalid
from hostwerk.domains.models import DomainStatus, Registrar


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


class RegistrarForm(forms.ModelForm):
    """A registrar's connection; the password is write-only (empty keeps the stored one)."""

    password = forms.CharField(
        label=_("password"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Stored encrypted. Leave empty to keep the stored password."),
    )
    timeout = forms.IntegerField(
        label=_("Timeout (seconds)"), min_value=1, max_value=120, required=False, initial=30
    )
    ca_file = forms.CharField(
        label=_("CA certificate file"),
        max_length=500,
        required=False,
        help_text=_("Path on this server; empty for the system's certificate authorities."),
    )

    class Meta:
        model = Registrar
        fields = ["name", "adapter", "host", "port", "username", "password", "verify_tls", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        options = self.instance.settings or {}
        self.fields["timeout"].initial = options.get("timeout", 30)
        self.fields["ca_file"].initial = options.get("ca_file", "")
        if self.instance.pk is None:
            self.fields["password"].help_text = _("Stored encrypted.")

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not password and self.instance.pk is None:
            raise forms.ValidationError(_("Enter the password the registrar gave you."))
        return password

    def clean_port(self) -> int:
        port = self.cleaned_data["port"]
        if not 1 <= port <= 65535:
            raise forms.ValidationError(_("A port is a number from 1 to 65535."))
        return port

    def values(self) -> dict:
        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        if not values["password"]:
            values.pop("password")
        options = dict(self.instance.settings or {})
        options["timeout"] = self.cleaned_data["timeout"] or 30
        if self.cleaned_data["ca_file"]:
            options["ca_file"] = self.cleaned_data["ca_file"]
        else:
            options.pop("ca_file", None)
        values["settings"] = options
        return values
