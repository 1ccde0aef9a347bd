"""Password rules with messages in the reader's language.

Django 5.2 words the too-short message with `%d`, while its Dutch catalogue still has the older
`%(min_length)d` wording, so the message stayed English. This validator uses the wording the
catalogue has.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
