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

from hostwerk.accounts.models import ClientAccess, LoginLink, LoginLinkPurpose, User
from hostwerk.accounts.throttle import login_failures_clear
from hostwerk.clients.actions import client_create
from hostwerk.clients.models import Client, ClientStatus
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
