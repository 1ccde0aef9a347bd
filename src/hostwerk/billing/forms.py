"""Forms of the billing screens: the staff invoice filters, mark paid, cancel."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hostwerk.billing.models import InvoiceStatus


class DateInput(forms.DateInput):
    input_type = "date"


class InvoiceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *InvoiceStatus.choices],
    )
    client = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    issued_from = forms.DateField(label=_("Issued from"), required=False, widget=DateInput)
    issued_to = forms.DateField(label=_("Issued until"), required=False, widget=DateInput)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("issued_from"), cleaned.get("issued_to")
        if start and end and start > end:
            self.add_error("issued_to", _("The end date must not be before the start date."))
        return cleaned

    def filters(self) -> dict:
        """Keyword arguments for queries.invoice_list from the fields that are valid."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "query": data.get("q") or "",
            "status": data.get("status") or "",
            "client_id": data.get("client"),
            "issued_from": data.get("issued_from"),
            "issued_to": data.get("issued_to"),
        }


class InvoicePaidForm(forms.Form):
    paid_on = forms.DateField(label=_("Payment received on"), widget=DateInput)


class InvoiceCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit trail and shown on the invoice page for staff."),
    )
