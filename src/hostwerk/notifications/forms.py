"""The staff area's form for an e-mail template of one kind and language."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hostwerk.notifications.email_templates import email_template_errors
from hostwerk.notifications.kinds import EmailKind


class EmailTemplateForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=1000, required=False)
    # Not stripped: line breaks at the start or end are part of a text e-mail.
    body_text = forms.CharField(
        label=_("Text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16, "class": "font-monospace", "spellcheck": "true"}),
    )
    body_html = forms.CharField(
        label=_("HTML (optional)"),
        required=False,
        strip=False,
        help_text=_(
            "What goes inside Hostwerk's e-mail layout. Empty: the e-mail is sent as plain text only."
        ),
        widget=forms.Textarea(attrs={"rows": 12, "class": "font-monospace"}),
    )

    def __init__(self, *args, kind: EmailKind, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind

    def clean(self):
        cleaned = super().clean()
        for field, message in email_template_errors(self.kind, cleaned).items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned

    def values(self) -> dict[str, str]:
        return {
            name: self.cleaned_data.get(name, "") for name in ("subject", "body_text", "body_html")
        }
