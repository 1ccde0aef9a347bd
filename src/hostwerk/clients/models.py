"""The Client: a customer of the provider, with the contact data registrars and invoices need."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from hostwerk.core.validators import EU_COUNTRIES, phone_for_display


class ClientStatus(models.TextChoices):
    ACTIVE = "active", _("active")  # may order and log in
    INACTIVE = "inactive", _("inactive")  # no current services; keeps its history
    CLOSED = "closed", _("closed")  # account closed; logins refused


class LegalForm(models.TextChoices):
    """Legal forms as SIDN (.nl) knows them; other registries get the nearest meaning."""

    PERSOON = "PERSOON", _("natural person")
    EENMANSZAAK = "EENMANSZAAK", _("sole proprietorship (eenmanszaak)")
    VOF = "VOF", _("general partnership (vof)")
    MAATSCHAP = "MAATSCHAP", _("partnership (maatschap)")
    CV = "CV", _("limited partnership (cv)")
    BV = "BV", _("private limited company (bv)")
    BVIO = "BVI/O", _("bv in formation")
    NV = "NV", _("public limited company (nv)")
    COOP = "COOP", _("cooperative")
    OWM = "OWM", _("mutual insurance society (owm)")
    STICHTING = "STICHTING", _("foundation (stichting)")
    VERENIGING = "VERENIGING", _("association (vereniging)")
    KERK = "KERK", _("church community")
    EESV = "EESV", _("European economic interest grouping")
    REDR = "REDR", _("shipping company (rederij)")
    BGG = "BGG", _("non-Dutch EU company")
    BRO = "BRO", _("non-Dutch legal form")
    ANDERS = "ANDERS", _("other")


class InvoicePaymentMethod(models.TextChoices):
    """How a client pays its invoices; chosen per client, per order, copied onto the invoice."""

    BANK_TRANSFER = "bank_transfer", _("bank transfer")  # the client transfers to our IBAN
    IDEAL = "ideal", _("iDEAL")  # the client pays online through the invoice's payment link
    DIRECT_DEBIT = "direct_debit", _("direct debit")  # we collect it; the client does nothing


class Client(models.Model):
    number = models.PositiveIntegerField(_("client number"), unique=True, null=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail address"), db_index=True)
    phone = models.CharField(
        _("phone number"), max_length=20, blank=True, help_text=_("Stored as +31201234567.")
    )
    address1 = models.CharField(_("address"), max_length=200, blank=True)
    address2 = models.CharField(_("address (line 2)"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    state = models.CharField(_("province or state"), max_length=100, blank=True)
    country = CountryField(_("country"), default="NL")
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=settings.LANGUAGES,
        default="nl",
        help_text=_("For e-mails and invoices."),
    )
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    legal_form = models.CharField(
        _("legal form"), max_length=20, choices=LegalForm.choices, blank=True
    )
    registration_number = models.CharField(
        _("chamber of commerce number"), max_length=30, blank=True
    )
    payment_method = models.CharField(
        _("payment method"),
        max_length=20,
        choices=InvoicePaymentMethod.choices,
        default=InvoicePaymentMethod.BANK_TRANSFER,
        help_text=_("How the client pays; new orders and their invoices start with this."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ClientStatus.choices, default=ClientStatus.ACTIVE
    )
    notes = models.TextField(_("notes"), blank=True)
    review_orders = models.BooleanField(
        _("orders need review by staff"),
        default=False,
        help_text=_("A paid order of this client is not accepted by itself; staff accept it."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["-number"]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="client_name"),
            models.Index(fields=["company"], name="client_company"),
            models.Index(fields=["-created_at"], name="client_newest"),  # the dashboard's newest
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.display_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def display_name(self) -> str:
        return self.company or self.full_name

    @property
    def phone_display(self) -> str:
        return phone_for_display(self.phone)

    @property
    def legal_form_for_registry(self) -> str:
        """The legal form registries get: a client without a company is a natural person.

        Only businesses must choose one; "" means a business whose legal form is not known yet.
        """
        if self.legal_form:
            return self.legal_form
        return "" if self.company.strip() else LegalForm.PERSOON

    @property
    def is_business(self) -> bool:
        return bool(self.company) or self.legal_form not in ("", LegalForm.PERSOON)

    @property
    def in_eu(self) -> bool:
        return self.country.code in EU_COUNTRIES
