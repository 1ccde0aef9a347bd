"""Users (e-mail login; staff or client), API tokens (stored hashed) and failed-login records."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hostwerk.core.fields import EncryptedTextField


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("a user needs an e-mail address")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class ClientArea(models.TextChoices):
    """The parts of the client area (and of a client token's API) a login may be allowed into."""

    BILLING = "billing", _("billing")  # invoices, orders and the client's contact details
    TECHNICAL = "technical", _("technical")  # services, domains, DNS and mailboxes
    LOGINS = "logins", _("logins")  # who else may log in for the client


class ClientAccess(models.TextChoices):
    """What a client login may do (WHMCS 8 calls these the user's permissions)."""

    OWNER = "owner", _("owner")  # the account holder: everything, and manages the other logins
    ALL = "all", _("billing and technical")  # everything except managing logins
    BILLING = "billing", _("billing only")  # invoices, orders, contact details
    TECHNICAL = "technical", _("technical only")  # services, domains, DNS, mail


CLIENT_ACCESS_AREAS: dict[str, frozenset[str]] = {
    ClientAccess.OWNER: frozenset(ClientArea.values),
    ClientAccess.ALL: frozenset({ClientArea.BILLING, ClientArea.TECHNICAL}),
    ClientAccess.BILLING: frozenset({ClientArea.BILLING}),
    ClientAccess.TECHNICAL: frozenset({ClientArea.TECHNICAL}),
}


class User(AbstractBaseUser, PermissionsMixin):
    """A login. Staff users (is_staff) use the staff area; client users belong to one client."""

    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="users",
        verbose_name=_("client"),
    )
    client_access = models.CharField(
        _("access"),
        max_length=20,
        choices=ClientAccess.choices,
        default=ClientAccess.OWNER,
        help_text=_("For client logins: which parts of the client area this login may use."),
    )
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="nl"
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # Staff two-factor login (TOTP): the secret is encrypted at rest; it counts once confirmed.
    totp_secret = EncryptedTextField(_("authenticator secret"), blank=True, default="")
    totp_confirmed_at = models.DateTimeField(_("two-factor login since"), null=True, blank=True)
    # The last 30-second step a code was accepted for: a code works once.
    totp_last_step = models.BigIntegerField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [("impersonate_client", "Can log in as a client")]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(is_staff=True) & models.Q(client__isnull=False)),
                name="staff_user_has_no_client",
            )
        ]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def can_impersonate(self) -> bool:
        return self.is_active and self.is_staff and self.has_perm("accounts.impersonate_client")

    @property
    def client_areas(self) -> frozenset[str]:
        """The client-area parts this login may use; staff are not limited by it."""
        if self.is_staff:
            return frozenset(ClientArea.values)
        return CLIENT_ACCESS_AREAS.get(self.client_access, frozenset())

    @property
    def has_two_factor(self) -> bool:
        return self.totp_confirmed_at is not None

    @property
    def has_password_set(self) -> bool:
        """False for an invited login whose owner has not chosen a password yet."""
        return self.has_usable_password()


class ApiToken(models.Model):
    """A bearer token for API v1. Only a SHA-256 hash is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    token_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class LoginFailure(models.Model):
    """A failed login, kept a short while so that guessing can be throttled across processes."""

    email = models.CharField(max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.email} {self.created_at:%Y-%m-%d %H:%M}"


class LoginLinkPurpose(models.TextChoices):
    INVITATION = "invitation", _("invitation")  # a new login chooses its first password
    PASSWORD_RESET = "password_reset", _("password reset")  # a login chooses a new password


class LoginLink(models.Model):
    """A one-time link to set a password. Only a SHA-256 hash of its token is stored.

    A link works once (`used_at`) and until `expires_at`; issuing a new link for the same login,
    or setting the password, ends the earlier ones.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_links")
    purpose = models.CharField(_("purpose"), max_length=20, choices=LoginLinkPurpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used or ended"), null=True, blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("login link")
        verbose_name_plural = _("login links")
        indexes = [models.Index(fields=["user", "created_at"], name="login_link_user_time")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} for {self.user.email}"


class RecoveryCode(models.Model):
    """A one-time code for a staff login whose authenticator is lost. Only a SHA-256 hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        indexes = [models.Index(fields=["user", "code_hash"], name="recovery_code_user_hash")]

    def __str__(self) -> str:
        return f"recovery code of {self.user.email}"
