"""Forms of the mail screens. They collect what was typed; the checks run in the actions, whose
errors are put beside the fields. Password fields never show what was typed back."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hostwerk.catalog.models import Product, ProductType
from hostwerk.mail.actions import mailbox_typed_problems
from hostwerk.mail.models import MailFilterStatus, ProviderMode, SpamFilterState
from hostwerk.provisioning.models import Service


class PasswordFields(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 10 characters; not the address, not a common password, not only digits."
        ),
    )
    password_again = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        password, again = data.get("password"), data.get("password_again")
        if password and again is not None and password != again:
            self.add_error("password_again", _("The two passwords differ; type them again."))
        return data


class QuotaField(forms.Form):
    quota_mb = forms.CharField(
        label=_("Quota (MB)"),
        required=False,
        max_length=10,
        help_text=_("Empty: no limit of its own (the hosting plan's limit applies)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "1024"}),
    )


def local_part_field() -> forms.CharField:
    return forms.CharField(
        label=_("Name"),
        max_length=64,
        help_text=_("The part before the @, e.g. info or jan.jansen."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )


class TypedChecks(forms.Form):
    """A create form that already refuses something also shows what the action would refuse
    in the name and password (a bad name waited for the next try behind "This field is
    required")."""

    def typed_domain(self) -> str:
        return ""

    def clean(self):
        data = super().clean()
        if self.errors:
            problems = mailbox_typed_problems(
                local_part=self.data.get(self.add_prefix("local_part"), ""),
                password=self.data.get(self.add_prefix("password"), ""),
                domain=self.typed_domain(),
            )
            for name, messages in problems.items():
                if name not in self.errors:
                    for message in messages:
                        self.add_error(name, message)
        return data


class MailboxCreateForm(TypedChecks, PasswordFields, QuotaField):
    """For a client: the service is one of theirs. For staff, see StaffMailboxCreateForm."""

    field_order = ["service", "local_part", "password", "password_again", "quota_mb"]

    service: forms.ModelChoiceField[Service] = forms.ModelChoiceField(
        label=_("Domain"), queryset=None, empty_label=None, to_field_name="pk"
    )
    local_part = local_part_field()

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["service"].label_from_instance = lambda service: f"@{service.domain}"

    def typed_domain(self) -> str:
        service = self.cleaned_data.get("service")
        return service.domain if service is not None else ""


class StaffMailboxCreateForm(TypedChecks, PasswordFields, QuotaField):
    """Staff make mailboxes for any client: the hosting service is found by its domain."""

    field_order = ["domain", "local_part", "password", "password_again", "quota_mb"]

    domain = forms.CharField(
        label=_("Domain of the hosting service"),
        max_length=253,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "example.nl"}),
    )
    local_part = local_part_field()

    def typed_domain(self) -> str:
        return self.cleaned_data.get("domain", "")


class MailboxPasswordForm(PasswordFields):
    pass


class MailboxQuotaForm(QuotaField):
    pass


class MailboxSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    spam_filter = forms.ChoiceField(
        required=False,
        choices=[
            ("", _("all mailboxes")),
            ("attention", _("filter not on")),
            (SpamFilterState.ON, _("filter on")),
            (SpamFilterState.OFF, _("filter off")),
            (SpamFilterState.UNKNOWN, _("filter unknown")),
        ],
    )


class MailFilterSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    status = forms.ChoiceField(
        required=False,
        choices=[("", _("all")), ("attention", _("with a problem")), *MailFilterStatus.choices],
    )


class ConfirmNoteForm(forms.Form):
    """Staff confirm a filter requested by e-mail: the provider's reply is the confirmation."""

    note = forms.CharField(
        label=_("The provider's reply (optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("e.g. their e-mail of 3 March, ticket 4711")}
        ),
    )


class ConfirmAnywayForm(forms.Form):
    """Staff confirm although the provider's API does not report the domain: why (audited)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=250,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit trail, together with what the provider said."),
        error_messages={"required": _("Say why you confirm against what the provider said.")},
    )


class ProviderForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    mode = forms.ChoiceField(
        label=_("How to request filtering"), choices=ProviderMode.choices, widget=forms.RadioSelect
    )
    api_url = forms.URLField(
        label=_("API address"),
        required=False,
        assume_scheme="https",
        help_text=_("The SpamExperts control panel, e.g. https://api.antispamcloud.com"),
    )
    username = forms.CharField(label=_("API login"), max_length=254, required=False)
    password = forms.CharField(
        label=_("API password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the stored password."),
    )
    verify_tls = forms.BooleanField(
        label=_("Verify the TLS certificate"), required=False, initial=True
    )
    request_email = forms.EmailField(
        label=_("Request e-mail address"),
        required=False,
        help_text=_("Where requests go when the provider has no API."),
    )
    language = forms.ChoiceField(
        label=_("Language of the request e-mails"), choices=settings.LANGUAGES
    )
    mx_hosts = forms.CharField(
        label=_("MX hosts"),
        max_length=500,
        help_text=_(
            "name:priority, comma-separated. A name without a dot is in the client's zone: "
            "spamx becomes spamx.<domain>."
        ),
    )
    mx_addresses = forms.CharField(
        label=_("Addresses of the MX hosts"),
        max_length=500,
        required=False,
        help_text=_("name:IP address for each MX host in the client's zone."),
    )
    products = forms.ModelMultipleChoiceField(
        label=_("Products"),
        required=False,
        queryset=Product.objects.filter(type=ProductType.MAIL_FILTER),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "None ticked: this provider serves every mail filtering product without its own."
        ),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def errors_beside_fields(
    form: forms.Form, errors: dict[str, list[str]], *, rename: dict | None = None
) -> None:
    """Put an action's refusals beside the form's fields (renamed where the form calls them so)."""
    for field, field_messages in errors.items():
        name = (rename or {}).get(field, field)
        for message in field_messages:
            form.add_error(name if name in form.fields else None, message)


def mailbox_form_run(form: forms.Form, action, *, rename: dict | None = None):
    """Run a mailbox action for a valid form; (True, its result), or (False, None) with the
    refusal beside the fields (MailboxInvalid) or above them (MailboxFailed)."""
    from hostwerk.mail.actions import MailboxFailed, MailboxInvalid

    try:
        return True, action()
    except MailboxInvalid as invalid:
        errors_beside_fields(form, invalid.errors, rename=rename)
    except MailboxFailed as failed:
        form.add_error(None, failed.message)
    return False, None
