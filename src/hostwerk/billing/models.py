"""Invoices and their lines, the per-year invoice counter, and VAT rates per country."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from hostwerk.core.money import MoneyField


class InvoiceStatus(models.TextChoices):
    UNPAID = "unpaid", _("unpaid")  # issued and waiting for payment
    PAID = "paid", _("paid")  # payment received; final, never cancelled afterwards
    CANCELLED = "cancelled", _("cancelled")  # withdrawn before payment; keeps its number


class VatScheme(models.TextChoices):
    DOMESTIC = "domestic", _("domestic")  # client in the seller's country: the seller's rate
    REVERSE_CHARGE = (
        "reverse_charge",
        _("reverse charge"),
    )  # business in another EU country with a VAT number: 0 %, the client accounts for VAT
    EU_CONSUMER = (
        "eu_consumer",
        _("EU consumer (OSS)"),
    )  # consumer in another EU country: that country's rate, declared through the One-Stop Shop
    OUTSIDE_EU = "outside_eu", _("outside the EU")  # client outside the EU: no EU VAT


class Invoice(models.Model):
    """An issued invoice. Amounts and the client's details are frozen at issue time."""

    number = models.CharField(_("invoice number"), max_length=20, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence in the year"))
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("client"),
    )
    # One order is invoiced at most once; the unique column makes a second invoice impossible.
    order = models.OneToOneField(
        "orders.Order",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoice",
        verbose_name=_("order"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.UNPAID
    )
    issued_on = models.DateField(_("invoice date"))
    due_on = models.DateField(_("due date"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    vat_scheme = models.CharField(_("VAT scheme"), max_length=20, choices=VatScheme.choices)
    vat_country = models.CharField(
        _("VAT country"), max_length=2, blank=True, help_text=_("Whose VAT rate was applied.")
    )
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)
    vat_note = models.CharField(_("VAT note"), max_length=255, blank=True)
    subtotal = MoneyField(_("subtotal"), default=0)
    vat_amount = MoneyField(_("VAT"), default=0)
    total = MoneyField(_("total"), default=0)
    currency = models.CharField(_("currency"), max_length=3)

    # The client as invoiced: later changes to the client do not rewrite an issued invoice.
    client_name = models.CharField(_("name"), max_length=200)
    client_company = models.CharField(_("company"), max_length=200, blank=True)
    client_address = models.TextField(_("address"), blank=True)
    client_country = CountryField(_("country"), blank=True)
    client_vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    client_email = models.EmailField(_("e-mail address"), blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="invoice_sequence_per_year")
        ]
        indexes = [
            models.Index(fields=["status", "-year", "-sequence"], name="invoice_status_number"),
            models.Index(fields=["client", "-year", "-sequence"], name="invoice_client_number"),
            models.Index(fields=["issued_on"], name="invoice_issued_on"),
            # Overdue reminders look for unpaid invoices past their due date.
            models.Index(fields=["status", "due_on"], name="invoice_status_due"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def client_display_name(self) -> str:
        return self.client_company or self.client_name

    @property
    def is_unpaid(self) -> bool:
        return self.status == InvoiceStatus.UNPAID


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    order_item = models.ForeignKey(
        "orders.OrderItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invoice_lines",
        verbose_name=_("order item"),
    )
    description = models.CharField(_("description"), max_length=255)
    period_start = models.DateField(_("period from"), null=True, blank=True)
    # Empty for one-time charges: they cover no period.
    period_end = models.DateField(_("period until"), null=True, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=9, decimal_places=2, default=1)
    unit_price = MoneyField(_("unit price"))
    amount = MoneyField(_("amount excluding VAT"))
    vat_amount = MoneyField(_("VAT"))

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position", "id"]

    def __str__(self) -> str:
        return self.description


class InvoiceCounter(models.Model):
    """The last invoice number given out in a year; locked while the next invoice is created."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("invoice counter")
        verbose_name_plural = _("invoice counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class VatRate(models.Model):
    """A country's standard VAT rate from a date on; a new row records a change of rate."""

    country = models.CharField(_("country (ISO code)"), max_length=2)
    rate = models.DecimalField(_("rate (%)"), max_digits=5, decimal_places=2)
    valid_from = models.DateField(_("valid from"))

    class Meta:
        verbose_name = _("VAT rate")
        verbose_name_plural = _("VAT rates")
        ordering = ["country", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["country", "valid_from"], name="one_vat_rate_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.rate}% from {self.valid_from}"
