"""Forms of the billing screens: invoice filters, mark paid, cancel, credit notes, a service's
billing, cancellation requests and the billing run."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from hostwerk.billing.credit_notes import CreditRequest
from hostwerk.billing.lifecycle import CancellationRefused, cancellation_request
from hostwerk.billing.models import (
    CancellationRequest,
    CancellationWhen,
    InvoiceStatus,
    PaymentKind,
    PaymentMethod,
)
from hostwerk.catalog.models import BillingCycle
from hostwerk.core.widgets import AmountField, DateInput


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
    overdue = forms.BooleanField(label=_("Overdue"), required=False)

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
            "overdue": data.get("overdue") or False,
        }


class PaymentFilterForm(forms.Form):
    paid_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    paid_to = forms.DateField(label=_("Until"), required=False, widget=DateInput)

    def filters(self) -> dict:
        self.is_valid()
        return {
            "paid_from": self.cleaned_data.get("paid_from"),
            "paid_to": self.cleaned_data.get("paid_to"),
        }


class PaymentForm(forms.Form):
    """Staff: money received for an invoice, or refunded. The hidden token is drawn when the page
    is shown, so the same form sent twice (a double click, a reload) books one payment."""

    kind = forms.ChoiceField(
        label=_("Booking"),
        choices=[(PaymentKind.PAYMENT, _("Payment received")), (PaymentKind.REFUND, _("Refund"))],
        initial=PaymentKind.PAYMENT,
    )
    amount = AmountField(
        label=_("Amount"),
        min_value=Decimal("0.01"),
        help_text=_(
            "Including VAT. Less than the open amount leaves the rest open; more becomes the client's credit."
        ),
    )
    method = forms.ChoiceField(
        label=_("Method"),
        choices=[
            (value, label)
            for value, label in PaymentMethod.choices
            if value != PaymentMethod.CREDIT
        ],
        initial=PaymentMethod.BANK_TRANSFER,
    )
    reference = forms.CharField(
        label=_("Reference"),
        required=False,
        max_length=100,
        help_text=_("E.g. the bank statement line. A reference booked before is not booked again."),
    )
    paid_on = forms.DateField(label=_("Date"), widget=DateInput)
    token = forms.CharField(max_length=40, widget=forms.HiddenInput)

    def booking_reference(self) -> str:
        return self.cleaned_data["reference"].strip() or f"form-{self.cleaned_data['token']}"


class InvoiceCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit trail and shown on the invoice page for staff."),
    )


class ServiceBillingForm(forms.Form):
    """Staff: how a service is billed. Changes go through service_billing_update (audited)."""

    next_due_date = forms.DateField(
        label=_("Next due date"),
        widget=DateInput,
        help_text=_(
            "The first day not paid for yet; its day of the month becomes the billing day."
        ),
    )
    recurring_amount = AmountField(label=_("Recurring amount"), min_value=0)
    billing_cycle = forms.ChoiceField(label=_("Billing cycle"), choices=BillingCycle.choices)
    no_suspend_until = forms.DateField(
        label=_("Do not suspend until"),
        required=False,
        widget=DateInput,
        help_text=_("Unpaid invoices do not suspend the service before this day."),
    )


class CancellationForm(forms.Form):
    when = forms.ChoiceField(
        label=_("When"),
        choices=CancellationWhen.choices,
        initial=CancellationWhen.END_OF_PERIOD,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def submit(self, *, actor, service) -> CancellationRequest | None:
        """Request the cancellation; None (with the refusal on the form) when it cannot be."""
        if not self.is_valid():
            return None
        try:
            return cancellation_request(
                actor=actor,
                service=service,
                when=self.cleaned_data["when"],
                reason=self.cleaned_data["reason"],
            )
        except CancellationRefused as refused:
            self.add_error(None, refused.message)
            return None


class BillingRunForm(forms.Form):
    day = forms.DateField(
        label=_("Day"),
        widget=DateInput,
        help_text=_("The run invoices, reminds and suspends as on this day."),
    )


class CreditNoteForm(forms.Form):
    """One amount field per line of the invoice (empty: not credited) and the reason."""

    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.invoice_lines = list(lines)
        for line in self.invoice_lines:
            self.fields[f"line_{line.pk}"] = AmountField(
                label=line.description, required=False, min_value=Decimal("0.01")
            )

    def line_fields(self):
        return [self[f"line_{line.pk}"] for line in self.invoice_lines]

    def credit_requests(self) -> list[CreditRequest]:
        return [
            CreditRequest(line_id=line.pk, amount=self.cleaned_data[f"line_{line.pk}"])
            for line in self.invoice_lines
            if self.cleaned_data.get(f"line_{line.pk}") is not None
        ]

    def clean(self):
        cleaned = super().clean()
        if self.is_bound and not any(
            cleaned.get(f"line_{line.pk}") is not None for line in self.invoice_lines
        ):
            raise forms.ValidationError(_("Enter the amount to credit for at least one line."))
        return cleaned


class BillingSettingsForm(forms.Form):
    """One field per billing setting; an empty field means "the environment's value"."""

    def __init__(self, *args, overview: list[dict], **kwargs):
        from hostwerk.billing.config import BOOLEAN, DAY_LIST

        super().__init__(*args, **kwargs)
        self.specs = {}
        for row in overview:
            spec = row["spec"]
            self.specs[spec.name] = spec
            default = row["default"]
            if spec.kind == BOOLEAN:
                field = forms.ChoiceField(
                    choices=[
                        ("", _("environment default (%(value)s)") % {"value": _yes_no(default)}),
                        ("on", _("yes")),
                        ("off", _("no")),
                    ],
                    required=False,
                )
                initial = "" if row["override"] is None else ("on" if row["override"] else "off")
            elif spec.kind == DAY_LIST:
                field = forms.CharField(max_length=40, required=False)
                initial = "" if row["override"] is None else ", ".join(map(str, row["override"]))
                default = ", ".join(map(str, default)) or "—"
            else:
                field = forms.IntegerField(
                    min_value=spec.minimum, max_value=spec.maximum, required=False
                )
                initial = row["override"]
            field.label = spec.label
            field.help_text = _("%(help)s Empty: the environment's %(variable)s = %(value)s.") % {
                "help": spec.help_text,
                "variable": spec.environment_name,
                "value": _yes_no(default) if spec.kind == BOOLEAN else default,
            }
            field.initial = initial
            self.fields[spec.name] = field

    def clean(self):
        from hostwerk.billing.config import BOOLEAN, DAY_LIST

        data = super().clean()
        for name, spec in self.specs.items():
            if name in self.errors:
                continue
            value = data.get(name)
            if value in (None, ""):
                data[name] = None
            elif spec.kind == BOOLEAN:
                data[name] = value == "on"
            elif spec.kind == DAY_LIST:
                parts = [part.strip() for part in value.split(",") if part.strip()]
                if not all(part.isdigit() for part in parts) or not 1 <= len(parts) <= 3:
                    self.add_error(name, _("Enter one to three day counts, e.g. 1, 7, 14."))
                    continue
                days = sorted({int(part) for part in parts})
                if days[0] < spec.minimum or days[-1] > spec.maximum:
                    self.add_error(
                        name,
                        _("Each day count is from %(min)s to %(max)s.")
                        % {"min": spec.minimum, "max": spec.maximum},
                    )
                    continue
                data[name] = days
        return data


def _yes_no(value: bool):
    return _("yes") if value else _("no")
