"""Writes on user accounts: client logins, their one-time links to set a password, language."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hostwerk.accounts.models import ClientAccess, LoginLink, LoginLinkPurpose, RecoveryCode, User
from hostwerk.accounts.throttle import login_blocked, login_failure_record, login_failures_clear
from hostwerk.clients.actions import client_create
from hostwerk.clients.models import Client, ClientStatus
from hostwerk.core import clock
from hostwerk.core.audit import Actor, audit_record
from hostwerk.core.errors import HostwerkError
from hostwerk.core.models import ActorKind

# A forgotten-password form can be filled in by anyone: at most this many links per login and
# hour, so it cannot be used to flood someone's mailbox.
RESET_LINKS_PER_HOUR = 3


class ClientUserInvalid(HostwerkError):
    """A client login cannot be created or changed this way; `field` names the input at fault."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class LoginLinkInvalid(HostwerkError):
    """The link is unknown, used or expired. Which of these is not said (or known to callers)."""


def user_set_language(*, user: User, language: str) -> None:
    # A display preference, not business data: not audited.
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _link_lifetime(purpose: str) -> timedelta:
    if purpose == LoginLinkPurpose.INVITATION:
        return timedelta(hours=settings.HOSTWERK_INVITATION_LINK_HOURS)
    return timedelta(hours=settings.HOSTWERK_PASSWORD_RESET_LINK_HOURS)


@transaction.atomic
def login_link_send(*, actor: Actor, user: User, purpose: str) -> LoginLink:
    """Issue a one-time link for `user` and e-mail it; earlier unused links stop working."""
    from hostwerk.notifications.actions import email_queue

    if user.is_staff or user.client_id is None:
        raise ClientUserInvalid(_("Links to set a password are for client logins only."))
    now = timezone.now()
    LoginLink.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    token = secrets.token_urlsafe(32)
    lifetime = _link_lifetime(purpose)
    link = LoginLink.objects.create(
        user=user,
        purpose=purpose,
        token_hash=token_hash(token),
        expires_at=now + lifetime,
        created_by=actor.user,
    )
    client = user.client
    email_queue(
        template="login_invitation" if purpose == LoginLinkPurpose.INVITATION else "password_reset",
        to=user.email,
        language=user.language,
        client=client,
        obj=user,
        context={
            "client": client,
            "user": user,
            "link_url": settings.BASE_URL + reverse("password_set", args=[token]),
            "login_url": settings.BASE_URL + reverse("portal:login"),
            "hours": int(lifetime.total_seconds() // 3600),
            "areas": sorted(user.client_areas),
        },
    )
    audit_record(
        actor=actor,
        action=f"user.{purpose}_send",
        obj=user,
        client=client,
        data={"email": user.email, "expires_at": link.expires_at.isoformat()},
    )
    return link


def _email_in_use(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


@transaction.atomic
def client_create_with_login(*, actor: Actor, values: dict[str, Any], invite: bool) -> Client:
    """Create a client; with `invite` (and an e-mail address) also its owner's login and the
    e-mail with the link to choose a password."""
    client = client_create(actor=actor, values=values)
    if invite and client.email:
        client_user_create(
            actor=actor, client=client, email=client.email, access=ClientAccess.OWNER, invite=True
        )
    return client


@transaction.atomic
def client_user_create(
    *,
    actor: Actor,
    client: Client,
    email: str,
    access: str,
    invite: bool,
    name: str = "",
) -> User:
    """A login for `client` without a password; with `invite`, an e-mail to choose one."""
    email = email.strip().lower()
    if access not in ClientAccess.values:
        raise ClientUserInvalid(_("Choose one of the listed permissions."), field="permissions")
    if _email_in_use(email):
        raise ClientUserInvalid(
            _("There is already a login with this e-mail address."), field="email"
        )
    if (
        access == ClientAccess.OWNER
        and client.users.filter(client_access=ClientAccess.OWNER).exists()
    ):
        raise ClientUserInvalid(
            _("This client already has an owner; give the new login other permissions."),
            field="permissions",
        )
    user = User(
        email=email,
        name=name or (client.full_name if access == ClientAccess.OWNER else ""),
        client=client,
        client_access=access,
        language=client.language,
    )
    user.set_unusable_password()
    user.save()
    audit_record(
        actor=actor,
        action="client_user.create",
        obj=user,
        client=client,
        data={"email": email, "access": access, "invite": invite},
    )
    if invite:
        login_link_send(actor=actor, user=user, purpose=LoginLinkPurpose.INVITATION)
    return user


@transaction.atomic
def client_user_remove(*, actor: Actor, user: User) -> None:
    """Remove a client's extra login. The owner stays: the account holder is never locked out."""
    if user.client_access == ClientAccess.OWNER:
        raise ClientUserInvalid(
            _("The owner's login cannot be removed; the client's account would have nobody.")
        )
    client = user.client
    audit_record(
        actor=actor,
        action="client_user.remove",
        obj=user,
        client=client,
        data={"email": user.email, "access": user.client_access},
    )
    user.delete()


@transaction.atomic
def client_user_set_access(*, actor: Actor, user: User, access: str) -> User:
    if access not in ClientAccess.values or access == ClientAccess.OWNER:
        raise ClientUserInvalid(_("Choose one of the listed permissions."), field="permissions")
    if user.client_access == ClientAccess.OWNER:
        raise ClientUserInvalid(_("The owner keeps every permission."), field="permissions")
    before = user.client_access
    if before != access:
        User.objects.filter(pk=user.pk).update(client_access=access)
        user.client_access = access
        audit_record(
            actor=actor,
            action="client_user.update",
            obj=user,
            client=user.client,
            changes={"client_access": [before, access]},
        )
    return user


def password_reset_request(*, email: str, ip_address: str | None) -> None:
    """The forgotten-password form: a reset link if the address is an open client login.

    Nothing is returned or raised either way, so the page can answer the same for every address.
    """
    user = (
        User.objects.select_related("client")
        .filter(email__iexact=email.strip(), is_active=True, is_staff=False)
        .exclude(client__isnull=True)
        .exclude(client__status=ClientStatus.CLOSED)
        .first()
    )
    if user is None:
        return
    recent = LoginLink.objects.filter(
        user=user,
        purpose=LoginLinkPurpose.PASSWORD_RESET,
        created_at__gte=timezone.now() - timedelta(hours=1),
    ).count()
    if recent >= RESET_LINKS_PER_HOUR:
        return
    purpose = (
        LoginLinkPurpose.PASSWORD_RESET
        if user.has_usable_password()
        else LoginLinkPurpose.INVITATION  # never set one: the invitation again, fresh
    )
    # Nobody is logged in: the system sends it, on a request from this address.
    actor = Actor(kind=ActorKind.SYSTEM, via="web", ip_address=ip_address)
    login_link_send(actor=actor, user=user, purpose=purpose)


def login_link_valid(*, token: str) -> LoginLink | None:
    """The link this token opens, if it is unused, not expired and its login may still log in."""
    return (
        LoginLink.objects.select_related("user", "user__client")
        .filter(
            token_hash=token_hash(token),
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .exclude(user__client__status=ClientStatus.CLOSED)
        .first()
    )


@transaction.atomic
def password_set_with_link(*, token: str, password: str, ip_address: str | None) -> User:
    """Use the link once: set the password, end every other open link of the login."""
    link = login_link_valid(token=token)
    if link is None:
        raise LoginLinkInvalid(_("This link has expired or has already been used."))
    now = timezone.now()
    # The conditional UPDATE is what makes the link work once, also for two requests at once.
    if not LoginLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=now):
        raise LoginLinkInvalid(_("This link has expired or has already been used."))
    LoginLink.objects.filter(user=link.user, used_at__isnull=True).update(used_at=now)
    user = link.user
    user.set_password(password)
    user.save(update_fields=["password"])
    login_failures_clear(email=user.email)
    audit_record(
        actor=Actor.for_user(user, ip_address=ip_address),
        action="user.password_set",
        obj=user,
        client=user.client,
        data={"purpose": link.purpose},
    )
    return user


# Staff two-factor login: TOTP (RFC 6238, 30-second steps, 6 digits) and one-time recovery codes.

TOTP_STEP_SECONDS = 30
RECOVERY_CODE_COUNT = 10
TWO_FACTOR_ISSUER = "Hostwerk"


def _two_factor_throttle_key(user: User) -> str:
    # Failed codes are counted in the login-failure table under a key no e-mail address can have.
    return f"2fa:{user.pk}"


def _recovery_hash(code: str) -> str:
    normal = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def _totp(secret: str):
    import pyotp

    return pyotp.TOTP(secret, interval=TOTP_STEP_SECONDS)


def two_factor_uri(*, user: User) -> str:
    """The otpauth:// URI an authenticator app reads (as text or as QR code)."""
    return _totp(user.totp_secret).provisioning_uri(name=user.email, issuer_name=TWO_FACTOR_ISSUER)


@transaction.atomic
def two_factor_enrolment_start(*, user: User) -> User:
    """A new secret for a staff login that has no confirmed two-factor login yet (idempotent)."""
    import pyotp

    user = User.objects.select_for_update().get(pk=user.pk)
    if user.totp_confirmed_at is None and not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        user.save(update_fields=["totp_secret"])
    return user


def _matching_step(user: User, code: str) -> int | None:
    """The time step `code` is right for (now, or one step either side for clock drift)."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6) or not user.totp_secret:
        return None
    totp = _totp(user.totp_secret)
    current = totp.timecode(clock.now())
    for step in (current, current - 1, current + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


class TwoFactorRefused(HostwerkError):
    """The code is not right (or throttled); the message says which, for the form."""


def _refuse(*, user: User, ip_address: str | None, reason: str) -> None:
    login_failure_record(email=_two_factor_throttle_key(user), ip_address=ip_address)
    audit_record(
        actor=Actor.for_user(user, ip_address=ip_address),
        action="user.two_factor_failed",
        obj=user,
        data={"reason": reason},
    )


def _check_throttle(user: User) -> None:
    if login_blocked(_two_factor_throttle_key(user)):
        raise TwoFactorRefused(
            _("Too many wrong codes. Wait %(minutes)s minutes and try again.")
            % {"minutes": settings.LOGIN_FAILURE_WINDOW_MINUTES}
        )


def two_factor_confirm(*, user: User, code: str, ip_address: str | None) -> list[str]:
    """Confirm enrolment with a first code; returns the recovery codes (shown once only)."""
    _check_throttle(user)
    user = User.objects.get(pk=user.pk)
    if user.totp_confirmed_at is not None:
        raise TwoFactorRefused(_("Two-factor login is already on for this login."))
    step = _matching_step(user, code)
    if step is None:
        with transaction.atomic():
            _refuse(user=user, ip_address=ip_address, reason="enrolment code")
        raise TwoFactorRefused(_("This code is not right. Enter the code the app shows now."))
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _i in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        user.totp_confirmed_at = clock.now()
        user.totp_last_step = step
        user.save(update_fields=["totp_confirmed_at", "totp_last_step"])
        user.recovery_codes.all().delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(user=user, code_hash=_recovery_hash(code)) for code in codes
        )
        login_failures_clear(email=_two_factor_throttle_key(user))
        audit_record(
            actor=Actor.for_user(user, ip_address=ip_address),
            action="user.two_factor_enrol",
            obj=user,
            data={"recovery_codes": len(codes)},
        )
    return codes


def two_factor_verify(*, user: User, code: str, ip_address: str | None) -> str:
    """The second login step: a current authenticator code or an unused recovery code.

    Returns "totp" or "recovery_code"; raises TwoFactorRefused otherwise. Each works once.
    """
    _check_throttle(user)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.totp_confirmed_at is None:
            raise TwoFactorRefused(_("Two-factor login is not set up for this login."))
        actor = Actor.for_user(user, ip_address=ip_address)
        step = _matching_step(user, code)
        if step is not None and (user.totp_last_step is None or step > user.totp_last_step):
            user.totp_last_step = step
            user.save(update_fields=["totp_last_step"])
            login_failures_clear(email=_two_factor_throttle_key(user))
            audit_record(actor=actor, action="user.two_factor_login", obj=user)
            return "totp"
        recovery = (
            user.recovery_codes.filter(code_hash=_recovery_hash(code), used_at__isnull=True)
            .order_by("pk")
            .first()
        )
        if step is None and recovery is not None:
            recovery.used_at = clock.now()
            recovery.save(update_fields=["used_at"])
            login_failures_clear(email=_two_factor_throttle_key(user))
            left = user.recovery_codes.filter(used_at__isnull=True).count()
            audit_record(
                actor=actor,
                action="user.two_factor_recovery_code_used",
                obj=user,
                data={"recovery_codes_left": left},
            )
            return "recovery_code"
        _refuse(
            user=user,
            ip_address=ip_address,
            reason="code used before" if step is not None else "wrong code",
        )
    raise TwoFactorRefused(_("This code is not right. Enter the code the app shows now."))
