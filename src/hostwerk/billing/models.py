"""Invoices, credit notes and their lines, the per-year counters, VAT rates per country, and the
records that make each billing transition happen once: a period invoiced (a line), a due date
moved (DueDateMove), a reminder sent (InvoiceReminder), a registry renewal (DomainRenewal)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from hostwerk.clients.models import InvoicePaymentMethod
from hostwerk.core.money import ZERO, MoneyField


class InvoiceStatus(models.TextChoices):
    UNPAID = "unpaid", _("unpaid")  # issued and waiting for payment
    PAID = "paid", _("paid")  # payment received; final, never cancelled afterwards
    CANCELLED = "cancelled", _("cancelled")  # withdrawn before payment; keeps its number


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("invoice")
    CREDIT_NOTE = "credit_note", _("credit note")  # corrects an issued invoice; negative amounts


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
    kind = models.CharField(
        _("kind"), max_length=20, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE
    )
    # A credit note names the invoice it corrects; the original's number and date are printed.
    credited_invoice = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
        verbose_name=_("credited invoice"),
        db_index=False,  # the partial index invoice_credit_notes: almost every row is NULL
    )
    credit_reason = models.TextField(_("reason for the credit note"), blank=True)
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
    # Payments less refunds, kept with the invoice (under its row lock) so lists need no sums.
    amount_paid = MoneyField(_("paid"), default=0)
    currency = models.CharField(_("currency"), max_length=3)
    payment_method = models.CharField(
        _("payment method"),
        max_length=20,
        choices=InvoicePaymentMethod.choices,
        default=InvoicePaymentMethod.BANK_TRANSFER,
    )

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
            models.UniqueConstraint(
                fields=["kind", "year", "sequence"], name="invoice_sequence_per_kind_and_year"
            )
        ]
        indexes = [
            models.Index(fields=["status", "-year", "-sequence"], name="invoice_status_number"),
            models.Index(fields=["client", "-year", "-sequence"], name="invoice_client_number"),
            models.Index(fields=["issued_on"], name="invoice_issued_on"),
            # Only credit notes: a full index holds one NULL per invoice, and SQLite's statistics
            # then take it for useless and read every invoice to find an invoice's notes.
            models.Index(
                fields=["credited_invoice"],
                name="invoice_credit_notes",
                condition=Q(credited_invoice__isnull=False),
            ),
            # Overdue reminders look for unpaid invoices past their due date.
            models.Index(fields=["status", "due_on"], name="invoice_status_due"),
            models.Index(fields=["-year", "-sequence"], name="invoice_newest"),  # the list order
            # The staff dashboard's open and overdue sums, from the index alone on PostgreSQL
            # (INCLUDE); SQLite builds the partial index without the included columns.
            models.Index(
                fields=["due_on"],
                include=["total", "amount_paid"],
                condition=Q(status="unpaid", kind="invoice"),
                name="invoice_unpaid_open",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def client_display_name(self) -> str:
        return self.client_company or self.client_name

    @property
    def is_unpaid(self) -> bool:
        return self.status == InvoiceStatus.UNPAID

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE

    @property
    def amount_due(self):
        if self.status != InvoiceStatus.UNPAID or self.is_credit_note:
            return ZERO
        return max(self.total - self.amount_paid, ZERO)


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
    # The service or domain whose period the line charges; a paid line moves its due date.
    service = models.ForeignKey(
        "provisioning.Service",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoice_lines",
        verbose_name=_("service"),
    )
    domain = models.ForeignKey(
        "domains.Domain",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoice_lines",
        verbose_name=_("domain"),
    )
    # The line of the original invoice that a credit-note line corrects.
    credits_line = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credited_by",
        verbose_name=_("credits line"),
    )
    description = models.CharField(_("description"), max_length=255)
    # Periods are half-open: from period_start up to (not including) period_end, which is the
    # next period's start and the next due date. Printed as "1 Jan - 31 Jan".
    period_start = models.DateField(_("period from"), null=True, blank=True)
    # Empty for one-time charges: they cover no period.
    period_end = models.DateField(_("period until"), null=True, blank=True)
    # A line of a cancelled invoice no longer charges its period, which can then be invoiced anew.
    void = models.BooleanField(_("void"), default=False)
    quantity = models.DecimalField(_("quantity"), max_digits=9, decimal_places=2, default=1)
    unit_price = MoneyField(_("unit price"))
    amount = MoneyField(_("amount excluding VAT"))
    vat_amount = MoneyField(_("VAT"))

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position", "id"]
        constraints = [
            # One charge per service (and per domain) per period: a second billing run, an
            # overlapping worker or a retry cannot invoice the same period twice.
            models.UniqueConstraint(
                fields=["service", "period_start"],
                condition=Q(void=False, service__isnull=False, period_start__isnull=False),
                name="one_line_per_service_period",
            ),
            models.UniqueConstraint(
                fields=["domain", "period_start"],
                condition=Q(void=False, domain__isnull=False, period_start__isnull=False),
                name="one_line_per_domain_period",
            ),
        ]
        indexes = [
            models.Index(fields=["service", "period_start"], name="invoiceline_service_period"),
            models.Index(fields=["domain", "period_start"], name="invoiceline_domain_period"),
        ]

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


class PaymentKind(models.TextChoices):
    PAYMENT = "payment", _("payment")
    REFUND = "refund", _("refund")
    CHARGEBACK = "chargeback", _("chargeback")


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("bank transfer")
    IDEAL = "ideal", _("iDEAL")
    DIRECT_DEBIT = "direct_debit", _("direct debit")
    CASH = "cash", _("cash")
    CREDIT = "credit", _("client credit")
    OTHER = "other", _("other")


class Payment(models.Model):
    """Money in (a payment) or out (a refund, a chargeback) for an invoice: the payment ledger.

    Unique on (provider, reference, kind): a repeated webhook, a second worker or a form sent
    twice books nothing twice.
    """

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(
        _("kind"), max_length=20, choices=PaymentKind.choices, default=PaymentKind.PAYMENT
    )
    amount = MoneyField(_("amount"))  # positive; the kind says which way it goes
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices)
    provider = models.CharField(_("provider"), max_length=30, default="manual")
    reference = models.CharField(_("reference"), max_length=100)
    paid_on = models.DateField(_("date"))
    actor_label = models.CharField(_("booked by"), max_length=200)
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["invoice", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "reference", "kind"], name="one_payment_per_reference"
            )
        ]
        # Income per month (dashboard) and the payments list are read by date.
        indexes = [models.Index(fields=["paid_on"], name="payment_paid_on")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.reference}"


class CreditEntry(models.Model):
    """A change of a client's credit: an overpayment adds to it, paying an invoice from it takes
    from it. The balance is the sum; each entry is unique to its cause."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="credit_entries"
    )
    amount = MoneyField(_("amount"))  # positive: credit added; negative: credit used
    payment = models.OneToOneField(
        Payment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_entry",
        verbose_name=_("from payment"),
    )
    invoice = models.ForeignKey(
        Invoice,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_entries",
        verbose_name=_("used for invoice"),
    )
    description = models.CharField(_("description"), max_length=255)
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit entry")
        verbose_name_plural = _("credit entries")
        ordering = ["client", "-created_at", "-id"]
        indexes = [models.Index(fields=["client", "created_at"], name="credit_client_time")]

    def __str__(self) -> str:
        return f"{self.client_id} {self.amount}"


class CreditNoteCounter(models.Model):
    """The last credit-note number of a year: credit notes have a gapless series of their own."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("credit note counter")
        verbose_name_plural = _("credit note counters")

    def __str__(self) -> str:
        return f"C{self.year}: {self.last_number}"


class DueDateMove(models.Model):
    """A paid line moved its service's or domain's next due date from one day to the next.

    The unique constraints make the move happen once: paying twice, a repeated webhook or a
    second worker finds the row and moves nothing.
    """

    line = models.OneToOneField(InvoiceLine, on_delete=models.PROTECT, related_name="due_move")
    service = models.ForeignKey(
        "provisioning.Service",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="due_moves",
    )
    domain = models.ForeignKey(
        "domains.Domain", null=True, blank=True, on_delete=models.CASCADE, related_name="due_moves"
    )
    from_date = models.DateField(_("from"))
    to_date = models.DateField(_("to"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("due date move")
        verbose_name_plural = _("due date moves")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "from_date"],
                condition=Q(service__isnull=False),
                name="one_due_move_per_service_period",
            ),
            models.UniqueConstraint(
                fields=["domain", "from_date"],
                condition=Q(domain__isnull=False),
                name="one_due_move_per_domain_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_date} → {self.to_date}"


class ReminderKind(models.TextChoices):
    BEFORE_DUE = "before_due", _("payment reminder")
    OVERDUE_1 = "overdue_1", _("first overdue notice")
    OVERDUE_2 = "overdue_2", _("second overdue notice")
    OVERDUE_3 = "overdue_3", _("third overdue notice")


class InvoiceReminder(models.Model):
    """A reminder or overdue notice sent for an invoice; each kind once (unique)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    sent_on = models.DateField(_("sent on"))
    email = models.ForeignKey(
        "notifications.OutgoingEmail",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invoice reminder")
        verbose_name_plural = _("invoice reminders")
        ordering = ["invoice", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "kind"], name="one_reminder_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.invoice} {self.kind}"


class RenewalStatus(models.TextChoices):
    PENDING = "pending", _("to be sent to the registry")
    DONE = "done", _("renewed at the registry")
    FAILED = "failed", _("failed; retried by the next billing run")


class DomainRenewal(models.Model):
    """A paid domain period to be renewed at the registry; one per domain and period."""

    domain = models.ForeignKey("domains.Domain", on_delete=models.CASCADE, related_name="renewals")
    line = models.OneToOneField(InvoiceLine, on_delete=models.PROTECT, related_name="renewal")
    period_start = models.DateField(_("period from"))
    years = models.PositiveSmallIntegerField(_("years"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=RenewalStatus.choices, default=RenewalStatus.PENDING
    )
    last_error = models.TextField(_("last error"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("domain renewal")
        verbose_name_plural = _("domain renewals")
        constraints = [
            models.UniqueConstraint(
                fields=["domain", "period_start"], name="one_renewal_per_domain_period"
            )
        ]
        indexes = [models.Index(fields=["status"], name="domainrenewal_status")]

    def __str__(self) -> str:
        return f"{self.domain} {self.period_start}"


class CancellationWhen(models.TextChoices):
    END_OF_PERIOD = "end_of_period", _("at the end of the paid period")
    NOW = "now", _("immediately")


class CancellationStatus(models.TextChoices):
    PENDING = "pending", _("requested")
    DONE = "done", _("carried out")
    WITHDRAWN = "withdrawn", _("withdrawn")


class CancellationRequest(models.Model):
    """A client's or staff member's request to end a service; at most one open per service."""

    service = models.ForeignKey(
        "provisioning.Service", on_delete=models.CASCADE, related_name="cancellation_requests"
    )
    when = models.CharField(_("when"), max_length=20, choices=CancellationWhen.choices)
    reason = models.TextField(_("reason"), blank=True)
    # The day the service ends: the end of its paid period, or the day of the request.
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CancellationStatus.choices,
        default=CancellationStatus.PENDING,
    )
    requested_by = models.CharField(_("requested by"), max_length=200)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    done_at = models.DateTimeField(_("carried out at"), null=True, blank=True)

    class Meta:
        verbose_name = _("cancellation request")
        verbose_name_plural = _("cancellation requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(status="pending"),
                name="one_open_cancellation_per_service",
            )
        ]
        indexes = [models.Index(fields=["status", "ends_on"], name="cancellation_due")]

    def __str__(self) -> str:
        return f"{self.service} {self.when}"


class BillingRun(models.Model):
    """One run of the daily billing work for a day, with its summary."""

    run_date = models.DateField(_("day"))
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    started_by = models.CharField(_("started by"), max_length=200)
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta:
        verbose_name = _("billing run")
        verbose_name_plural = _("billing runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.run_date}"


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


class MolliePaymentStatus(models.TextChoices):
    OPEN = "open", _("waiting for the client")  # created; the client has not finished checkout
    PENDING = "pending", _("waiting for the bank")  # checkout done, the bank has not confirmed
    AUTHORIZED = "authorized", _("authorised")  # reserved, not captured (not used for iDEAL)
    PAID = "paid", _("paid")  # final: the money is in; booked on the invoice once
    FAILED = "failed", _("failed")  # final: the bank refused
    CANCELED = "canceled", _("cancelled by the client")  # final: the client stopped checkout
    EXPIRED = "expired", _("expired")  # final: not finished in time


class MolliePayment(models.Model):
    """A payment started at Mollie for an invoice. Its status follows what Mollie reports and
    changes only under this row's lock; the money itself is booked in the payment ledger."""

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="mollie_payments", verbose_name=_("invoice")
    )
    mollie_id = models.CharField(_("Mollie payment id"), max_length=70, unique=True)
    # Sent with the create call: a retried or repeated start gets the same Mollie payment.
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MolliePaymentStatus.choices,
        default=MolliePaymentStatus.OPEN,
    )
    amount = MoneyField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    checkout_url = models.URLField(_("checkout address"), max_length=500, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    started_by = models.CharField(_("started by"), max_length=200)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("Mollie payment")
        verbose_name_plural = _("Mollie payments")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["invoice", "-created_at"], name="molliepayment_invoice")]

    def __str__(self) -> str:
        return self.mollie_id

    @property
    def is_final(self) -> bool:
        return self.status in (
            MolliePaymentStatus.PAID,
            MolliePaymentStatus.FAILED,
            MolliePaymentStatus.CANCELED,
            MolliePaymentStatus.EXPIRED,
        )


class BillingSetting(models.Model):
    """A billing setting staff changed in the staff area; without a row the environment decides.

    Read through `hostwerk.billing.config.billing_setting`, never directly.
    """

    name = models.CharField(_("setting"), max_length=60, unique=True)
    value = models.JSONField(_("value"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("billing setting")
        verbose_name_plural = _("billing settings")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
