"""Why a process changed a zone, as the zone history says it in the reader's language.

A person's reason (staff pointing a zone, a filter confirmed by phone) is kept as typed. A reason
Hostwerk writes itself is kept as a code with its values (`ZoneChange.reason_code`,
`reason_args`) and worded when the page is shown, so a Dutch staff member reads Dutch. The
English wording stays in `ZoneChange.reason` too, for the API, the audit trail and searches.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from hostwerk.core.moments import stored_moment_text

WORDING = {
    "hosting_on": _("the hosting of %(zone)s is on %(server)s"),
    "hosting_gone": _("%(zone)s has no hosting any more: back to the forwarding server %(server)s"),
    "pointed_by_staff": _("pointed at %(server)s by staff"),
    "filter_on_add": _(
        "mail filtering at %(provider)s confirmed, step 1 of 2: the filter's records go in; the "
        "old MX stays until they are published"
    ),
    "filter_on_remove": _(
        "mail filtering, step 2 of 2: the filter's MX records are published, so the old MX goes"
    ),
    "filter_off_add": _(
        "mail filtering cancelled, step 1 of 2: the original MX goes back; the filter's records "
        "stay until it is published"
    ),
    "filter_off_remove": _(
        "mail filtering cancelled, step 2 of 2: the original MX is published, so the filter's "
        "records go"
    ),
    "restored_after": _("restored the records as they were after the change of %(when)s"),
    "restored_before": _("restored the records as they were before the change of %(when)s"),
}

# Values that are moments (ISO text), shown on the local clock in the reader's format.
MOMENTS = frozenset({"when"})


@dataclass(frozen=True)
class Reason:
    """A reason Hostwerk words itself: a key of WORDING and its values."""

    code: str
    args: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in WORDING:
            raise ValueError(f"unknown zone change reason {self.code!r}")

    def text(self) -> str:
        """The reason in the active language."""
        return reason_text(self.code, self.args) or self.code

    def english(self) -> str:
        with translation.override("en"):
            return self.text()


def reason_text(code: str, args: dict[str, str]) -> str | None:
    """The wording of `code` with `args` in the active language; None for an unknown code."""
    wording = WORDING.get(code)
    if wording is None:
        return None
    values = {
        name: (stored_moment_text(value) or value) if name in MOMENTS else value
        for name, value in args.items()
    }
    try:
        return str(wording) % values
    except (KeyError, TypeError, ValueError):
        return None
