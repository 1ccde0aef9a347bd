"""Orders and their items. An order's status follows from its items (DESIGN section 4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hostwerk.catalog.models import BillingCycle
from hostwerk.clients.models import InvoicePaymentMethod
from hostwerk.core.fields import EncryptedTextField
from hostwerk.core.money import MoneyField


class OrderStatus(models.TextChoices):
    PENDING = "pending", _("pending")  # placed; at least one item is not accepted yet
    ACTIVE = "active", _("active")  # every item that was not cancelled is accepted
    CANCELLED = "cancelled", _("cancelled")  # cancelled by staff before acceptance
    FRAUD = "fraud", _("fraud")  # marked as fraud by staff; nothing is provisioned


class OrderChannel(models.TextChoices):
    CLIENT_AREA = "client_area", _("client area")  # R1 a: the client ordered
    IMPERSONATION = "impersonation", _("staff as client")  # R1 b: staff logged in as the client
    STAFF = "staff", _("staff order entry")  # R1 c: staff entered the order with options
    API = "api", _("API")  # placed through API v1


class HoldReason(models.TextChoices):
    """Why a paid order was not accepted by itself and waits for staff."""

    CLIENT_REVIEW = "client_review", _("staff review this client's orders")
    PRODUCT_MANUAL = "product_manual", _("a product in it is set up by staff")
    FIRST_ORDER_ABOVE = "first_order_above", _("first order of a new client above the review limit")


class Order(models.Model):
    number = models.PositiveIntegerField(_("order number"), unique=True, null=True)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="orders", verbose_name=_("client")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING
    )
    channel = models.CharField(_("channel"), max_length=20, choices=OrderChannel.choices)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("placed by"),
    )
    generate_invoice = models.BooleanField(_("generate invoice"), default=True)
    send_confirmation = models.BooleanField(_("send order confirmation"), default=True)
    send_invoice_email = models.BooleanField(_("send invoice e-mail"), default=True)
    payment_method = models.CharField(
        _("payment method"),
        max_length=20,
        choices=InvoicePaymentMethod.choices,
        default=InvoicePaymentMethod.BANK_TRANSFER,
    )
    total = MoneyField(_("total excluding VAT"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    hold_reason = models.CharField(
        _("waiting for staff because"), max_length=30, choices=HoldReason.choices, blank=True
    )
    created_at = models.DateTimeField(_("placed"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="order_status_time"),
            models.Index(fields=["client", "-created_at"], name="order_client_time"),
            models.Index(fields=["channel", "-created_at"], name="order_channel_time"),
            models.Index(fields=["-created_at", "-id"], name="order_newest"),  # the list order
        ]

    def __str__(self) -> str:
        return f"#{self.number}"


class ItemKind(models.TextChoices):
    HOSTING = "hosting", _("hosting")  # from a hosting product
    FORWARDING = "forwarding", _("forwarding package")  # from a forwarding product
    MAIL_FILTER = "mail_filter", _("mail filtering")  # from a mail filtering product
    OTHER = "other", _("other")  # from any other product
    DOMAIN_REGISTER = "domain_register", _("domain registration")
    DOMAIN_TRANSFER = "domain_transfer", _("domain transfer")


DOMAIN_KINDS = (ItemKind.DOMAIN_REGISTER, ItemKind.DOMAIN_TRANSFER)


class DomainChoice(models.TextChoices):
    """How a hosting, forwarding or mail filtering item gets its domain."""

    REGISTER = "register", _("register a new domain")  # a registration item is added
    TRANSFER = "transfer", _("transfer a domain to us")  # a transfer item is added
    EXISTING = "existing", _("a domain I already have here")
    EXTERNAL = "external", _("a domain registered elsewhere")  # the client points it at us


# The same choices as staff read them: they arrange the domain for the client.
STAFF_DOMAIN_CHOICE_LABELS: dict[str, Promise] = {
    DomainChoice.REGISTER: _("register a new domain"),
    DomainChoice.TRANSFER: _("transfer a domain to us"),
    DomainChoice.EXISTING: _("a domain the client already has here"),
    DomainChoice.EXTERNAL: _("a domain registered elsewhere"),
}


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("pending")  # not processed yet
    ACCEPTED = "accepted", _("accepted")  # done; never processed again
    FAILED = "failed", _("failed")  # the last attempt failed; `error` says what to fix
    CANCELLED = "cancelled", _("cancelled")  # cancelled with its order


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    product = models.ForeignKey(
        "catalog.Product",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("product"),
    )
    domain = models.CharField(_("domain"), max_length=253, blank=True, db_index=True)
    domain_choice = models.CharField(
        _("domain"), max_length=20, choices=DomainChoice.choices, blank=True
    )
    forwarding_url = models.URLField(_("forward to"), max_length=500, blank=True)
    auth_code = EncryptedTextField(_("EPP auth code"), blank=True)
    billing_cycle = models.CharField(
        _("billing cycle"), max_length=20, choices=BillingCycle.choices, blank=True
    )
    years = models.PositiveSmallIntegerField(_("years"), null=True, blank=True)
    list_price = MoneyField(_("catalogue price"))
    price = MoneyField(_("price"))
    setup_fee = MoneyField(_("setup fee"), default=0)
    price_overridden = models.BooleanField(_("price overridden"), default=False)
    linked_item = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="linked_items",
        help_text=_("The hosting item a domain item was ordered with."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.PENDING
    )
    error = models.TextField(_("error"), blank=True)
    error_field = models.CharField(
        _("where to fix it"), max_length=200, blank=True, help_text=_("A link to the field to fix.")
    )
    # The Plesk or SpamExperts code and text behind `error`, kept as sent, so staff read
    # Hostwerk's explanation of it in their own language (provisioning/remote_errors.py).
    remote_error = models.JSONField(_("remote error"), default=dict, blank=True)
    # A lease: the accept run that works on this item. Another run skips a leased item, so two
    # accepts at once provision it once; a lease older than ITEM_LEASE is considered abandoned.
    processing_by = models.CharField(max_length=40, blank=True)
    processing_since = models.DateTimeField(null=True, blank=True)
    plan = models.JSONField(_("acceptance plan"), default=dict, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("order item")
        verbose_name_plural = _("order items")
        ordering = ["order", "position", "id"]
        indexes = [models.Index(fields=["status"], name="order_item_status")]

    def __str__(self) -> str:
        return self.description

    @property
    def error_display(self) -> str:
        """The failure in the reader's language where Hostwerk can word it (a Plesk step it
        knows); else the message stored."""
        from hostwerk.provisioning.remote_errors import remote_error_headline

        return remote_error_headline(self.remote_error) or self.error

    @property
    def remote_error_explained(self):
        from hostwerk.provisioning.remote_errors import remote_error_explain

        return remote_error_explain(self.remote_error)

    @property
    def is_domain(self) -> bool:
        return self.kind in DOMAIN_KINDS

    @property
    def domain_choice_for_staff(self) -> str:
        return str(STAFF_DOMAIN_CHOICE_LABELS.get(self.domain_choice, self.domain_choice))

    @property
    def description(self) -> str:
        if self.kind == ItemKind.DOMAIN_REGISTER:
            return _("Registration of %(domain)s") % {"domain": self.domain_display}
        if self.kind == ItemKind.DOMAIN_TRANSFER:
            return _("Transfer of %(domain)s") % {"domain": self.domain_display}
        name = self.product.name if self.product is not None else self.get_kind_display()
        return f"{name} — {self.domain_display}" if self.domain else str(name)

    @property
    def domain_display(self) -> str:
        from hostwerk.core.domain_names import DomainNameError, parse_domain_name

        try:
            return parse_domain_name(self.domain).unicode
        except DomainNameError:
            return self.domain
