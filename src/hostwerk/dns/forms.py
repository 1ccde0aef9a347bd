"""Forms of the DNS screens. They only collect what was typed: the checks live in dns.validation
and run in the actions, whose RecordInvalid errors are put beside the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hostwerk.clients.models import Client
from hostwerk.dns.models import PublishStatus, Record, RecordType, ZoneTemplateRecord
from hostwerk.dns.validation import RecordInvalid

RECORD_FIELDS = ("name", "type", "ttl", "priority", "content")


class RecordForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=253,
        help_text=_("@ for the domain itself, or e.g. www, mail, _dmarc, *."),
        widget=forms.TextInput(attrs={"placeholder": "@", "autocomplete": "off"}),
    )
    type = forms.ChoiceField(label=_("Type"), choices=RecordType.choices, initial=RecordType.A)
    ttl = forms.CharField(
        label=_("TTL"),
        required=False,
        max_length=10,
        help_text=_("Seconds; empty for the default."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "3600"}),
    )
    priority = forms.CharField(
        label=_("Priority"),
        required=False,
        max_length=10,
        help_text=_("MX and SRV only."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    content = forms.CharField(
        label=_("Content"),
        max_length=4200,
        help_text=_(
            "An address for A/AAAA; a host name for CNAME, MX, NS (one word is a name in this "
            "zone); text for TXT; weight, port and target for SRV."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, record: Record | ZoneTemplateRecord | None = None, **kwargs):
        if record is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": record.name,
                "type": record.type,
                "ttl": record.ttl,
                "priority": "" if record.priority is None else record.priority,
                "content": record.content,
            }
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name, "") for name in RECORD_FIELDS}

    def add_record_errors(self, invalid: RecordInvalid) -> None:
        for field, message in invalid.errors.items():
            self.add_error(field if field in self.fields else None, message)


class RecordFilterForm(forms.Form):
    """The filter above a zone's records: part of a name or content, and a type."""

    q = forms.CharField(required=False, max_length=253, label=_("Find a record"))
    type = forms.ChoiceField(
        required=False, choices=[("", _("Every type")), *RecordType.choices], label=_("Type")
    )


class ZoneSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=253, label=_("Search"))
    status = forms.ChoiceField(
        required=False,
        choices=[("", _("Every status")), *PublishStatus.choices],
        label=_("Publish status"),
    )


class ClientNumberField(forms.IntegerField):
    """A client chosen by number; cleans to the Client (or None when left empty)."""

    def clean(self, value):
        number = super().clean(value)
        if number is None:
            return None
        client = Client.objects.filter(number=number).first()
        if client is None:
            raise forms.ValidationError(
                _("There is no client with number %(number)s."), params={"number": number}
            )
        return client


class ZoneClientForm(forms.Form):
    client_number = ClientNumberField(
        label=_("Client number"),
        required=False,
        help_text=_("Empty: only staff manage the zone."),
    )


class ZoneCreateForm(forms.Form):
    domain = forms.CharField(
        label=_("Domain name"),
        max_length=253,
        help_text=_("For example example.nl; international names like bücher.nl are fine."),
        widget=forms.TextInput(attrs={"placeholder": "example.nl", "autocomplete": "off"}),
    )
    client_number = ClientNumberField(
        label=_("Client number"),
        required=False,
        help_text=_("Optional: the client who may manage this zone in the client area."),
    )
