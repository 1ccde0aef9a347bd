"""Login form: e-mail and password, throttled, with the area (staff or client) checked."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from hostwerk.accounts.models import User
from hostwerk.accounts.throttle import login_blocked, login_failure_record, login_failures_clear
from hostwerk.clients.forms import ClientContactForm, StaffClientForm
from hostwerk.clients.models import ClientStatus


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True})
    )
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)

    def __init__(self, request, *args, staff_area: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.staff_area = staff_area
        # The login the form accepted, once it is valid.
        self.user: User | None = None

    def clean(self):
        email = (self.cleaned_data.get("email") or "").lower()
        password = self.cleaned_data.get("password")
        if not email or not password:
            return self.cleaned_data
        if login_blocked(email):
            raise forms.ValidationError(
                _("Too many failed attempts. Wait %(minutes)s minutes and try again.")
                % {"minutes": settings.LOGIN_FAILURE_WINDOW_MINUTES},
                code="throttled",
            )
        user = authenticate(self.request, email=email, password=password)
        if user is None:
            login_failure_record(email=email, ip_address=self.request.META.get("REMOTE_ADDR"))
            raise forms.ValidationError(
                _("The e-mail address or password is not right."), code="invalid_login"
            )
        if self.staff_area and not user.is_staff:
            raise forms.ValidationError(
                _("This login is for staff. Clients log in at the client area."), code="not_staff"
            )
        if not user.is_staff and (user.client is None or user.client.status == ClientStatus.CLOSED):
            raise forms.ValidationError(
                _("This account is closed. Contact us if you think this is wrong."), code="closed"
            )
        login_failures_clear(email=email)
        self.user = user
        return self.cleaned_data


class PasswordForgotForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True})
    )


class ClientUserForm(forms.Form):
    """A further login for a client: its e-mail address, what it may do, and the invitation."""

    email = forms.EmailField(label=_("E-mail address"))
    permissions = forms.ChoiceField(label=_("May use"), choices=())
    invite = forms.BooleanField(
        label=_("Send an invitation to choose a password"), required=False, initial=True
    )

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        from hostwerk.accounts.models import ClientAccess

        has_owner = client.users.filter(client_access=ClientAccess.OWNER).exists()
        self.fields["permissions"].choices = [
            (value, label)
            for value, label in ClientAccess.choices
            if value != ClientAccess.OWNER or not has_owner
        ]
        self.fields["permissions"].initial = ClientAccess.ALL if has_owner else ClientAccess.OWNER

    def clean_email(self) -> str:
        from hostwerk.accounts.models import User

        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("There is already a login with this e-mail address."))
        return email


# Creating a client together with its owner's login.


def _invite_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("Send an invitation to log in to the client area"),
        required=False,
        initial=True,
        help_text=_(
            "The client gets an e-mail with a one-time link to choose a password; the login "
            "uses the e-mail address above."
        ),
    )


def _check_invite(form: forms.Form, data: dict) -> None:
    email = data.get("email")
    if data.get("invite") and email and User.objects.filter(email__iexact=email).exists():
        form.add_error(
            "email",
            _(
                "There is already a login with this e-mail address: use another address, or "
                "do not send an invitation."
            ),
        )


class ClientCreateForm(ClientContactForm):
    """A new client (API): contact data, and whether its owner gets an invitation."""

    invite = _invite_field()

    def clean(self):
        data = super().clean()
        _check_invite(self, data)
        return data


class StaffClientCreateForm(StaffClientForm):
    invite = _invite_field()

    def clean(self):
        data = super().clean()
        _check_invite(self, data)
        return data


class TwoFactorCodeForm(forms.Form):
    """The second login step (or the confirmation of a new authenticator)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        strip=True,
        help_text=_("The 6 digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )
