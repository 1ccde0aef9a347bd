"""The only tags and filters a staff-edited e-mail template may use (see sandbox.py).

No {% load %}, {% include %}, {% extends %}, {% debug %}, {% url %} or {% csrf_token %}: a staff
template cannot reach files, other libraries or the whole context, only the variables its kind
is given, formatted with Django's filters, translated with i18n's tags and priced with `money`.
"""

from __future__ import annotations

from django.template import Library, defaultfilters, defaulttags
from django.templatetags import i18n
from django.utils.module_loading import import_string

from hostwerk.core.templatetags import hostwerk

register = Library()

SAFE_TAGS = (
    "autoescape",
    "comment",
    "cycle",
    "filter",
    "firstof",
    "for",
    "if",
    "ifchanged",
    "now",
    "regroup",
    "resetcycle",
    "spaceless",
    "templatetag",
    "verbatim",
    "widthratio",
    "with",
)
for name in SAFE_TAGS:
    register.tags[name] = defaulttags.register.tags[name]
for name in ("translate", "trans", "blocktranslate", "blocktrans"):
    register.tags[name] = i18n.register.tags[name]
register.filters.update(defaultfilters.register.filters)
register.filters["money"] = hostwerk.register.filters["money"]

# Tags of higher apps that e-mails use, named by path so that notifications imports none of them;
# they are read when the restricted engine is first made, once every app is loaded.
APP_TAGS: dict[str, str] = {
    "payment_instructions": "hostwerk.billing.templatetags.payment.register",
}
for name, library in APP_TAGS.items():
    register.tags[name] = import_string(library).tags[name]
