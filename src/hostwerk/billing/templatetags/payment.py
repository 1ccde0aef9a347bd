"""`{% payment_instructions invoice %}`: how to pay, after the invoice's payment method.

One sentence used by the invoice page and PDF, the invoice e-mail, reminders and overdue notices,
so each says the same thing for bank transfer, iDEAL and direct debit.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hostwerk.billing.models import Invoice
from hostwerk.clients.models import InvoicePaymentMethod
from hostwerk.core.money import format_money

register = template.Library()


def payment_instruction_text(invoice: Invoice, *, overdue: bool = False) -> str:
    values = {
        "total": format_money(invoice.amount_due or invoice.total),
        "due": date_format(invoice.due_on, "DATE_FORMAT"),
        "number": invoice.number,
        "iban": settings.HOSTWERK_SELLER_IBAN,
        "name": settings.HOSTWERK_SELLER_NAME,
    }
    method = invoice.payment_method
    if method == InvoicePaymentMethod.DIRECT_DEBIT:
        if overdue:
            return (
                _(
                    "We could not collect %(total)s by direct debit. Please transfer it to "
                    "%(iban)s in the name of %(name)s, quoting invoice number %(number)s, or pay "
                    "online in your client area."
                )
                if values["iban"]
                else _(
                    "We could not collect %(total)s by direct debit. Please pay it online in "
                    "your client area, quoting invoice number %(number)s."
                )
            ) % values
        return (
            _(
                "%(total)s will be collected by direct debit on or after %(due)s; you need not do "
                "anything."
            )
            % values
        )
    if method == InvoicePaymentMethod.IDEAL:
        return (
            _("Please pay %(total)s by %(due)s online with iDEAL from your client area.") % values
        )
    if values["iban"]:
        return (
            _(
                "Please pay %(total)s by %(due)s to %(iban)s in the name of %(name)s, quoting "
                "invoice number %(number)s."
            )
            % values
        )
    return _("Please pay %(total)s by %(due)s, quoting invoice number %(number)s.") % values


@register.simple_tag
def payment_instructions(invoice: Invoice, overdue: bool = False) -> str:
    return payment_instruction_text(invoice, overdue=overdue)
