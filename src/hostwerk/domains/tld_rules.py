"""What registries demand per TLD beyond plain EPP, in one place (SIDN for .nl, DENIC for .de).

The catalogue's Tld holds what staff configure (registrar, DNS before registration, years,
prices); these are facts about the registries themselves, which staff cannot change.
"""

from __future__ import annotations

from dataclasses import dataclass

from hostwerk.clients.models import LegalForm


@dataclass(frozen=True)
class TldRule:
    needs_legal_form: bool = False  # the owner contact carries a legal form (SIDN's extension)
    renews_automatically: bool = False  # the registry renews until the domain is deleted
    # Registries that check the name servers at registration, so the zone must be live first.
    checks_nameservers: bool = False


# Legal forms registered at the Dutch chamber of commerce (KvK): SIDN wants the number with them.
LEGAL_FORMS_WITH_REGISTRATION_NUMBER = frozenset(
    {
        LegalForm.EENMANSZAAK,
        LegalForm.VOF,
        LegalForm.MAATSCHAP,
        LegalForm.CV,
        LegalForm.BV,
        LegalForm.BVIO,
        LegalForm.NV,
        LegalForm.COOP,
        LegalForm.OWM,
        LegalForm.STICHTING,
        LegalForm.VERENIGING,
        LegalForm.REDR,
    }
)

RULES = {
    # SIDN: legal form in its contact extension, no renew command (.nl renews automatically).
    "nl": TldRule(needs_legal_form=True, renews_automatically=True),
    # DENIC: pre-delegation check of the name servers on create and update.
    "de": TldRule(checks_nameservers=True),
}


def tld_rule(tld_name: str) -> TldRule:
    return RULES.get(tld_name.lower().lstrip("."), TldRule())
