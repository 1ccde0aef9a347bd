"""Server forms: server settings (secrets are write-only, empty keeps the stored value), and
pointing a zone at a server."""

from __future__ import annotations

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from hostwerk.provisioning.models import Server, ServerGroup


def _https_by_default(field, **kwargs):
    # An address typed without a scheme is read as https (what Django 6 does by default).
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class ServerForm(forms.ModelForm):
    password = forms.CharField(
        label=_("API password"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the stored password."),
    )
    api_key = forms.CharField(
        label=_("API secret key"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Instead of login and password; leave empty to keep the stored key."),
    )

    class Meta:
        model = Server
        fields = [
            "name",
            "kind",
            "group",
            "hostname",
            "api_url",
            "username",
            "password",
            "api_key",
            "verify_tls",
            "web_ip",
            "mail_ip",
            "capacity",
            "active",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
        formfield_callback = _https_by_default

    def changed_values(self) -> dict:
        """The cleaned values to store; empty secrets mean "keep what is stored"."""
        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        for secret in ("password", "api_key"):
            if not values[secret]:
                values.pop(secret)
        return values


class PointToForm(forms.Form):
    server = forms.ModelChoiceField(
        label=_("Server"),
        queryset=Server.objects.filter(active=True).order_by("kind", "name"),
        help_text=_("Moves the records that follow the hosting (web, www, mn-mx1)."),
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class ServerGroupForm(forms.ModelForm):
    class Meta:
        model = ServerGroup
        fields = ["name", "default_server"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            # A new group has no servers yet: put servers in it, then choose its default.
            del self.fields["default_server"]
            return
        self.fields["default_server"].queryset = Server.objects.filter(
            group=self.instance
        ).order_by("name")
        self.fields["default_server"].empty_label = _("none")

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}
