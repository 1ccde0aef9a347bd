"""Products, their prices per billing cycle, TLDs and their prices per year count."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hostwerk.core.money import MoneyField


class BillingCycle(models.TextChoices):
    FREE = "free", _("free")  # no charge at all
    ONE_TIME = "one_time", _("one time")  # charged once, never renewed
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    SEMIANNUALLY = "semiannually", _("semi-annually")
    ANNUALLY = "annually", _("annually")
    BIENNIALLY = "biennially", _("biennially")
    TRIENNIALLY = "triennially", _("triennially")


# Length of one period in months; 0 for cycles that do not recur.
CYCLE_MONTHS: dict[str, int] = {
    BillingCycle.FREE: 0,
    BillingCycle.ONE_TIME: 0,
    BillingCycle.MONTHLY: 1,
    BillingCycle.QUARTERLY: 3,
    BillingCycle.SEMIANNUALLY: 6,
    BillingCycle.ANNUALLY: 12,
    BillingCycle.BIENNIALLY: 24,
    BillingCycle.TRIENNIALLY: 36,
}


class ProductType(models.TextChoices):
    HOSTING = "hosting", _("hosting")  # a Plesk subscription
    FORWARDING = (
        "forwarding",
        _("forwarding package"),
    )  # forwarding subscription on the forwarding server
    MAIL_FILTER = "mail_filter", _("mail filtering")  # SpamExperts filtering for a domain
    OTHER = "other", _("other")  # anything without a remote object


class ProvisioningModule(models.TextChoices):
    PLESK = "plesk", "Plesk"  # creates a customer and a subscription on a Plesk server
    SPAMEXPERTS = "spamexperts", "SpamExperts"  # requests filtering at the provider
    NONE = "none", _("none (manual)")  # staff do the work; Hostwerk only keeps the record


class ProductGroup(models.Model):
    """A heading of the catalogue ("Web hosting", "Mail"); groups and products show in order."""

    name_nl = models.CharField(_("name (Dutch)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    sort_order = models.PositiveIntegerField(_("order in the catalogue"), default=0)
    hidden = models.BooleanField(
        _("hidden"),
        default=False,
        help_text=_("Not shown in the client area's catalogue; its products stay orderable."),
    )

    class Meta:
        verbose_name = _("product group")
        verbose_name_plural = _("product groups")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl


def module_provisions_automatically(module: str) -> bool:
    """Whether accepting an item of this module does the remote work itself (R3)."""
    return module != ProvisioningModule.NONE


class Product(models.Model):
    group = models.ForeignKey(
        ProductGroup,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("product group"),
    )
    name_nl = models.CharField(_("name (Dutch)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    type = models.CharField(_("type"), max_length=20, choices=ProductType.choices)
    module = models.CharField(
        _("provisioning module"), max_length=20, choices=ProvisioningModule.choices
    )
    module_settings = models.JSONField(
        _("module settings"),
        default=dict,
        blank=True,
        help_text=_('For Plesk: {"plan": "Default Domain"}.'),
    )
    server_group = models.ForeignKey(
        "provisioning.ServerGroup",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("server group"),
    )
    default_billing_cycle = models.CharField(
        _("default billing cycle"), max_length=20, choices=BillingCycle.choices
    )
    welcome_email = models.CharField(
        _("welcome e-mail"),
        max_length=100,
        blank=True,
        default="welcome_hosting",
        help_text=_("E-mail template sent when the service is ready; empty for none."),
    )
    accept_when_paid = models.BooleanField(
        _("accept automatically when paid"),
        default=True,
        help_text=_(
            "A paid order with only such products is accepted without staff, unless a review "
            "rule holds it. Off for products staff set up by hand."
        ),
    )
    hidden = models.BooleanField(
        _("hidden"),
        default=False,
        help_text=_("Not listed in the client area; staff can still order it."),
    )
    # Off means retired: no new orders, existing services carry on.
    active = models.BooleanField(_("for sale"), default=True)
    sort_order = models.PositiveIntegerField(_("order in the catalogue"), default=0)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl

    @property
    def description(self) -> str:
        return (
            self.description_en
            if (get_language() or "nl").startswith("en")
            else self.description_nl
        )

    @property
    def needs_domain(self) -> bool:
        return self.type in (ProductType.HOSTING, ProductType.FORWARDING, ProductType.MAIL_FILTER)


class ProductPrice(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="prices")
    billing_cycle = models.CharField(
        _("billing cycle"), max_length=20, choices=BillingCycle.choices
    )
    amount = MoneyField(_("price"))
    setup_fee = MoneyField(_("setup fee"), default=0)

    class Meta:
        verbose_name = _("product price")
        verbose_name_plural = _("product prices")
        constraints = [
            models.UniqueConstraint(fields=["product", "billing_cycle"], name="one_price_per_cycle")
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.billing_cycle}: {self.amount}"


class Tld(models.Model):
    """A top-level domain the provider sells, e.g. "nl" (stored without a dot)."""

    name = models.CharField(_("extension"), max_length=63, unique=True)
    registrar = models.ForeignKey(
        "domains.Registrar",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tlds",
        verbose_name=_("registrar"),
    )
    dns_before_registration = models.BooleanField(
        _("DNS before registration"),
        default=False,
        help_text=_("The registry checks the name servers: the zone is published first."),
    )
    min_years = models.PositiveSmallIntegerField(_("minimum years"), default=1)
    max_years = models.PositiveSmallIntegerField(_("maximum years"), default=10)
    active = models.BooleanField(_("for sale"), default=True)

    class Meta:
        verbose_name = _("TLD")
        verbose_name_plural = _("TLDs")
        ordering = ["name"]

    def __str__(self) -> str:
        return f".{self.name}"


class DomainAction(models.TextChoices):
    REGISTER = "register", _("registration")
    TRANSFER = "transfer", _("transfer")
    RENEW = "renew", _("renewal")


class TldPrice(models.Model):
    tld = models.ForeignKey(Tld, on_delete=models.CASCADE, related_name="prices")
    action = models.CharField(_("action"), max_length=20, choices=DomainAction.choices)
    years = models.PositiveSmallIntegerField(_("years"))
    amount = MoneyField(_("price"))

    class Meta:
        verbose_name = _("TLD price")
        verbose_name_plural = _("TLD prices")
        ordering = ["tld", "action", "years"]
        constraints = [
            models.UniqueConstraint(fields=["tld", "action", "years"], name="one_tld_price")
        ]

    def __str__(self) -> str:
        return f"{self.tld} {self.action} {self.years}y: {self.amount}"
